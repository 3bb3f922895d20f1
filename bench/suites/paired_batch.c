/*
 * Timing one batch of a paired arm; see paired_batch.h.
 *
 * Warm points: the measuring thread's loop driver reads the counter as
 * the batch's first operation starts and its last one ends, so neither
 * the descent to the event site nor the partners' start is timed.  A
 * batch is sized so that those two reads are under 0.5% of the cheapest
 * arm's batch, and lasts at least BATCH_NS_MIN: short enough that drift
 * is common to a round, long enough that a preemption is one round's
 * outlier.
 *
 * Cold points: before each operation the thread walks its working set
 * (--working-set, twice the L2 by default), so the event meets caches
 * the way a rare sampled event does.  The walk is the same for every arm
 * and costs far more than an event (hundreds of microseconds against
 * hundreds of nanoseconds): in a batch's time it would pull every ratio
 * towards 1 and put its own noise into every difference.  So a cold
 * batch times the operations alone: the loop reads the counter around
 * each operation after its walk (pcb_run_loop), the batch sums those
 * ticks, and the calibrated floor of a pair of reads -- the one the
 * latency pass removes -- is taken off once per operation.  The floor is
 * removed from the mean, not clamped per operation, so it adds no bias;
 * and it is the same for every arm, so `<arm>_minus_off_ns` does not
 * depend on it at all.  The reference arm, off, runs the same walk timed
 * the same way: `<arm>_minus_off_ns` is the event's cost with cold
 * caches, and thread/lazy minus stack is the cost of placement there.
 * A cold batch is COLD_BATCH operations: each is at least a walk long,
 * so the batch lasts milliseconds, and the per-operation reads, being
 * outside the walk, cost the batch nothing that is timed.
 */
#include "pcbench/layout.h"
#include "pcbench/paired.h"
#include "suites/paired_batch.h"

enum { MIN_BATCH = 16, MAX_BATCH = 1 << 20, COLD_BATCH = 8 };
#define BATCH_NS_MIN 20000.0

struct batch {
  const struct pcb_point *p;
  struct pcb_wl_thread *const *arm;
  int64_t iters;
  struct pcb_batch_time t;
  const struct pcb_event_module *m;
};

static void batch_run(void *arg)
{
  struct batch *b = arg;

  pcb_runner_run_arm(b->p, b->arm, b->iters, &b->t, b->m);
}

double pcb__paired_batch_ns(const struct pcb_point *p,
                            struct pcb_wl_thread *const *arm, int64_t iters,
                            struct pcb_rng *rng,
                            const struct pcb_event_module *m)
{
  struct batch b = { p, arm, iters, { 0, 0, 0 }, m };
  struct pcb_layout lay;
  uint64_t ticks;

  pcb_layout_draw(rng, &lay);
  pcb_layout_call(lay.stack_offset, batch_run, &b);
  if (p->cache != PCB_CACHE_COLD) {
    ticks = b.t.t1 - b.t.t0;
    return (double)ticks * pcb_runner_ns_per_tick() / (double)iters;
  }
  return (double)b.t.op_ticks * pcb_runner_ns_per_tick() / (double)iters -
         pcb_runner_clock_floor_ns();
}

int64_t pcb__paired_batch_iters(const struct pcb_point *p,
                                struct pcb_wl_thread *const *const *arms,
                                int narms, struct pcb_rng *rng)
{
  double fastest = 0;
  uint64_t iters = MIN_BATCH;

  if (p->cache == PCB_CACHE_COLD) {
    for (int a = 0; a < narms; a++)  /* warm-up: first events, buffers */
      pcb__paired_batch_ns(p, arms[a], COLD_BATCH, rng, NULL);
    return COLD_BATCH;
  }
  for (int a = 0; a < narms; a++) {
    double ns = pcb__paired_batch_ns(p, arms[a], 256, rng, NULL);  /* warm-up */

    ns = pcb__paired_batch_ns(p, arms[a], 256, rng, NULL);
    if (a == 0 || ns < fastest)
      fastest = ns;
  }
  if (fastest <= 0)
    fastest = 1;
  if (pcb_batch_iters(pcb_runner_clock_floor_ns(), fastest, MAX_BATCH,
                      &iters) != 0)
    iters = MAX_BATCH;
  if ((double)iters * fastest < BATCH_NS_MIN)
    iters = (uint64_t)(BATCH_NS_MIN / fastest) + 1;
  if (iters < MIN_BATCH)
    iters = MIN_BATCH;
  return iters > MAX_BATCH ? MAX_BATCH : (int64_t)iters;
}
