/*
 * Time per sampled event, as a paired interval: in each round the
 * profiler active and inactive, each for a batch of BATCH events at the
 * bottom of the chain, in random order, switched between batches
 * (outside the timing).  A round's difference over the events it sampled
 * is one sample; the interval is the mean's 95% (normal) over the rounds,
 * the first round dropped as warm-up.  At a rate of R bytes one 64-byte
 * allocation in R/64 is sampled on average, so the difference per
 * operation is scaled by R/64 (an estimate: the count is not read).
 * gperftools' Start makes its table anew, so its first event in a
 * round inserts its stack: once in BATCH.
 *
 * Batches are timed in the thread's CPU time, not the wall clock: the
 * event does no waiting (one thread, its locks uncontended), and on a
 * shared machine a preemption inside a long active batch would otherwise
 * be charged to the profiler.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pcbench/rng.h"
#include "shipped/child.h"
#include "shipped/control.h"

enum { BATCH = 200 };

static double thread_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double batch_ns(struct pcb_shipped_probe *p)
{
  double t0, t1;

  p->ops = BATCH;
  t0 = thread_ns();
  pcb__shipped_chain(p);
  t1 = thread_ns();
  p->ops = 1;
  return (t1 - t0) / BATCH;
}

static void interval(const char *key, const double *x, int n)
{
  double sum = 0, ss = 0, mean, half;

  for (int i = 0; i < n; i++)
    sum += x[i];
  mean = sum / n;
  for (int i = 0; i < n; i++)
    ss += (x[i] - mean) * (x[i] - mean);
  half = n > 1 ? 1.96 * sqrt(ss / (n - 1) / n) : 0;
  printf("%s %.6g\n%s_lo %.6g\n%s_hi %.6g\n", key, mean, key, mean - half,
         key, mean + half);
}

void pcb__shipped_paired(struct pcb_shipped_probe *p, int rounds,
                         uint64_t seed, double rate)
{
  double *diff = calloc((size_t)rounds, sizeof(double));
  double *ratio = calloc((size_t)rounds, sizeof(double));
  double off_sum = 0, on_sum = 0, per_event = rate / 64 < 1 ? 1 : rate / 64;
  struct pcb_rng rng;
  int n = 0;

  if (diff == NULL || ratio == NULL || rounds < 2)
    goto out;
  pcb_rng_seed(&rng, seed);
  for (int r = 0; r <= rounds; r++) {
    bool on_first = pcb_rng_below(&rng, 2) == 0;
    double t[2];

    for (int k = 0; k < 2; k++) {
      bool on = on_first ? k == 0 : k == 1;

      p->c->active(on);
      t[on] = batch_ns(p);
    }
    if (r == 0)
      continue;  /* warm-up */
    diff[n] = (t[1] - t[0]) * per_event;
    ratio[n] = t[1] / t[0];
    off_sum += t[0];
    on_sum += t[1];
    n++;
  }
  p->c->active(true);
  interval("active_minus_inactive_ns", diff, n);
  interval("active_over_inactive", ratio, n);
  printf("op_ns_inactive %.6g\n", off_sum / n);
  printf("op_ns_active %.6g\n", on_sum / n);
  printf("rounds %d\n", n);
out:
  free(diff);
  free(ratio);
}
