/*
 * The conformance suite: every test below runs against every registered
 * strategy (cmocka prestate = the ops struct), so a new strategy is tested
 * by adding it to the registry and nothing else.  What a strategy must do
 * follows from its flags: NO_CAPTURE never calls the consumer, GUARDED
 * refuses nested events, ALLOC_LAZY drops an event whose allocation fails,
 * MAY_DROP may refuse an event but never corrupts one, SHARED holds one
 * set of buffers for all threads, SPILL no slice at shallow depths,
 * CONTROL (the negative control) must be caught corrupting a nested event.
 *
 * `test_conformance --module=PATH` runs the suite against the strategies
 * a module brings instead (pcbench --module, include/pcbench/module.h):
 * its events run on the module's code, whose allocator hooks are
 * trampolines to this process's pcb_hooks, so every fake allocator below
 * reaches it, and whose unwinder follows pcb_hooks' (sync_module).
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <malloc.h>

#include "layout/layouts.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "pcbench/oracle.h"
#include "pcbench/strategy.h"

/* --module: the module under test, NULL for pcbench's own strategies. */
static const struct pcb_event_module *module;

static void *tramp_alloc(size_t size)
{
  return pcb_hooks.alloc(size);
}

static void tramp_free(void *p)
{
  pcb_hooks.free(p);
}

/* The module's hooks after this process's: its allocator calls ours
 * (whichever a test put there), its unwinder is ours by name. */
static void sync_module(void)
{
  const struct pcb_module_env env = { tramp_alloc, tramp_free,
                                      pcb_hooks.unwinder->name,
                                      pcb_clock_current() };

  if (module != NULL && module->init(&env) != 0) {
    fprintf(stderr, "test_conformance: the module's init refused '%s'\n",
            pcb_hooks.unwinder->name);
    abort();
  }
}

/* One event's expectations and what the consumer saw. */
struct site_ctx {
  struct pcb_thread *t;
  struct pcb_oracle *o;
  void (*during)(void);  /* runs inside the consumer, before the check */
  int calls;
  bool ok;
};

static void consume(void *arg, const uintptr_t *pcs, int n, bool truncated)
{
  struct site_ctx *c = arg;

  c->calls++;
  if (c->during)
    c->during();
  c->ok = pcb_oracle_match(c->o, c->t->depth, pcs, n, truncated);
}

static volatile sig_atomic_t in_handler;

/* The event site: anchors on its own frame, so PC 0 is truth[0]. */
__attribute__((noinline)) static int site(void *arg)
{
  struct site_ctx *c = arg;
  struct pcb_event ev = { __builtin_frame_address(0), 1, consume, c,
                          in_handler != 0 };
  int rc = pcb_record(c->t, &ev);

  __asm__ volatile("" : "+r"(rc) : : "memory");  /* no tail call */
  return rc;
}

static int event(struct pcb_thread *t, struct pcb_oracle *o, int frames,
                 struct site_ctx *c)
{
  *c = (struct site_ctx){ .t = t, .o = o, .during = c->during };
  return pcb_oracle_run(o, frames, site, c);
}

/* A recorded event is one that matches the truth, or none for `off`. */
static void assert_recorded(const struct pcb_strategy *s, int rc,
                            const struct site_ctx *c)
{
  assert_int_equal(rc, 0);
  if (s->flags & PCB_F_NO_CAPTURE) {
    assert_int_equal(c->calls, 0);
  } else {
    assert_int_equal(c->calls, 1);
    assert_true(c->ok);
  }
}

static struct pcb_oracle outer_oracle, nested_oracle;

/* A refusal a strategy may answer with instead of a capture: only with
 * MAY_DROP, and then without calling the consumer. */
static bool refused(const struct pcb_strategy *s, int rc,
                    const struct site_ctx *c)
{
  return (s->flags & PCB_F_MAY_DROP) && c->calls == 0 &&
         (rc == PCB_EBUSY || rc == PCB_ECONTENDED);
}

/* PCs a buffer holds at `depth` under the unwinder now in pcb_hooks. */
static size_t room_bytes(int depth)
{
  return (size_t)(depth + pcb_hooks.unwinder->slack) * sizeof(uintptr_t);
}

/* Heap one thread of a per-thread strategy holds once it has recorded:
 * depth PCs and the unwinder's slack if it allocates at all, none where a
 * spilling strategy's on-stack array holds every capture.  (SHARED
 * strategies hold one set for all threads; the tests check that against
 * the allocator.) */
static size_t private_heap(const struct pcb_strategy *s, int depth)
{
  if (!(s->flags & (PCB_F_ALLOC_INIT | PCB_F_ALLOC_LAZY)))
    return 0;
  if ((s->flags & PCB_F_SPILL) && depth <= PCB_SPILL_PCS)
    return 0;
  return room_bytes(depth);
}

/* frames x depth: the capture equals the truth, truncated exactly when
 * the stack is deeper than the buffer. */
static void capture_matches_truth(void **state)
{
  static const int frames[] = { 8, 100, 300 };
  static const int depths[] = { 1, 32, 128, 1024 };
  const struct pcb_strategy *s = *state;

  for (size_t f = 0; f < 3; f++) {
    for (size_t d = 0; d < 4; d++) {
      struct pcb_thread t;
      struct site_ctx c = { 0 };

      assert_int_equal(pcb_thread_register(&t, s, depths[d]), 0);
      for (int rep = 0; rep < 3; rep++)
        assert_recorded(s, event(&t, &outer_oracle, frames[f], &c), &c);
      pcb_thread_unregister(&t);
    }
  }
}

static void bad_depth_refused(void **state)
{
  const struct pcb_strategy *s = *state;
  struct pcb_thread t;
  struct pcb_thread *before = pcb_thread_self();

  assert_int_equal(pcb_thread_register(&t, s, 0), PCB_EDEPTH);
  assert_int_equal(pcb_thread_register(&t, s, -1), PCB_EDEPTH);
  assert_int_equal(pcb_thread_register(&t, s, PCB_DEPTH_MAX + 1), PCB_EDEPTH);
  assert_ptr_equal(pcb_thread_self(), before);
}

/* Counting allocator: what strategies hold, and whether they return it. */
static _Atomic long live_allocs;
static _Atomic long live_bytes;

struct counted {
  size_t size;
  _Alignas(16) unsigned char data[];
};

static void *counting_alloc(size_t size)
{
  struct counted *c = malloc(sizeof(*c) + size);

  if (c == NULL)
    return NULL;
  c->size = size;
  live_allocs++;
  live_bytes += (long)size;
  return c->data;
}

static void counting_free(void *p)
{
  struct counted *c;

  if (p == NULL)
    return;
  c = (struct counted *)((char *)p - offsetof(struct counted, data));
  live_allocs--;
  live_bytes -= (long)c->size;
  free(c);
}

static void *churn_thread(void *arg)
{
  const struct pcb_strategy *s = arg;
  struct pcb_thread t;
  struct site_ctx c = { 0 };
  static __thread struct pcb_oracle o;
  long ok = 1;

  if (pcb_thread_register(&t, s, 128) != 0)
    return (void *)0;
  for (int i = 0; i < 5; i++) {
    int rc = event(&t, &o, 20, &c);

    /* 200 threads on a few CPUs: a shared buffer may be held by one
     * preempted mid-capture, and the event refused. */
    if (rc != 0)
      ok &= refused(s, rc, &c);
    else
      ok &= c.calls == 0 ? (s->flags & PCB_F_NO_CAPTURE) != 0 : c.ok;
  }
  /* The strategy's accounting: what it holds once it has recorded. */
  if (s->flags & PCB_F_SHARED)
    ok &= s->heap_bytes(&t) >= 128 * 8u;
  else
    ok &= s->heap_bytes(&t) == private_heap(s, 128);
  pcb_thread_unregister(&t);
  return (void *)ok;
}

/* 200 threads register, record and exit; every allocation is returned. */
static void thread_churn_no_leak(void **state)
{
  const struct pcb_strategy *s = *state;
  pthread_t th[200];

  pcb_hooks.alloc = counting_alloc;
  pcb_hooks.free = counting_free;
  for (int i = 0; i < 200; i++)
    assert_int_equal(pthread_create(&th[i], NULL, churn_thread, (void *)s), 0);
  for (int i = 0; i < 200; i++) {
    void *ok;

    pthread_join(th[i], &ok);
    assert_true(ok != NULL);
  }
  pcb_hooks_reset();
  assert_int_equal(live_allocs, 0);
  assert_int_equal(live_bytes, 0);
}

/* The allocator's view: usable sizes of what the strategy holds. */
static _Atomic long usable_bytes;

static void *usable_alloc(size_t size)
{
  void *p = malloc(size);

  if (p)
    usable_bytes += (long)malloc_usable_size(p);
  return p;
}

static void usable_free(void *p)
{
  if (p)
    usable_bytes -= (long)malloc_usable_size(p);
  free(p);
}

/* The strategy's own heap accounting agrees with the allocator, under
 * every unwinder: exactly (depth + slack) * 8 requested when a per-thread
 * strategy holds a buffer (a shared set: at least that), within the
 * allocator's rounding of what malloc_usable_size reports, and nothing
 * once the threads are gone.  A second thread doubles a per-thread
 * strategy's heap and leaves a shared one's as it was. */
static void heap_accounting_matches_allocator(void **state)
{
  const struct pcb_strategy *s = *state;
  static const int depths[] = { 1, 32, 128, 1024 };
  bool shared = s->flags & PCB_F_SHARED;

  pcb_hooks.alloc = usable_alloc;
  pcb_hooks.free = usable_free;
  for (size_t i = 0; i < 4 * pcb_unwinder_count(); i++) {
    size_t d = i % 4;
    struct pcb_thread t, t2;
    struct site_ctx c = { 0 };
    size_t want;
    long one;

    pcb_hooks.unwinder = pcb_unwinder_at(i / 4);
    sync_module();
    want = private_heap(s, depths[d]);

    usable_bytes = 0;
    assert_int_equal(pcb_thread_register(&t, s, depths[d]), 0);
    if (shared) {
      want = s->heap_bytes(&t);
      assert_true(want >= room_bytes(depths[d]));
    }
    assert_int_equal(s->heap_bytes(&t),
                     (s->flags & PCB_F_ALLOC_LAZY) ? 0 : want);
    event(&t, &outer_oracle, 10, &c);
    assert_int_equal(s->heap_bytes(&t), want);
    assert_true(usable_bytes >= (long)want);
    assert_true(usable_bytes < (long)want + 32);
    assert_true((usable_bytes == 0) == (want == 0));
    one = usable_bytes;
    assert_int_equal(pcb_thread_register(&t2, s, depths[d]), 0);
    event(&t2, &outer_oracle, 10, &c);
    assert_int_equal(s->heap_bytes(&t2), want);
    assert_int_equal(usable_bytes, shared ? one : 2 * one);
    pcb_thread_unregister(&t2);
    assert_int_equal(usable_bytes, one);
    pcb_thread_unregister(&t);
    assert_int_equal(usable_bytes, 0);
  }
  pcb_hooks_reset();
}

static void *failing_alloc(size_t size)
{
  (void)size;
  return NULL;
}

/* A failed allocation is refused cleanly, and the strategy recovers. */
static void alloc_failure_drops(void **state)
{
  const struct pcb_strategy *s = *state;
  struct pcb_thread t;
  struct site_ctx c = { 0 };
  int rc;

  pcb_hooks.alloc = failing_alloc;
  rc = pcb_thread_register(&t, s, 32);
  if (s->flags & PCB_F_ALLOC_INIT) {
    assert_int_equal(rc, PCB_ENOMEM);
    pcb_hooks_reset();
    return;
  }
  assert_int_equal(rc, 0);
  rc = event(&t, &outer_oracle, 40, &c);
  if (s->flags & PCB_F_ALLOC_LAZY) {
    assert_int_equal(rc, PCB_ENOMEM);  /* dropped: the harness counts it lost */
    assert_int_equal(c.calls, 0);
    assert_int_equal(s->heap_bytes(&t), 0);
  } else {
    assert_recorded(s, rc, &c);
  }
  pcb_hooks_reset();
  assert_recorded(s, event(&t, &outer_oracle, 40, &c), &c);
  pcb_thread_unregister(&t);
}

/*
 * An allocator that is itself profiled: every allocation records an event
 * on the calling thread, as the malloc workload's sampling wrapper does at
 * rate 1.  A strategy that allocates inside record must refuse that nested
 * event rather than recurse.
 */
static volatile sig_atomic_t nested_rc, nested_calls, alloc_depth;
static struct site_ctx nested_ctx;

static void *profiled_alloc(size_t size)
{
  struct pcb_thread *t = pcb_thread_self();

  assert_true(++alloc_depth == 1);  /* would recurse forever otherwise */
  if (t != NULL) {
    nested_calls++;
    nested_rc = event(t, &nested_oracle, 3, &nested_ctx);
  }
  alloc_depth--;
  return malloc(size);
}

static void profiled_allocator_no_recursion(void **state)
{
  const struct pcb_strategy *s = *state;
  struct pcb_thread t;
  struct site_ctx c = { 0 };

  nested_calls = 0;
  pcb_hooks.alloc = profiled_alloc;
  assert_int_equal(pcb_thread_register(&t, s, 64), 0);
  assert_recorded(s, event(&t, &outer_oracle, 30, &c), &c);
  if (s->flags & PCB_F_ALLOC_LAZY) {
    assert_int_equal(nested_calls, 1);
    assert_int_equal(nested_rc, PCB_EBUSY);
  }
  assert_recorded(s, event(&t, &outer_oracle, 30, &c), &c);
  pcb_thread_unregister(&t);
  pcb_hooks_reset();
}

/* A signal handler records while the outer event's buffer is in use. */
static void on_signal(int sig)
{
  (void)sig;
  in_handler = 1;
  nested_calls++;
  nested_rc = event(pcb_thread_self(), &nested_oracle, 3, &nested_ctx);
  in_handler = 0;
}

static long allocs_seen;

static void *noting_alloc(size_t size)
{
  allocs_seen++;
  return malloc(size);
}

/* A signal before the thread's first event: nothing may allocate in the
 * handler; a lazy strategy drops the event instead. */
static void signal_before_first_event(void **state)
{
  const struct pcb_strategy *s = *state;
  struct sigaction sa = { .sa_handler = on_signal };
  struct pcb_thread t;
  struct site_ctx c = { 0 };

  sigemptyset(&sa.sa_mask);
  assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
  assert_int_equal(pcb_thread_register(&t, s, 32), 0);
  pcb_hooks.alloc = noting_alloc;
  allocs_seen = 0;
  nested_calls = 0;
  raise(SIGUSR1);
  assert_int_equal(nested_calls, 1);
  assert_int_equal(allocs_seen, 0);
  if (s->flags & PCB_F_ALLOC_LAZY)
    assert_int_equal(nested_rc, PCB_ENOMEM);
  else if (!(s->flags & PCB_F_NO_CAPTURE))
    assert_true(nested_ctx.ok);
  assert_recorded(s, event(&t, &outer_oracle, 12, &c), &c);  /* recovers */
  pcb_thread_unregister(&t);
  pcb_hooks_reset();
  signal(SIGUSR1, SIG_DFL);
}

static void raise_nested(void)
{
  raise(SIGUSR1);
}

static void nested_signal_event(void **state)
{
  const struct pcb_strategy *s = *state;
  struct sigaction sa = { .sa_handler = on_signal };
  static const int depths[] = { 32, 128 };

  sigemptyset(&sa.sa_mask);
  assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
  for (size_t d = 0; d < 2; d++) {
    struct pcb_thread t;
    struct site_ctx c = { .during = raise_nested };
    int rc;

    nested_calls = 0;
    assert_int_equal(pcb_thread_register(&t, s, depths[d]), 0);
    rc = event(&t, &outer_oracle, 50, &c);
    pcb_thread_unregister(&t);
    assert_int_equal(rc, 0);
    if (s->flags & PCB_F_NO_CAPTURE) {
      assert_int_equal(c.calls, 0);
      continue;
    }
    assert_int_equal(nested_calls, 1);
    if (s->flags & PCB_F_CONTROL) {
      assert_false(c.ok);  /* the check must catch the corruption */
      continue;
    }
    assert_true(c.ok);
    if (s->flags & PCB_F_GUARDED) {
      assert_int_equal(nested_rc, PCB_EBUSY);
    } else {
      assert_int_equal(nested_rc, 0);
      assert_true(nested_ctx.ok);
    }
  }
  signal(SIGUSR1, SIG_DFL);
}

/*
 * Events nested in the same context, without a signal: each level is
 * raised from the consumer of the one outside it (a consumer that
 * allocates through the profiled malloc, say), NEST_LEVELS deep.  Every
 * level is either recorded correctly or refused (MAY_DROP), and the outer
 * event stays correct; a guarded strategy refuses the first nested level.
 * The thread is pinned to its CPU, so a per-CPU strategy finds its own
 * buffer busy every time instead of on the runs it was not moved.
 */
enum { NEST_LEVELS = 4 };
static struct pcb_oracle nest_oracle[NEST_LEVELS];
static struct site_ctx nest_ctx[NEST_LEVELS];
static int nest_rc[NEST_LEVELS], nest_raised;
static struct pcb_thread *nest_t;

static void nest_deeper(void)
{
  int k = nest_raised++;

  if (k >= NEST_LEVELS)
    return;
  nest_ctx[k] = (struct site_ctx){ .during = nest_deeper };
  nest_rc[k] = event(nest_t, &nest_oracle[k], 3 + k, &nest_ctx[k]);
}

static void nested_same_context(void **state)
{
  const struct pcb_strategy *s = *state;
  cpu_set_t was, here;
  struct pcb_thread t;
  struct site_ctx c = { .during = nest_deeper };
  int rc, k;

  assert_int_equal(sched_getaffinity(0, sizeof(was), &was), 0);
  CPU_ZERO(&here);
  CPU_SET(sched_getcpu(), &here);
  assert_int_equal(sched_setaffinity(0, sizeof(here), &here), 0);
  assert_int_equal(pcb_thread_register(&t, s, 64), 0);
  nest_t = &t;
  nest_raised = 0;
  memset(nest_rc, 0, sizeof(nest_rc));
  rc = event(&t, &outer_oracle, 50, &c);
  pcb_thread_unregister(&t);
  assert_int_equal(sched_setaffinity(0, sizeof(was), &was), 0);
  assert_int_equal(rc, 0);
  if (s->flags & PCB_F_NO_CAPTURE)
    return;
  if (s->flags & PCB_F_CONTROL) {
    assert_false(c.ok);  /* the check must catch the corruption */
    return;
  }
  assert_true(c.ok);
  if (s->flags & PCB_F_GUARDED)
    assert_int_equal(nest_rc[0], PCB_EBUSY);
  for (k = 0; k < nest_raised && k < NEST_LEVELS; k++) {
    if (nest_rc[k] != 0) {
      assert_true(refused(s, nest_rc[k], &nest_ctx[k]));
      break;  /* nothing was raised inside a refused event */
    }
    assert_int_equal(nest_ctx[k].calls, 1);
    assert_true(nest_ctx[k].ok);
  }
}

/* A failed test must not leave a fake allocator behind for the next. */
static int reset_hooks(void **state)
{
  (void)state;
  pcb_hooks_reset();
  sync_module();
  return 0;
}

/* --module=PATH: the strategies of the module this process lacks, in
 * pcb_strategy_at's order after its own; returns the index of the first
 * (pcb_strategy_count() if there are none: an error), or exits 2. */
static size_t load_module(const char *path)
{
  size_t first = pcb_strategy_count();
  void *handle;
  char err[4352];

  if (pcb__module_open(path, &handle, &module, err, sizeof(err)) != 0) {
    fprintf(stderr, "test_conformance: %s\n", err);
    exit(2);
  }
  for (size_t i = 0; module->strategy_at(i) != NULL; i++) {
    const struct pcb_strategy *s = module->strategy_at(i);

    if (pcb_strategy_find(s->name) == NULL && pcb_strategy_add(s) != 0) {
      fprintf(stderr, "test_conformance: %s: strategy '%s' refused: %s\n",
              path, s->name, pcb_strerror(pcb_strategy_add(s)));
      exit(2);
    }
  }
  if (first == pcb_strategy_count()) {
    fprintf(stderr, "test_conformance: %s brings no strategy of its own\n",
            path);
    exit(2);
  }
  sync_module();
  return first;
}

int main(int argc, char **argv)
{
  static const struct {
    const char *name;
    CMUnitTestFunction fn;
    bool control_too;  /* also run against the negative control */
  } suite[] = {
    { "capture_matches_truth", capture_matches_truth, false },
    { "bad_depth_refused", bad_depth_refused, true },
    { "thread_churn_no_leak", thread_churn_no_leak, true },
    { "alloc_failure_drops", alloc_failure_drops, false },
    { "heap_accounting_matches_allocator", heap_accounting_matches_allocator,
      true },
    { "profiled_allocator_no_recursion", profiled_allocator_no_recursion, false },
    { "nested_signal_event", nested_signal_event, true },
    { "signal_before_first_event", signal_before_first_event, false },
    { "nested_same_context", nested_same_context, true },
  };
  size_t ns = sizeof(suite) / sizeof(suite[0]);
  struct CMUnitTest *tests = calloc(ns * pcb_strategy_count(), sizeof(*tests));
  size_t n = 0, first = 0;
  int failed;

  if (argc == 2 && strncmp(argv[1], "--module=", 9) == 0)
    first = load_module(argv[1] + 9);
  else if (argc > 1) {
    fprintf(stderr, "test_conformance: '%s' (allowed: nothing, or "
            "--module=PATH)\n", argv[1]);
    return 2;
  }
  for (size_t i = first; i < pcb_strategy_count(); i++) {
    const struct pcb_strategy *s = pcb_strategy_at(i);

    for (size_t k = 0; k < ns; k++) {
      char *name;

      if ((s->flags & PCB_F_CONTROL) && !suite[k].control_too)
        continue;
      if (asprintf(&name, "%s/%s", suite[k].name, s->name) < 0)
        return 1;
      tests[n++] = (struct CMUnitTest){ .name = name,
                                        .test_func = suite[k].fn,
                                        .teardown_func = reset_hooks,
                                        .initial_state = (void *)s };
    }
  }
  failed = _cmocka_run_group_tests("conformance", tests, n, NULL, NULL);
  for (size_t i = 0; i < n; i++)
    free((void *)tests[i].name);
  free(tests);
  return failed;
}
