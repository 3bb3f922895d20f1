/*
 * The memory side of the trade-off, as companion entries.
 *
 * heap/<strategy>/depth:D/threads:T/profiling:P -- T real threads start,
 * register, and P% of them record one event; while all are alive the
 * heap held by strategy buffers is read two ways: the strategies' own
 * accounting (heap_bytes) and the allocator's (heap_alloc_bytes: the
 * malloc_usable_size of every buffer allocated through pcb_hooks, which
 * includes the allocator's rounding).  Eager `thread` pays on every
 * thread, `lazy` only on those that record, a SHARED strategy (percpu,
 * pool) once for all of them: its one set is counted once, and its
 * heap_bytes_per_thread is that set divided among the threads holding it.
 * The entry's time is that of starting the T threads and their events.
 *
 * thread_start/<strategy>/depth:D -- the strategy's thread_init hook
 * alone, where an eager strategy pays for its buffer (a SHARED one only
 * on the first thread of a batch, the others join its set).
 *
 * first_event/<strategy>/depth:D -- the first event on a fresh context
 * (where `lazy` allocates), timed over batches of contexts, with the warm
 * event on the same contexts as a counter, so eager-vs-lazy is seen from
 * both sides together with thread_start.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/name.h"
#include "base/outfile.h"
#include "base/progress.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "run/counted.h"
#include "run/runner.h"
#include "suites/suite.h"

struct heap_entry {
  char name[128];
  const struct pcb_strategy *s;
  int depth, threads, percent;
};

struct first_entry {
  char name[96];
  const struct pcb_strategy *s;
  int depth;
  struct pcb_stack_bounds stack;  /* the measuring thread's */
};

static double now_sec(void)
{
  return (double)pcb_clock_read_mono() * 1e-9;
}

static void consume_bucket(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  (void)trunc;
  pcb_bucket_add(arg, pcs, n, 0, 0);
}

/* One event on t, anchored on this frame, into the runner's buckets. */
static inline int one_event(struct pcb_thread *t)
{
  return pcb_wl_bare_event(t, consume_bucket, pcb_runner_buckets(), false);
}

struct heap_worker {
  struct pcb_thread t;
  const struct heap_entry *e;
  pthread_barrier_t *ready, *done;
  bool profile;
  int rc;
};

static void *heap_thread(void *arg)
{
  struct heap_worker *hw = arg;

  hw->rc = pcb_thread_register(&hw->t, hw->e->s, hw->e->depth);
  if (hw->rc == 0 && hw->profile)
    hw->rc = one_event(&hw->t);
  pthread_barrier_wait(hw->ready);
  pthread_barrier_wait(hw->done);  /* the main thread reads meanwhile */
  if (hw->t.strategy)
    pcb_thread_unregister(&hw->t);
  return NULL;
}

/* Starts e->threads threads; returns how many started, and *rc what
 * pthread_create said of the first that did not. */
static int start_threads(const struct heap_entry *e, struct heap_worker *hw,
                         pthread_t *th, pthread_barrier_t *ready,
                         pthread_barrier_t *done, int *rc)
{
  pthread_attr_t attr;
  int profiling = (e->threads * e->percent + 99) / 100, n;

  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  for (n = 0; n < e->threads; n++) {
    hw[n] = (struct heap_worker){ .e = e, .ready = ready, .done = done,
                                  .profile = n < profiling };
    if ((*rc = pthread_create(&th[n], &attr, heap_thread, &hw[n])) != 0)
      break;
  }
  pthread_attr_destroy(&attr);
  return n;
}

static void heap_body(pcb_gb_state *st, void *arg)
{
  const struct heap_entry *e = arg;
  struct heap_worker *hw = calloc((size_t)e->threads, sizeof(*hw));
  pthread_t *th = calloc((size_t)e->threads, sizeof(*th));
  size_t heap = 0;
  long alloc = 0, left = 0;
  int failed = 0, rc = 0;

  pcb_progress(e->name);
  if (hw == NULL || th == NULL)  /* the run ends (base/outfile.h) */
    pcb_out_of_memory("a heap entry's threads");
  while (pcb_gb_keep_running_batch(st, 1)) {
    pthread_barrier_t ready, done;
    double t0;
    int n;

    pthread_barrier_init(&ready, NULL, (unsigned)e->threads + 1);
    pthread_barrier_init(&done, NULL, (unsigned)e->threads + 1);
    pcb_counted_install(0);
    t0 = now_sec();
    n = start_threads(e, hw, th, &ready, &done, &rc);
    if (n < e->threads && rc == EAGAIN)
      pcb_out_of_memory("starting a heap entry's threads: no memory for "
                        "their stacks, or a thread limit");
    if (n < e->threads) {  /* cannot meet the barrier: give up loudly */
      fprintf(stderr, "pcbench: %s: only %d threads started\n", e->name, n);
      exit(1);
    }
    pthread_barrier_wait(&ready);
    pcb_gb_set_iteration_time(st, now_sec() - t0);
    heap = 0;
    failed = 0;
    for (int i = 0; i < n; i++) {
      size_t held = hw[i].rc == 0 ? e->s->heap_bytes(&hw[i].t) : 0;

      if (e->s->flags & PCB_F_SHARED)
        heap = held > heap ? held : heap;  /* one set, whoever holds it */
      else
        heap += held;
      failed += hw[i].rc != 0;
    }
    alloc = pcb_counted_live();
    pthread_barrier_wait(&done);
    for (int i = 0; i < n; i++)
      pthread_join(th[i], NULL);
    left = pcb_counted_live();
    pcb_counted_remove();
    pthread_barrier_destroy(&ready);
    pthread_barrier_destroy(&done);
  }
  free(hw);
  free(th);
  pcb_gb_counter(st, "heap_bytes", (double)heap, PCB_GB_PLAIN);
  pcb_gb_counter(st, "heap_alloc_bytes", (double)alloc, PCB_GB_PLAIN);
  pcb_gb_counter(st, "heap_bytes_per_thread", (double)heap / e->threads,
                 PCB_GB_PLAIN);
  pcb_gb_counter(st, "heap_leaked_bytes", (double)left, PCB_GB_PLAIN);
  pcb_gb_counter(st, "failed_threads", failed, PCB_GB_PLAIN);
}

/*
 * thread_start/<strategy>/depth:N -- the strategy's thread_init hook alone
 * (eager strategies pay for their buffer here).  Timed in batches of
 * TS_BATCH inits with the manual clock; the exits run untimed.
 */
enum { TS_BATCH = 256 };

struct ts_entry {
  char name[96];
  const struct pcb_strategy *s;
  int depth;
};

static void thread_start_body(pcb_gb_state *st, void *arg)
{
  static struct pcb_thread ctx[TS_BATCH];
  const struct ts_entry *e = arg;
  size_t heap = 0;

  pcb_progress(e->name);
  while (pcb_gb_keep_running_batch(st, TS_BATCH)) {
    int ok = 0;
    double t0 = now_sec();

    for (int i = 0; i < TS_BATCH; i++) {
      pcb_thread_prepare(&ctx[i], e->s, e->depth);
      ok += e->s->thread_init(&ctx[i]) == 0;
    }
    pcb_gb_set_iteration_time(st, now_sec() - t0);
    heap = e->s->heap_bytes(&ctx[0]);
    for (int i = 0; i < TS_BATCH; i++)
      e->s->thread_exit(&ctx[i]);
    if (ok != TS_BATCH) {
      pcb_gb_skip_with_error(st, "thread_init failed");
      return;
    }
  }
  /* A shared set is held once whatever the thread count: say so, rather
   * than divide it by the batch size into a per-thread figure. */
  pcb_gb_counter(st, (e->s->flags & PCB_F_SHARED) ? "heap_bytes_shared"
                                                  : "heap_bytes_per_thread",
                 (double)heap, PCB_GB_PLAIN);
}

/* The (strategy, depth) part of an entry's name, after its kind. */
#define STRATEGY_DEPTH(kind, s, depth)                                      \
  PCB_NAME_WORD(kind), PCB_NAME_WORD((s)->name), PCB_NAME_INT("depth", depth)

static int register_thread_start(const struct pcb_config *c)
{
  static struct ts_entry ts[PCB_LIST_MAX * PCB_LIST_MAX];
  struct pcb_gb_opts o = { .manual_time = true };
  int n = 0, err = 0;

  for (int s = 0; s < c->nstrategies; s++)
    for (int d = 0; d < c->ndepths && !err; d++, n++) {
      ts[n] = (struct ts_entry){ .s = c->strategies[s], .depth = c->depths[d] };
      err = PCB_ENTRY_NAME(ts[n].name,
                           STRATEGY_DEPTH("thread_start", ts[n].s, ts[n].depth));
      pcb_gb_register(ts[n].name, thread_start_body, &ts[n], &o);
    }
  return err;
}

enum { FE_BATCH = 256 };

static struct pcb_thread fe_ctx[FE_BATCH];

struct fe_run {
  const struct first_entry *e;
  pcb_gb_state *st;
  double warm;   /* seconds of warm events */
  int failed;
};

/* At the bottom of a 16-frame chain: batches of first and warm events. */
__attribute__((noinline)) static int first_event_loop(void *arg)
{
  struct fe_run *r = arg;
  const struct pcb_strategy *s = r->e->s;

  while (pcb_gb_keep_running_batch(r->st, FE_BATCH)) {
    double t0, t1;

    for (int i = 0; i < FE_BATCH; i++) {
      pcb_thread_prepare(&fe_ctx[i], s, r->e->depth);
      fe_ctx[i].stack = r->e->stack;
      r->failed += s->thread_init(&fe_ctx[i]) != 0;
    }
    t0 = now_sec();
    for (int i = 0; i < FE_BATCH; i++)
      r->failed += one_event(&fe_ctx[i]) != 0;
    t1 = now_sec();
    pcb_gb_set_iteration_time(r->st, t1 - t0);
    for (int i = 0; i < FE_BATCH; i++)
      r->failed += one_event(&fe_ctx[i]) != 0;
    r->warm += now_sec() - t1;
    for (int i = 0; i < FE_BATCH; i++)
      s->thread_exit(&fe_ctx[i]);
  }
  return 0;
}

static void first_event_body(pcb_gb_state *st, void *arg)
{
  static struct pcb_oracle oracle;
  struct fe_run r = { .e = arg, .st = st };
  int64_t iters;

  pcb_progress(r.e->name);
  pcb_oracle_run(&oracle, 16, first_event_loop, &r);
  iters = pcb_gb_iterations(st);
  pcb_gb_counter(st, "warm_event_ns", iters ? r.warm * 1e9 / (double)iters : 0,
                 PCB_GB_PLAIN);
  pcb_gb_counter(st, "failed_events", r.failed, PCB_GB_PLAIN);
}

static int register_heap(const struct pcb_strategy *s, int depth)
{
  static const int threads[] = { 1, 64, 1000 }, percents[] = { 1, 100 };
  static struct heap_entry heap[PCB_LIST_MAX * PCB_LIST_MAX * 6];
  static int n;
  struct pcb_gb_opts once = { .manual_time = true, .iterations = 1 };
  int err = 0;

  for (int t = 0; t < 3; t++)
    for (int p = 0; p < 2 && !err; p++) {
      struct heap_entry *h = &heap[n++];

      *h = (struct heap_entry){ .s = s, .depth = depth, .threads = threads[t],
                                .percent = percents[p] };
      err = PCB_ENTRY_NAME(h->name, STRATEGY_DEPTH("heap", s, depth),
                           PCB_NAME_INT("threads", h->threads),
                           PCB_NAME_PERCENT("profiling", h->percent));
      pcb_gb_register(h->name, heap_body, h, &once);
    }
  return err;
}

static int memory_setup(const struct pcb_config *c)
{
  static struct first_entry first[PCB_LIST_MAX * PCB_LIST_MAX];
  struct pcb_gb_opts timed = { .manual_time = true };
  struct pcb_stack_bounds stack;
  int nf = 0, err;

  if ((err = pcb_thread_stack_bounds(&stack)) != 0)
    return err;
  err = register_thread_start(c);
  for (int s = 0; s < c->nstrategies; s++)
    for (int d = 0; d < c->ndepths && !err; d++) {
      struct first_entry *f = &first[nf++];

      *f = (struct first_entry){ .s = c->strategies[s],
                                 .depth = c->depths[d], .stack = stack };
      err = PCB_ENTRY_NAME(f->name, STRATEGY_DEPTH("first_event", f->s,
                                                   f->depth));
      pcb_gb_register(f->name, first_event_body, f, &timed);
      if (err == 0)
        err = register_heap(f->s, f->depth);
    }
  return err;
}

const struct pcb_suite pcb_suite_memory = {
  .name = "memory",
  .summary = "thread start, first event, and heap held with T threads",
  .kind = "companion",
  .prefixes = "thread_start+first_event+heap",
  .setup = memory_setup,
};
