/*
 * Per-event timing: a cycle counter read around one operation, converted
 * to nanoseconds, minus the calibrated timer floor (the cost of the two
 * reads themselves).  On x86-64 the counter is rdtscp, which waits for
 * the instructions before it to complete: the cheapest serialising read.
 * The clock source is a hook (jemalloc-style) so tests can feed a fake.
 */
#ifndef PCBENCH_CLOCK_H
#define PCBENCH_CLOCK_H

#include <stdint.h>

uint64_t pcb_clock_read_mono(void);

static inline uint64_t pcb_clock_read(void)
{
#if defined(__x86_64__)
  unsigned aux;

  return __builtin_ia32_rdtscp(&aux);
#else
  return pcb_clock_read_mono();
#endif
}

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

extern const struct pcb_clock_source pcb_clock_rdtscp;
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
