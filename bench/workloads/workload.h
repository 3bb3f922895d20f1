/*
 * Workloads: the code every strategy runs, identically.  A workload's loop
 * runs at the bottom of a real `frames`-deep call chain (core/oracle.c);
 * its event sites, static in its own file, anchor the capture on their
 * own frame with skip PCB_WL_SKIP (their own return address and the
 * loop's), so PC 0 is the chain's bottom frame's return address -- oracle
 * truth[0] -- whatever the strategy.
 *
 * A workload is one file that fills one struct pcb_workload, and one line
 * of the table in table.c.  What it keeps for itself -- per thread, and
 * per run shared by the run's threads -- lives in the `own` room of the
 * structs below, which it views through a struct of its own declared in
 * its file: the harness allocates and zeroes that room and never reads it.
 */
#ifndef PCBENCH_WORKLOAD_H
#define PCBENCH_WORKLOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/gbshim.h"
#include "pcbench/clock.h"
#include "pcbench/hist.h"
#include "pcbench/bucket.h"
#include "pcbench/oracle.h"
#include "pcbench/sample.h"
#include "pcbench/strategy.h"

/* Frames between an event wrapper's frame and the chain's bottom frame. */
#define PCB_WL_SKIP 2

/* Bytes of a workload's own per-thread and per-run state (its file
 * asserts that its struct fits). */
#define PCB_WL_OWN_BYTES (PCB_DEPTH_MAX * 8 + 64)
#define PCB_WL_SHARED_OWN_BYTES 128

/* Marks a workload's view of an `own` room (struct x { ... } PCB_WL_VIEW;):
 * may_alias, because the room is bytes read and written as that struct. */
#define PCB_WL_VIEW __attribute__((may_alias))

/* One thread's workload state.  Owned by that thread while it runs. */
struct pcb_wl_thread {
  struct pcb_thread thread;        /* its registration with the strategy */
  struct pcb_sampler sampler;      /* malloc: bytes to the next sample */
  uint64_t rng;                    /* block, mutex, lock: the coin */
  int64_t block_rate;              /* cycles (Go's blocksampled) */
  struct pcb_bucket_table *buckets;
  struct pcb_oracle *oracle;
  pcb_consume_fn consume;          /* timed (bucket only) or checking */
  uint64_t cur_bytes, cur_cycles;  /* the event being recorded */
  /* outcomes, counted by the wrapper (timed) and the checking consumer */
  uint64_t events, lost;
  uint64_t seen, correct, truncated;
  /* storm: nested events raised by the profiling signal on this thread,
   * and those of them that arrived while an outer record call was in
   * progress on it (overlaps), written only by its handler */
  uint64_t nested, nested_lost, overlaps;
  /* latency pass only: the record call alone, timed by pcb_wl_record_timed
   * (NULL elsewhere: the timed loop never reads a clock for it) */
  struct pcb_hist *event_hist;
  const struct pcb_clock *event_clock;
  uint64_t event_ns_sum;
  /* cold entries: this thread's own working set, walked between events,
   * and the cycles of walking on this thread's path since its reset: its
   * own walks, and other threads' walks during its waits (which a wait
   * workload leaves out of the wait it samples: pcb_wl_walked) */
  unsigned char *ws;
  size_t ws_bytes;
  uint64_t walk_cycles;
  _Alignas(16) unsigned char own[PCB_WL_OWN_BYTES];  /* the workload's */
};

/* The walks of a cold run's threads as one clock: W(t), the cycles that
 * all the run's threads together had spent walking their working sets by
 * time t -- walks done, and the part so far of those in progress.  A wait
 * from t0 to t1 overlapped W(t1) - W(t0) cycles of other threads' walks
 * (a thread never walks while it waits).  A seqlock: a walker (one per
 * event, rare) takes `lock` and makes `seq` odd while it updates; a reader
 * retries until it read an even, unchanged `seq`. */
struct pcb_walk_clock {
  atomic_flag lock;
  atomic_uint seq;
  _Atomic uint64_t done;       /* cycles of walks finished */
  _Atomic uint64_t since_sum;  /* start times of the walks in progress */
  atomic_int walking;          /* walks in progress */
};

/* State shared by the threads of one run of a workload. */
struct pcb_wl_shared {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int nthreads;
  atomic_int started;    /* partners that have entered their loop */
  atomic_bool stop;      /* partners leave their loop */
  uint64_t spin_ns;      /* a wait spins this long before it parks (0: at
                          * once), chosen per placement by the runner */
  uint64_t waits, parked;  /* a workload's own account of its waits, for
                            * the `parked` counter (0: none kept) */
  bool cold;             /* a cold run: its threads walk between events */
  struct pcb_walk_clock walks;  /* cold: the threads' walks, for waits */
  /* the workload's, zeroed before each run */
  _Alignas(16) unsigned char own[PCB_WL_SHARED_OWN_BYTES];
};

/* What a loop gets, through pcb_oracle_run's void *. */
struct pcb_run {
  struct pcb_wl_thread *w;
  struct pcb_wl_shared *sh;
  pcb_gb_state *st;   /* measuring thread, timed: Google Benchmark's loop */
  int64_t count;      /* measuring thread, untimed: this many operations */
  int role;           /* 0 measures; 1.. partners run until sh->stop */
  struct pcb_hist *hist;         /* latency loop: one value per operation */
  const struct pcb_clock *clock;
  /* measuring thread, counted: when set, the counter read as the first
   * operation starts and as the last one ends (a paired batch's time,
   * without the descent to the event site) */
  struct pcb_batch_time *batch;
};

/* A paired batch's time.  Warm: t0 and t1, read as the first operation
 * starts and the last ends.  Cold: op_ticks, the sum over operations of
 * the counter read around each operation alone, after its walk -- the
 * walk is the same for every arm and would be most of t1 - t0. */
struct pcb_batch_time {
  uint64_t t0, t1;
  uint64_t op_ticks;
};

/* What a workload's sampling rate counts (--rate): bytes allocated
 * between samples (Go's MemProfileRate), or cycles of waiting (Go's
 * blockprofilerate, in ticks). */
enum pcb_rate_unit { PCB_RATE_BYTES, PCB_RATE_CYCLES };

struct pcb_workload {
  const char *name;
  const char *summary;
  int min_threads;   /* threads a run needs (block: 2) */
  enum pcb_rate_unit rate_unit;
  bool real_time;    /* measured in wall time (it blocks) */
  /* The workload the report reads first where it reads one (the stack
   * findings, the fleet projection): at most one in the table. */
  bool reference;
  /* The event site: the noinline function whose whole cost is one event
   * (what callgrind counts in bench-ci, and the capture's anchor). */
  const char *site;
  pcb_site_fn loop;  /* int loop(struct pcb_run *) */
  /* The same operations, `count` of them, each timed into run->hist: a
   * separate loop so the timed loop carries no per-event timing. */
  pcb_site_fn latency_loop;
  /* Optional: the same two loops with a walk of the thread's working set
   * (pcb_wl_walk) between two events (pcb_run_loop), for cold entries; a
   * workload without them has no cold entries, and no rate:go ones. */
  pcb_site_fn cold_loop, cold_latency_loop;
  /* Optional: before a run's threads start (the shared room zeroed,
   * nthreads and spin_ns set), and after the measuring thread's loop
   * returned and sh->stop was set (wake every partner that waits). */
  void (*begin)(struct pcb_wl_shared *sh);
  void (*end)(struct pcb_wl_shared *sh);
  /* One event as an operation of this workload raises it (the stack
   * figures' probe): needs the thread to sample everything. */
  void (*one_event)(struct pcb_wl_thread *w);
};

size_t pcb_workload_count(void);
const struct pcb_workload *pcb_workload_at(size_t i);
const struct pcb_workload *pcb_workload_find(const char *name);

/* Consumers: timed adds to the bucket table; checking also compares the
 * capture with the oracle's ground truth. */
void pcb_wl_consume_timed(void *arg, const uintptr_t *pcs, int n, bool trunc);
void pcb_wl_consume_check(void *arg, const uintptr_t *pcs, int n, bool trunc);

/* An event outside any workload, anchored on its own frame (skip 1): the
 * companion entries' probe and the storm's nested event.  Returns what
 * record returned. */
int pcb_wl_bare_event(struct pcb_thread *t, pcb_consume_fn consume,
                      void *arg, bool async);

/* The record call of an event site in a latency loop, timed alone: the
 * cycle counter around pcb_record, its calibrated floor removed, into
 * w->event_hist.  Noinline and called only from latency loops, so the
 * timed loops and the stack figures keep their plain pcb_record. */
int pcb_wl_record_timed(struct pcb_wl_thread *w, const struct pcb_event *ev);

/* A strided read-modify-write of every cache line of w's working set:
 * what a real program touches between two sampled events.  Noinline, so
 * it is no part of the loop's frame. */
void pcb_wl_walk(struct pcb_wl_thread *w);

/* A walk between two events on r's thread (pcb_wl_walk), timed, into the
 * run's walk clock and the thread's walk_cycles.  Noinline. */
void pcb_wl_walk_between(struct pcb_run *r);

/* The run's walk clock W(now) (struct pcb_walk_clock), *now read with it
 * from pcb_cycles: a wait brackets itself with two reads and leaves the
 * difference of W out of the wait it samples. */
uint64_t pcb_wl_walked(struct pcb_wl_shared *sh, uint64_t *now);

/* The measuring thread's loop driver: batches of Google Benchmark's loop
 * or `count` operations; op(run) is one operation. */
static inline bool pcb_run_more(struct pcb_run *r, int64_t *left)
{
  if (r->role != 0)
    return !atomic_load_explicit(&r->sh->stop, memory_order_relaxed);
  if (r->st == NULL) {
    if (__builtin_expect(r->batch != NULL, 0) && *left == r->count)
      r->batch->t0 = pcb_clock_read();
    if ((*left)-- > 0)
      return true;
    if (r->batch != NULL)
      r->batch->t1 = pcb_clock_read();
    return false;
  }
  if (*left > 0) {
    (*left)--;
    return true;
  }
  if (!pcb_gb_keep_running_batch(r->st, 64))
    return false;
  *left = 63;
  return true;
}

/* Times one operation of a latency loop into its histogram. */
static inline void pcb_run_timed(struct pcb_run *r, uint64_t t0)
{
  uint64_t t1 = pcb_clock_read();

  pcb_hist_record(r->hist, pcb_clock_ns(r->clock, t1 - t0));
}

/* Events the thread's sampler has fired since its reset: recorded, or
 * refused by the strategy.  Under `off` too: its sampler fires and its
 * record call records nothing, so an `off` entry fires where the others
 * do. */
static inline uint64_t pcb_wl_fired(const struct pcb_wl_thread *w)
{
  return w->events + w->lost;
}

/* A paired cold batch's operation from t0: its time, less the other
 * threads' walks it waited through (they entered the thread's walk_cycles
 * during the operation: pcb_wl_walked), which are as long as a walk and
 * no part of the event. */
static inline void pcb_batch_add_op(struct pcb_run *r, uint64_t t0,
                                    uint64_t walked0)
{
  uint64_t took = pcb_clock_read() - t0;
  uint64_t walked = r->w->walk_cycles - walked0;

  r->batch->op_ticks += walked < took ? took - walked : 0;
}

/* A workload's loop and latency loop around its one operation
 * op(r, timed) -- timed: the event alone is timed (the latency pass).
 * Always inlined into the workload's own noinline loops, where op and
 * cold are constants: each loop calls (and inlines) its op directly, as
 * if written out, so the loops' frames -- the event sites' callers --
 * keep their shape.  A partner (role != 0) counts itself started first.
 *
 * A cold loop walks the thread's working set between two events: before
 * the first operation, and before each operation that follows one whose
 * sampler fired (pcb_wl_fired), never inside an operation's timing.  At
 * rate 1 every operation is an event, so every operation follows a walk;
 * at Go's rates one operation in thousands is, and the walks are as
 * rare, where a walk per operation would be most of the entry's time.
 * `off` fires at the same operations as every strategy where the rate
 * counts bytes (malloc: the same sampler and seed), so it walks as often,
 * and its entry's time -- walks included -- is what the others' are read
 * against.  Where the rate is in time (block) the fired operations depend
 * on the waits, so each walk is timed (walk_cycles, the walk_ns counter)
 * for the entry's time to be read without them.  In a paired batch the
 * loop also reads the counter around each operation alone, into
 * op_ticks (one call of op either way, so the event site has one
 * caller). */
static inline __attribute__((always_inline)) int pcb_run_loop(
    struct pcb_run *r, void (*op)(struct pcb_run *, bool), bool cold)
{
  int64_t left = r->count;
  uint64_t walked_at = UINT64_MAX;  /* none yet: walk first */
  bool each = cold && r->batch != NULL;

  if (r->role != 0)
    atomic_fetch_add(&r->sh->started, 1);
  while (pcb_run_more(r, &left)) {
    uint64_t t0 = 0, walked0 = 0;

    if (cold && pcb_wl_fired(r->w) != walked_at) {
      walked_at = pcb_wl_fired(r->w);
      pcb_wl_walk_between(r);
    }
    if (each) {
      walked0 = r->w->walk_cycles;
      t0 = pcb_clock_read();
    }
    op(r, false);
    if (each)
      pcb_batch_add_op(r, t0, walked0);
  }
  return 0;
}

static inline __attribute__((always_inline)) int pcb_run_latency_loop(
    struct pcb_run *r, void (*op)(struct pcb_run *, bool), bool cold)
{
  uint64_t walked_at = UINT64_MAX;

  for (int64_t i = 0; i < r->count; i++) {
    uint64_t t0;

    if (cold && pcb_wl_fired(r->w) != walked_at) {
      walked_at = pcb_wl_fired(r->w);
      pcb_wl_walk_between(r);
    }
    t0 = pcb_clock_read();
    op(r, true);
    pcb_run_timed(r, t0);
  }
  return 0;
}

/*
 * A workload's loops over its operation `op`: prefix_loop,
 * prefix_latency_loop, prefix_cold_loop and prefix_cold_latency_loop,
 * the four entries of struct pcb_workload.  Each is noinline and runs at
 * the bottom of the chain: it is the event site's caller, the frame a
 * capture's PC 0 names and the ground truth's last saved return address,
 * so it must stay a real call (never inlined into the chain) and keep
 * this shape, or the chain's truth and the stack figures move.  A
 * workload without cold loops leaves the cold pair out of its struct
 * (they are then never emitted).
 */
#define PCB_WL_LOOPS(prefix, op)                                          \
  __attribute__((noinline, unused)) static int prefix##_loop(void *arg)     \
  {                                                                       \
    return pcb_run_loop(arg, op, false);                                  \
  }                                                                       \
  __attribute__((noinline, unused)) static int prefix##_latency_loop(       \
      void *arg)                                                          \
  {                                                                       \
    return pcb_run_latency_loop(arg, op, false);                          \
  }                                                                       \
  __attribute__((noinline, unused)) static int prefix##_cold_loop(          \
      void *arg)                                                          \
  {                                                                       \
    return pcb_run_loop(arg, op, true);                                   \
  }                                                                       \
  __attribute__((noinline, unused)) static int prefix##_cold_latency_loop(  \
      void *arg)                                                          \
  {                                                                       \
    return pcb_run_latency_loop(arg, op, true);                           \
  }

#endif
