/*
 * The cycle counter (see include/pcbench/clock.h): which read this
 * machine may use, and its calibration.
 *
 * The choice reads CPUID, never a CPU model or a hope: a CPU can run an
 * instruction it does not advertise (one machine of the project's kind
 * runs rdtscp natively with CPUID's bit clear), and then every tool that
 * decodes by CPUID -- valgrind, an emulator of a baseline CPU -- stops
 * the program with SIGILL.  Under valgrind the virtual CPU's CPUID
 * advertises rdtscp whatever the host has, so there rdtscp is never
 * chosen: lfence;rdtsc decodes on every host, and the exact counts of a
 * run under callgrind are the same whichever host it runs on.
 *
 * The floor is the median, not the minimum, of back-to-back read pairs:
 * what a timed event typically pays for being timed.  The VM is
 * preempted now and then (a pair once took 4 ms), which the median
 * ignores.
 */
#include <stdlib.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define PCB_ON_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef PCB_ON_VALGRIND  /* built without valgrind's headers */
#define PCB_ON_VALGRIND() 0
#endif

#include "pcbench/clock.h"
#include "pcbench/error.h"
#include "arch/probe.h"

enum pcb_clock_path pcb__clock_path = PCB_CLOCK_MONOTONIC;

static const char *const path_names[PCB_CLOCK_PATH_COUNT] = {
  "auto", "rdtscp", "lfence_rdtsc", "monotonic", "cntvct",
};

const char *pcb_clock_path_name(enum pcb_clock_path p)
{
  return (unsigned)p < PCB_CLOCK_PATH_COUNT ? path_names[p] : NULL;
}

uint64_t pcb_clock_read_mono(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void pcb_clock_probe(struct pcb_clock_features *f)
{
  *f = (struct pcb_clock_features){ 0 };
  pcb__arch_clock_probe(f);
  f->valgrind = PCB_ON_VALGRIND();
}

const char *pcb_clock_unusable(const struct pcb_clock_features *f,
                               enum pcb_clock_path p)
{
  switch (p) {
  case PCB_CLOCK_AUTO:
  case PCB_CLOCK_MONOTONIC:
    return NULL;
  case PCB_CLOCK_RDTSCP:
    if (!f->x86_64)
      return "not an x86-64 build";
    if (!f->rdtscp)
      return "this CPU does not advertise rdtscp (CPUID 0x80000001 EDX bit 27)";
    if (f->valgrind)
      return "under valgrind, whose CPU advertises rdtscp whether or not "
             "the host can run it";
    /* rdtscp reads the time-stamp counter too */
    return pcb_clock_unusable(f, PCB_CLOCK_LFENCE_RDTSC);
  case PCB_CLOCK_LFENCE_RDTSC:
    if (!f->x86_64)
      return "not an x86-64 build";
    if (!f->tsc)
      return "this CPU does not advertise a time-stamp counter (CPUID 1 EDX "
             "bit 4)";
    if (!f->tsc_user)
      return "the kernel forbids rdtsc in this process (PR_GET_TSC)";
    return NULL;
  case PCB_CLOCK_CNTVCT:
    if (!f->aarch64)
      return "not an AArch64 build";
    if (!f->cntvct)
      return "the generic timer reports no frequency (CNTFRQ_EL0 is 0)";
    return NULL;
  default:
    return "no such clock";
  }
}

enum pcb_clock_path pcb_clock_best(const struct pcb_clock_features *f)
{
  if (pcb_clock_unusable(f, PCB_CLOCK_RDTSCP) == NULL)
    return PCB_CLOCK_RDTSCP;
  if (pcb_clock_unusable(f, PCB_CLOCK_LFENCE_RDTSC) == NULL)
    return PCB_CLOCK_LFENCE_RDTSC;
  if (pcb_clock_unusable(f, PCB_CLOCK_CNTVCT) == NULL)
    return PCB_CLOCK_CNTVCT;
  return PCB_CLOCK_MONOTONIC;
}

int pcb_clock_use(enum pcb_clock_path p)
{
  struct pcb_clock_features f;

  pcb_clock_probe(&f);
  if (p == PCB_CLOCK_AUTO)
    p = pcb_clock_best(&f);
  if (pcb_clock_unusable(&f, p) != NULL)
    return PCB_EUNSUPPORTED;
  pcb__clock_path = p;
  return 0;
}

enum pcb_clock_path pcb_clock_current(void)
{
  return pcb__clock_path;
}

static uint64_t read_counter(void)
{
  return pcb_clock_read();
}

const struct pcb_clock_source pcb_clock_counter = {
  .name = "counter",
  .read = read_counter,
  .mono_ns = pcb_clock_read_mono,
};

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return x < y ? -1 : x > y;
}

static uint64_t median_pair(const struct pcb_clock_source *src, int pairs)
{
  uint64_t *d = malloc((size_t)pairs * sizeof(*d)), m;

  if (d == NULL)
    return 0;
  for (int i = 0; i < pairs; i++) {
    uint64_t t0 = src->read();

    d[i] = src->read() - t0;
  }
  qsort(d, (size_t)pairs, sizeof(*d), cmp_u64);
  m = d[pairs / 2];
  free(d);
  return m;
}

int pcb_clock_calibrate(const struct pcb_clock_source *src, int ms, int pairs,
                        struct pcb_clock *out)
{
  uint64_t n0, t0, n1, t1;

  if (ms <= 0 || pairs <= 0)
    return PCB_EINVAL;
  n0 = src->mono_ns();
  t0 = src->read();
  do {
    n1 = src->mono_ns();
  } while (n1 - n0 < (uint64_t)ms * 1000000u);
  t1 = src->read();
  if (t1 <= t0)
    return PCB_EINVAL;
  out->ns_per_tick = (double)(n1 - n0) / (double)(t1 - t0);
  out->floor_ticks = median_pair(src, pairs);
  out->floor_ns = (double)out->floor_ticks * out->ns_per_tick;
  return 0;
}
