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
 *   passes   -- untimed: the correctness check, the latency pass, the
 *               stack figures;
 *   the floor (run/floor.h), which every matrix figure is read against.
 * The timed path holds only the workload, the strategy and the bucket
 * table: no allocation, I/O or timing of the runner's own.
 */
#ifndef PCBENCH_RUNNER_H
#define PCBENCH_RUNNER_H

#include "config.h"
#include "layout/module.h"
#include "run/stackfig.h"
#include "workloads/workload.h"

struct pcb_point {
  const struct pcb_workload *wl;
  const struct pcb_strategy *s;
  int depth, frames, threads;
  enum pcb_place place;
  enum pcb_cache cache;
  uint64_t rate;  /* an item of --rate: >= 1, or PCB_RATE_GO */
};

/* Go's default rates, which a rate:go point samples at: malloc at Go's
 * MemProfileRate; block, mutex and lock at PCB_GO_BLOCK_NS of waiting,
 * converted to cycles of the counter the workloads time waits with, as
 * Go's SetBlockProfileRate converts ns to ticks (Go has no default block
 * rate: its block profile is off until a program sets one; 10 us is what
 * a continuous profiler has set in production). */
#define PCB_GO_MEM_PROFILE_RATE 524288
#define PCB_GO_BLOCK_NS 10000
/* The rate p's threads sample at, in its workload's unit: its --rate
 * item, or for rate:go, Go's default (needs pcb_runner_init). */
uint64_t pcb_runner_rate(const struct pcb_point *p);
/* Go's SetBlockProfileRate(ns): int64(ns * ticks per second / 1e9), at
 * least 1, for a counter of ns_per_tick. */
uint64_t pcb_go_block_cycles(uint64_t ns, double ns_per_tick);

/* What the threads recorded since their last reset, summed.  A thread's
 * events are correct when its checking consumer saw exactly one capture
 * per event and it equalled the truth (for `off`: when it saw none). */
struct pcb_tally {
  uint64_t events, lost;
  uint64_t main_events;       /* the measuring thread's alone */
  uint64_t correct, truncated;
  uint64_t nested, nested_lost, overlaps;
  uint64_t waits, parked;     /* the ring's, where the workload counts */
  uint64_t main_walk_cycles;  /* cold: walking on the measuring thread's
                               * path (struct pcb_wl_thread) */
};

/* The quantiles of the latency pass written out whole, as counters
 * lat_q<q>_ns with q's decimal point as '_' (lat_q0_5_ns, lat_q0_99_ns,
 * lat_q1_ns = max): enough points for a percentile curve. */
#define PCB_LAT_LADDER_N 12
extern const double pcb_lat_ladder[PCB_LAT_LADDER_N];
extern const char *const pcb_lat_ladder_names[PCB_LAT_LADDER_N];

/* What a point's untimed passes found, reported with every repetition. */
struct pcb_point_figs {
  bool checked;
  uint64_t nchecked, ncorrect, ntruncated;
  bool timed_each;
  uint64_t p50, p99, p999, max;
  /* the same distribution at each of PCB_LAT_LADDER's quantiles */
  uint64_t lat_q[PCB_LAT_LADDER_N];
  /* the record call alone, over the latency pass's events */
  uint64_t event_n, event_p50, event_p99;
  double event_mean;
  struct pcb_stack_figs stack;
  double ns_per_iter;         /* the last timed run, by the runner's clock */
  uint64_t nested, nested_lost;  /* under a storm */
  uint64_t overlaps;             /* nested events inside an outer record */
};

/* An entry of one point: what the matrix and its variants register. */
struct pcb_point_entry {
  char name[160];
  struct pcb_point p;
  int index;                  /* among its suite's entries */
  struct pcb_point_figs figs;
};

/* fn(p, arg) for each point of c, in the matrix's order (workload,
 * strategy, depth, frames, placement -- the last only for workloads of
 * several threads); stops at, and returns, the first error. */
typedef int (*pcb_point_fn)(const struct pcb_point *p, void *arg);
int pcb_points_each(const struct pcb_config *c, pcb_point_fn fn, void *arg);
int pcb_points_count(const struct pcb_config *c);
/* The entry name of point p (base/name.h): `kind` first if not NULL, the
 * strategy's name unless !strategy (an entry across strategies). */
int pcb_point_name(char *buf, size_t len, const char *kind,
                   const struct pcb_point *p, bool strategy);
/* The entries of one suite's points, each a Google Benchmark body's
 * argument: owned by the runner, alive until pcb_runner_fini. */
struct pcb_point_set {
  struct pcb_point_set *next;  /* the runner's list of sets */
  int n;
  struct pcb_point_entry at[];
};
/* One entry per point of c, named after `kind` if not NULL (base/name.h)
 * and registered with body, *o and its workload's real_time; NULL if out
 * of memory or a name does not fit (nothing registered then). */
struct pcb_point_set *pcb_point_register(const struct pcb_config *c,
                                         const char *kind, pcb_gb_fn body,
                                         const struct pcb_gb_opts *o);
void pcb__points_fini(void);

/* The spin budget of p's waits: --spin-ns where every thread of p can
 * run at once (a PU of its own), else 0, parking at once. */
uint64_t pcb_runner_spin_ns(const struct pcb_point *p);

int pcb_runner_init(const struct pcb_config *c);
void pcb_runner_fini(void);
/* The bucket table every event of the run goes to (Go's stkbucket). */
struct pcb_bucket_table *pcb_runner_buckets(void);

/* Placement and registration for p; false (Google Benchmark told why)
 * if the point cannot run. */
bool pcb_runner_prepare(const struct pcb_point *p, pcb_gb_state *st);
/* Every thread of p: counters cleared, sampling at `rate` (PCB_RATE_POINT:
 * at p's own, pcb_runner_rate), `consume`. */
void pcb_runner_reset(const struct pcb_point *p, uint64_t rate,
                      pcb_consume_fn consume);
/* One run of p on all its threads: Google Benchmark's loop when st, else
 * `count` operations of the measuring thread, each timed when latency. */
void pcb_runner_run(const struct pcb_point *p, pcb_gb_state *st,
                    int64_t count, bool latency);
struct pcb_tally pcb_runner_tally(const struct pcb_point *p);

/* fn(w, arg) on each of p's threads, on that thread; every thread is
 * called, the first error returned. */
typedef int (*pcb_runner_fn)(struct pcb_wl_thread *w, void *arg);
int pcb_runner_each(const struct pcb_point *p, pcb_runner_fn fn, void *arg);

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
/* Internal to run/ (run/tally.c): the spin budgets, into the results'
 * context; thread i's state, the run's shared state, the configuration. */
void pcb__runner_describe_spin(const struct pcb_config *c);
struct pcb_wl_thread *pcb__runner_thread(int i);
const struct pcb_wl_shared *pcb__runner_shared(void);
const struct pcb_config *pcb__runner_config(void);
/* ns per counter tick, and the floor of a pair of reads, in ns */
double pcb_runner_ns_per_tick(void);
double pcb_runner_clock_floor_ns(void);

/* The passes.  check: --check-events events at rate 1 with the checking
 * consumer.  latency: --latency-events operations at the point's rate,
 * each timed, with `arm(p, true)` before and `arm(p, false)` after when
 * arm is given (it may refuse: the pass then runs without).  stack: the
 * three stack figures of one event. */
void pcb_runner_check(const struct pcb_point *p, struct pcb_point_figs *f);
typedef int (*pcb_runner_arm_fn)(const struct pcb_point *p, bool on);
void pcb_runner_latency(const struct pcb_point *p, pcb_runner_arm_fn arm,
                        struct pcb_point_figs *f);
/* instruction mode: `warm` events of the point's workload on the
 * measuring thread alone, at rate 1, callgrind's counters zeroed, then
 * `count` more, each after a walk of the working set if the point is cold
 * (run/probe.h). */
int pcb_runner_probe(const struct pcb_point *p, int64_t warm, int64_t count);
void pcb_runner_stack(const struct pcb_point *p, struct pcb_point_figs *f);

/* The counters of one timed run (t) with the point's figures (f). */
void pcb_runner_counters(pcb_gb_state *st, const struct pcb_point *p,
                         const struct pcb_tally *t,
                         const struct pcb_point_figs *f);

#endif
