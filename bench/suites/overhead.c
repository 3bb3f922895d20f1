/*
 * overhead/harness -- the full event path of the malloc workload (loop,
 * sampler, record dispatch, consumer call) with an empty strategy, an
 * empty consumer and no allocation: what the harness itself adds to
 * every event.  overhead/loop is the same loop around a call that does
 * nothing: the share of Google Benchmark's loop and the call alone.
 */
#include "base/name.h"
#include "base/progress.h"
#include "suites/suite.h"
#include "workloads/workload.h"

static struct pcb_oracle oracle;

/* The harness's own event path, with nothing of a strategy in it. */
static int empty_init(struct pcb_thread *t) { (void)t; return 0; }
static void empty_exit(struct pcb_thread *t) { (void)t; }
static size_t empty_heap(const struct pcb_thread *t) { (void)t; return 0; }

static int empty_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  (void)t;
  ev->consume(ev->arg, NULL, 0, false);
  return 0;
}

static const struct pcb_strategy empty = {
  .version = PCB_STRATEGY_VERSION, .name = "empty",
  .summary = "harness self-overhead only", .thread_init = empty_init,
  .thread_exit = empty_exit, .record = empty_record, .heap_bytes = empty_heap,
};

static void consume_nothing(void *arg, const uintptr_t *pcs, int n, bool t)
{
  (void)arg;
  (void)pcs;
  (void)n;
  (void)t;
}

/* workloads/malloc.c's profiled_malloc, its event half: the same statements without the malloc:
 * kept beside it in form so the two cannot drift apart unnoticed. */
__attribute__((noinline)) static void harness_event(struct pcb_wl_thread *w)
{
  if (pcb_sampler_take(&w->sampler, 64)) {
    struct pcb_event ev = { __builtin_frame_address(0), PCB_WL_SKIP,
                            consume_nothing, w, false };

    if (pcb_record(&w->thread, &ev) == 0)
      w->events++;
    else
      w->lost++;
  }
  __asm__ volatile("" : : : "memory");
}

/* The loop's own share: the same loop around a call that does nothing. */
__attribute__((noinline)) static void no_event(struct pcb_wl_thread *w)
{
  __asm__ volatile("" : : "r"(w) : "memory");
}

/* The measured loop around one kind of call; always inlined into the
 * two loops below, so each calls its function directly, as a workload's
 * loop calls its event site. */
static inline __attribute__((always_inline)) int loop_of(
    struct pcb_run *r, void (*call)(struct pcb_wl_thread *))
{
  int64_t left = 0;

  while (pcb_run_more(r, &left))
    call(r->w);
  return 0;
}

__attribute__((noinline)) static int overhead_loop(void *arg)
{
  return loop_of(arg, harness_event);
}

__attribute__((noinline)) static int loop_only(void *arg)
{
  return loop_of(arg, no_event);
}

struct entry {
  char name[32];
  const char *what;
  pcb_site_fn loop;
};

static struct entry entries[] = {
  { "", "loop", loop_only },
  { "", "harness", overhead_loop },
};

static void overhead_body(pcb_gb_state *st, void *arg)
{
  static struct pcb_wl_thread w;
  const struct entry *e = arg;
  struct pcb_wl_shared sh = { 0 };
  struct pcb_run r = { .w = &w, .sh = &sh, .st = st };

  pcb_progress(e->name);
  if (pcb_thread_register(&w.thread, &empty, 1) != 0) {
    pcb_gb_skip_with_error(st, "register failed");
    return;
  }
  pcb_sampler_init(&w.sampler, 1, 1);
  w.oracle = &oracle;
  w.events = 0;
  pcb_oracle_run(&oracle, 16, e->loop, &r);
  pcb_thread_unregister(&w.thread);
  pcb_gb_counter(st, "events", (double)w.events, PCB_GB_PLAIN);
}

static int overhead_setup(const struct pcb_config *c)
{
  struct pcb_gb_opts o = { 0 };
  int err = 0;

  (void)c;
  for (size_t i = 0; i < sizeof(entries) / sizeof(*entries) && !err; i++) {
    err = PCB_ENTRY_NAME(entries[i].name, PCB_NAME_WORD("overhead"),
                         PCB_NAME_WORD(entries[i].what));
    pcb_gb_register(entries[i].name, overhead_body, &entries[i], &o);
  }
  return err;
}

const struct pcb_suite pcb_suite_overhead = {
  .name = "overhead",
  .summary = "the harness's own cost per event, and its loop's",
  .kind = "companion",
  .prefixes = "overhead",
  .setup = overhead_setup,
};
