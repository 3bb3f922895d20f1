/*
 * The workload table and what all workloads share: the event consumers,
 * the bare event and the cycle counter.  Like strategies/registry.c, an
 * explicit table: its order is the order of --list and --help.
 */
#include <string.h>
#include <time.h>

#include "pcbench/arch.h"
#include "workloads/workload.h"
#include "pcbench/table.h"

#define WORKLOADS(X) \
  X(malloc)          \
  X(block)           \
  X(mutex)           \
  X(lock)            \
  /* the rows: one line each, in the table's order */

/* Each row names pcb_workload_<row>, defined in a file of its own. */
#define ROW_EXTERN(n) extern const struct pcb_workload pcb_workload_##n;
#define ROW_REF(n) &pcb_workload_##n,
WORKLOADS(ROW_EXTERN)

static const struct pcb_workload *const workloads[] = { WORKLOADS(ROW_REF) };

PCB_TABLE(pcb_workload, struct pcb_workload, workloads)

/* Go's stkbucket: the timed path's whole consumer. */
void pcb_wl_consume_timed(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  struct pcb_wl_thread *w = arg;

  (void)trunc;
  pcb_bucket_add(w->buckets, pcs, n, w->cur_bytes, w->cur_cycles);
}

/* Untimed checking pass: compare with the ground truth, then bucket. */
void pcb_wl_consume_check(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  struct pcb_wl_thread *w = arg;

  w->seen++;
  w->correct += pcb_oracle_match(w->oracle, w->thread.depth, pcs, n, trunc);
  w->truncated += trunc;
  pcb_bucket_add(w->buckets, pcs, n, w->cur_bytes, w->cur_cycles);
}

__attribute__((noinline)) int pcb_wl_bare_event(struct pcb_thread *t,
                                                pcb_consume_fn consume,
                                                void *arg, bool async)
{
  struct pcb_event ev = { __builtin_frame_address(0), 1, consume, arg,
                          async };
  int rc = pcb_record(t, &ev);

  __asm__ volatile("" : "+r"(rc) : : "memory");  /* no tail call */
  return rc;
}

__attribute__((noinline)) int pcb_wl_record_timed(struct pcb_wl_thread *w,
                                                  const struct pcb_event *ev)
{
  uint64_t t0 = pcb_clock_read();
  int rc = pcb_record(&w->thread, ev);
  uint64_t ns = pcb_clock_ns(w->event_clock, pcb_clock_read() - t0);

  if (w->event_hist != NULL) {
    pcb_hist_record(w->event_hist, ns);
    w->event_ns_sum += ns;
  }
  return rc;
}

/* Lines WALK_STRIDE apart, WALK_STRIDE passes: every line once, each
 * access far from the last, so the walk is not one prefetched stream. */
enum { WALK_LINE = 64, WALK_STRIDE = 17 };

__attribute__((noinline)) void pcb_wl_walk(struct pcb_wl_thread *w)
{
  volatile unsigned char *ws = w->ws;
  size_t lines = w->ws_bytes / WALK_LINE;

  for (size_t start = 0; start < WALK_STRIDE; start++)
    for (size_t j = start; j < lines; j += WALK_STRIDE)
      ws[j * WALK_LINE]++;
}

static inline void relax(void)
{
  pcb_arch_relax();
}

/* A walker's update of the walk clock: seq odd while the fields move. */
static void clock_update(struct pcb_walk_clock *c, uint64_t done,
                         uint64_t since_add, uint64_t since_sub, int walking)
{
  while (atomic_flag_test_and_set_explicit(&c->lock, memory_order_acquire))
    relax();
  atomic_fetch_add_explicit(&c->seq, 1, memory_order_relaxed);
  atomic_thread_fence(memory_order_release);
  atomic_fetch_add_explicit(&c->done, done, memory_order_relaxed);
  atomic_fetch_add_explicit(&c->since_sum, since_add, memory_order_relaxed);
  atomic_fetch_sub_explicit(&c->since_sum, since_sub, memory_order_relaxed);
  atomic_fetch_add_explicit(&c->walking, walking, memory_order_relaxed);
  atomic_fetch_add_explicit(&c->seq, 1, memory_order_release);
  atomic_flag_clear_explicit(&c->lock, memory_order_release);
}

__attribute__((noinline)) void pcb_wl_walk_between(struct pcb_run *r)
{
  struct pcb_walk_clock *c = &r->sh->walks;
  uint64_t t0 = pcb_cycles(), t1;

  clock_update(c, 0, t0, 0, 1);
  pcb_wl_walk(r->w);
  t1 = pcb_cycles();
  clock_update(c, t1 - t0, 0, t0, -1);
  r->w->walk_cycles += t1 - t0;
}

uint64_t pcb_wl_walked(struct pcb_wl_shared *sh, uint64_t *now)
{
  const struct pcb_walk_clock *c = &sh->walks;
  uint64_t done, since, t, ongoing;
  unsigned seq;
  int n;

  do {
    seq = atomic_load_explicit(&c->seq, memory_order_acquire);
    done = atomic_load_explicit(&c->done, memory_order_relaxed);
    since = atomic_load_explicit(&c->since_sum, memory_order_relaxed);
    n = atomic_load_explicit(&c->walking, memory_order_relaxed);
    t = pcb_cycles();
    atomic_thread_fence(memory_order_acquire);
  } while ((seq & 1) ||
           seq != atomic_load_explicit(&c->seq, memory_order_relaxed));
  *now = t;
  /* a walk begun on another core may read a counter a little ahead */
  ongoing = (uint64_t)n * t;
  return done + (ongoing > since ? ongoing - since : 0);
}
