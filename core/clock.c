/*
 * Timer calibration (see include/pcbench/clock.h).  The floor is the
 * median, not the minimum, of back-to-back read pairs: what a timed event
 * typically pays for being timed.  The VM is preempted now and then (a
 * pair once took 4 ms), which the median ignores.
 */
#include <stdlib.h>
#include <time.h>

#include "pcbench/clock.h"
#include "pcbench/error.h"

uint64_t pcb_clock_read_mono(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t read_tsc(void)
{
  return pcb_clock_read();
}

const struct pcb_clock_source pcb_clock_rdtscp = {
  .name = "rdtscp",
  .read = read_tsc,
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
