/*
 * The runner: runs one point of the matrix -- (workload, strategy, depth,
 * frames, threads, placement) -- on harness-owned threads, and measures
 * it.  It knows no suite: the suites (suites/) decide which points become
 * entries and what each entry reports; the runner gives them
 *   prepare  -- outside the timer: partners started and placed, every
 *               thread registered with (strategy, depth) once and reused
 *               across repetitions;
 *   run      -- the measuring thread descends `frames` real frames and
 *               runs the loop at the bottom (Google Benchmark's, or a
 *               count); partners do the same until told to stop;
 *   a view   -- read-only, of the last run's threads (run/view.h), for
 *               the tally (run/tally.h) and the passes (pass/), which
 *               drive the runner through this interface and nothing else.
 * The timed path holds only the workload, the strategy and the bucket
 * table: no allocation, I/O or timing of the runner's own.
 */
#ifndef PCBENCH_RUNNER_H
#define PCBENCH_RUNNER_H

#include "config.h"
#include "layout/module.h"
#include "run/budget.h"
#include "run/point.h"
#include "run/view.h"

/* The rate p's threads sample at, in its workload's unit: its --rate
 * item, or for rate:go, Go's default (run/budget.h; needs
 * pcb_runner_init). */
uint64_t pcb_runner_rate(const struct pcb_point *p);

int pcb_runner_init(const struct pcb_config *c);
void pcb_runner_fini(void);
/* The bucket table every event of the run goes to (Go's stkbucket). */
struct pcb_bucket_table *pcb_runner_buckets(void);
/* The counter every timing of the run reads, calibrated at init: ns per
 * tick, and the floor of a pair of reads in ns. */
double pcb_runner_ns_per_tick(void);
double pcb_runner_clock_floor_ns(void);

/* Placement and registration for p; false (Google Benchmark told why)
 * if the point cannot run. */
bool pcb_runner_prepare(const struct pcb_point *p, pcb_gb_state *st);
/* Every thread of p: counters cleared, sampling at `rate` (PCB_RATE_POINT:
 * at p's own, pcb_runner_rate), `consume`. */
void pcb_runner_reset(const struct pcb_point *p, uint64_t rate,
                      pcb_consume_fn consume);
/* One run of p on all its threads: Google Benchmark's loop when st, else
 * `count` operations of the measuring thread, each timed into `each`
 * (the counter's floor removed) when not NULL. */
void pcb_runner_run(const struct pcb_point *p, pcb_gb_state *st,
                    int64_t count, struct pcb_hist *each);
/* The measuring thread's record calls timed into `events` from now on
 * (its event_ns_sum cleared), until called with NULL. */
void pcb_runner_time_events(struct pcb_hist *events);
/* The threads as the last run or reset left them. */
struct pcb_run_view pcb_runner_view(void);

/* fn(w, arg) on each of p's threads, on that thread; every thread is
 * called, the first error returned. */
typedef int (*pcb_runner_fn)(struct pcb_wl_thread *w, void *arg);
int pcb_runner_each(const struct pcb_point *p, pcb_runner_fn fn, void *arg);
/* The measuring thread's state, reset to record every event (rate 1)
 * with the timed consumer, lent to the caller on the calling thread for
 * one event at a time (the stack figures, the instruction probe) until
 * the runner's next run or reset.  A loan, not a call back: the probe's
 * counted events see the same frames above them as when the runner
 * called the probe itself. */
struct pcb_wl_thread *pcb_runner_lend(void);

/* Paired timing's arms: states of their own on the same threads.
 * arm_state: thread i's state for an arm, unregistered, its oracle the
 * thread's, sampling at `rate` (PCB_RATE_POINT: the rate of the point
 * last prepared) into the bucket table.  call_on: fn(w, arg)
 * on thread i (prepared by pcb_runner_prepare).  run_arm: `count`
 * operations of the measuring thread with thread i's state arm[i], the
 * batch's first and last counter reads in *batch (and, at a cold point,
 * the sum of each operation's own reads, walk excluded, in op_ticks),
 * every thread's loop and chain from copy m of the event path (NULL:
 * pcbench's own; the states' strategy and consumer are the caller's to
 * point at the same copy). */
void pcb_runner_arm_state(int i, struct pcb_wl_thread *w, uint64_t rate);
int pcb_runner_call_on(int i, pcb_runner_fn fn, struct pcb_wl_thread *w,
                       void *arg);
void pcb_runner_run_arm(const struct pcb_point *p,
                        struct pcb_wl_thread *const *arm, int64_t count,
                        struct pcb_batch_time *batch,
                        const struct pcb_event_module *m);

#endif
