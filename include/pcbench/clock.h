/*
 * Per-event timing: a cycle counter read around one operation, converted
 * to nanoseconds, minus the calibrated timer floor (the cost of the two
 * reads themselves).
 *
 * Which counter: chosen once at start-up from what the CPU advertises
 * (core/clock.c), never assumed.  No instruction the CPU does not
 * advertise is ever executed; a machine of one model may run an
 * instruction it hides from CPUID, and valgrind and emulators, which
 * decode only what is advertised, then stop the program with SIGILL.
 *
 *   rdtscp        waits for the instructions before it to complete: the
 *                 cheapest serialising read, where CPUID (0x80000001 EDX
 *                 bit 27) advertises it and the program is not under
 *                 valgrind (whose virtual CPU advertises rdtscp whether or
 *                 not the host can run it);
 *   lfence_rdtsc  lfence, then rdtsc (CPUID 1 EDX bit 4): the same ordering
 *                 as rdtscp from instructions every x86-64 has;
 *   monotonic     clock_gettime(CLOCK_MONOTONIC), where there is no
 *                 counter a user may read;
 *   cntvct        (AArch64) isb, then the generic timer's CNTVCT_EL0, at
 *                 CNTFRQ_EL0's rate (tens of MHz: coarse, but ordered).
 *
 * The instructions are include/pcbench/arch/'s; CPUID and the other
 * probes core/arch/'s.
 *
 * pcb_cycles(), the unserialised read a wait brackets itself with, uses
 * the same counter, so cycles and calibrated ticks are one unit.  The
 * choice is made before any thread reads the clock and never changes
 * while one may (a run's clock is fixed).  The clock source is a hook
 * (jemalloc-style) so tests can feed a fake; so are the CPU's features
 * (struct pcb_clock_features), so the choice is tested on any machine.
 */
#ifndef PCBENCH_CLOCK_H
#define PCBENCH_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcbench/arch.h"

enum pcb_clock_path {
  PCB_CLOCK_AUTO,          /* the best the CPU advertises (a request only) */
  PCB_CLOCK_RDTSCP,
  PCB_CLOCK_LFENCE_RDTSC,
  PCB_CLOCK_MONOTONIC,
  PCB_CLOCK_CNTVCT,        /* AArch64 */
  PCB_CLOCK_PATH_COUNT,
};

/* The path in use: read by the inline readers below; written only by
 * pcb_clock_use(), before any thread times anything.  Starts at
 * monotonic, which every machine has. */
extern enum pcb_clock_path pcb__clock_path;

uint64_t pcb_clock_read_mono(void);

/* The serialising read: everything before it has completed.  Only a
 * path pcb_clock_use() accepted on this machine is ever in use. */
static inline uint64_t pcb_clock_read(void)
{
  if (pcb__clock_path == PCB_CLOCK_RDTSCP)
    return pcb_arch_counter_ordered(PCB_ARCH_ORDERED_FULL);
  if (pcb__clock_path == PCB_CLOCK_LFENCE_RDTSC ||
      pcb__clock_path == PCB_CLOCK_CNTVCT)
    return pcb_arch_counter_ordered(PCB_ARCH_ORDERED_FENCE);
  return pcb_clock_read_mono();
}

/* The unserialised read, in the same unit: a wait's start and end. */
static inline uint64_t pcb_cycles(void)
{
  if (pcb__clock_path != PCB_CLOCK_MONOTONIC)
    return pcb_arch_counter();
  return pcb_clock_read_mono();
}

/* What the machine offers, as the choice sees it. */
struct pcb_clock_features {
  bool x86_64;      /* built for x86-64: the counters exist at all */
  bool tsc;         /* CPUID 1 EDX bit 4 */
  bool tsc_user;    /* rdtsc allowed in user mode (prctl PR_GET_TSC) */
  bool rdtscp;      /* CPUID 0x80000001 EDX bit 27 */
  bool valgrind;    /* running on valgrind's virtual CPU */
  bool aarch64;     /* built for AArch64: CNTVCT_EL0 exists */
  bool cntvct;      /* CNTFRQ_EL0 nonzero: the generic timer runs */
};

/* This machine's features, read with CPUID and prctl (core/arch/). */
void pcb_clock_probe(struct pcb_clock_features *f);
/* NULL when `p` can run on a machine with features `f`, else why not
 * ("this CPU does not advertise rdtscp (CPUID 0x80000001 EDX bit 27)"). */
const char *pcb_clock_unusable(const struct pcb_clock_features *f,
                               enum pcb_clock_path p);
/* The best usable path: rdtscp, else lfence_rdtsc, else cntvct, else
 * monotonic. */
enum pcb_clock_path pcb_clock_best(const struct pcb_clock_features *f);
/* Puts path `p` in use (PCB_CLOCK_AUTO: the best this machine offers);
 * 0, or PCB_EUNSUPPORTED (nothing changed) when this machine cannot run
 * it.  Call before any thread times anything. */
int pcb_clock_use(enum pcb_clock_path p);
enum pcb_clock_path pcb_clock_current(void);
/* "rdtscp", "lfence_rdtsc", "monotonic", "auto"; NULL out of range. */
const char *pcb_clock_path_name(enum pcb_clock_path p);

struct pcb_clock_source {
  const char *name;
  uint64_t (*read)(void);      /* the counter */
  uint64_t (*mono_ns)(void);   /* the reference, CLOCK_MONOTONIC in ns */
};

struct pcb_clock {
  double ns_per_tick;   /* from a calibration against mono_ns */
  uint64_t floor_ticks; /* median of back-to-back read pairs */
  double floor_ns;
};

/* pcb_clock_read() of the path in use, as a source to calibrate. */
extern const struct pcb_clock_source pcb_clock_counter;
/* Measures ticks per ns over `ms` milliseconds and the floor over `pairs`
 * back-to-back reads.  0 or PCB_EINVAL (a counter that does not move). */
int pcb_clock_calibrate(const struct pcb_clock_source *src, int ms, int pairs,
                        struct pcb_clock *out);

/* Elapsed ticks of one operation to ns, floor removed, never negative. */
static inline uint64_t pcb_clock_ns(const struct pcb_clock *c, uint64_t ticks)
{
  uint64_t t = ticks > c->floor_ticks ? ticks - c->floor_ticks : 0;

  return (uint64_t)((double)t * c->ns_per_tick + 0.5);
}

#endif
