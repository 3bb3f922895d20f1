/*
 * The cpu workload (core/cpuprof.c) and its consumer (core/sampring.c):
 * the sample ring keeps, drops and counts; a sample's capture equals the
 * ground truth on every stack; its figures are exact (the same over two
 * runs), the buffer's 8 bytes a PC show in them as at the other events
 * (stack exceeds thread by 768 B more at depth 128 than at 32), and the
 * painted figure and the guard-paged search agree (the smallest stack
 * that works is the painted use rounded up to 64).
 *
 * Sanitizers: under ASan the figures hold its redzones (the 768 is not
 * exact, the rest holds); under TSan a signal's handler runs at the
 * thread's next interceptor, on the thread's stack, and no child can be
 * forked to try a size: the figures are skipped there, saying so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pcbench/cpuprof.h"
#include "pcbench/cpustorm.h"
#include "pcbench/error.h"
#include "pcbench/sampring.h"
#include "pcbench/sigprof.h"
#include "pcbench/thread.h"

#if defined(__SANITIZE_THREAD__)
#define TSAN 1
#else
#define TSAN 0
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#else
#define ASAN 0
#endif

static void ring_keeps_drops_counts(void **state)
{
  struct pcb_sampring r;
  uintptr_t pcs[3] = { 1, 2, 3 }, out[3], pc;
  int n;

  (void)state;
  assert_int_equal(pcb_sampring_init(&r, 3, 3), PCB_EINVAL);
  assert_int_equal(pcb_sampring_init(&r, 2, 3), 0);
  assert_true(pcb_sampring_push(&r, 10, pcs, 3));
  assert_true(pcb_sampring_push(&r, 11, pcs, 2));
  assert_false(pcb_sampring_push(&r, 12, pcs, 1));  /* full: dropped */
  assert_int_equal(atomic_load(&r.drops), 1);
  assert_true(pcb_sampring_pop(&r, &pc, out, &n));
  assert_int_equal(pc, 10);
  assert_int_equal(n, 3);
  assert_int_equal(out[2], 3);
  assert_true(pcb_sampring_pop(&r, &pc, out, &n));
  assert_int_equal(pc, 11);
  assert_int_equal(n, 2);
  assert_false(pcb_sampring_pop(&r, &pc, out, &n));
  pcb_sampring_fini(&r);
}

static struct pcb_cpuprof_opts opts(const char *s, int depth, size_t sigstack)
{
  return (struct pcb_cpuprof_opts){ .s = pcb_strategy_find(s),
                                    .depth = depth, .frames = 16,
                                    .sigstack = sigstack, .hz = 1000,
                                    .samples = 8, .first = 3 };
}

/* Every capturing strategy's samples equal the truth, with and without an
 * alternate stack; lazy loses the samples before its first synchronous
 * event and no others, the eager ones none. */
static void samples_match_truth(void **state)
{
  static const char *const names[] = { "stack", "thread", "lazy" };
  static const size_t sizes[] = { 0, 8192 };

  (void)state;
  for (size_t i = 0; i < 3; i++)
    for (size_t z = 0; z < 2; z++) {
      struct pcb_cpuprof_opts o = opts(names[i], 64, sizes[z]);
      struct pcb_cpuprof_figs f;

      assert_int_equal(pcb_cpuprof_run(&o, &f), 0);
      if (TSAN)  /* deferred: a sample may land outside the loop */
        continue;
      assert_int_equal(f.outside, 0);
      assert_int_equal(f.recorded, o.samples);
      assert_int_equal(f.correct, o.samples);
      assert_int_equal(f.lost, 0);
      assert_int_equal(f.dropped, 0);
      assert_int_equal(f.first_lost,
                       strcmp(names[i], "lazy") == 0 ? o.first : 0);
    }
}

static size_t used(const char *s, int depth, size_t sigstack)
{
  struct pcb_cpuprof_opts o = opts(s, depth, sigstack);
  struct pcb_cpuprof_figs f;

  assert_int_equal(pcb_cpuprof_run(&o, &f), 0);
  return f.stack_bytes;
}

static size_t round64(size_t v)
{
  return (v + 63) / 64 * 64;
}

static void figures_exact(void **state)
{
  size_t s32, s128, t32, t128, again, min, min2;
  struct pcb_cpuprof_opts o = opts("stack", 128, 0);
  bool fits;

  (void)state;
  if (TSAN) {
    printf("# skipped under TSan: a signal's handler runs at the thread's "
           "next interceptor, on its own stack, and no threaded process "
           "can fork a trial, so there are no exact figures\n");
    skip();
    return;
  }
  s32 = used("stack", 32, 8192);
  s128 = used("stack", 128, 8192);
  t32 = used("thread", 32, 8192);
  t128 = used("thread", 128, 8192);
  again = used("stack", 128, 8192);
  assert_int_equal(s128, again);
  assert_int_equal(t32, t128);
  if (!ASAN)
    assert_int_equal((s128 - t128) - (s32 - t32), 768);
  /* the painted figure and the guard-paged search agree */
  assert_int_equal(pcb_cpuprof_smallest(&o, &min), 0);
  assert_int_equal(pcb_cpuprof_smallest(&o, &min2), 0);
  assert_int_equal(min, min2);
  assert_int_equal(min, round64(s128));
  assert_int_equal(pcb_cpuprof_fits(&o, min - 64, &fits), 0);
  assert_false(fits);
  /* nothing fits beside the kernel's frame on less than AT_MINSIGSTKSZ */
  if (pcb_sigstack_min() > PCB_LEGACY_MINSIGSTKSZ) {
    o = opts("thread", 128, 0);
    assert_int_equal(pcb_cpuprof_fits(&o, PCB_LEGACY_MINSIGSTKSZ, &fits), 0);
    assert_false(fits);
  }
  /* a size that does not fit is refused without killing the caller */
  o = opts("stack", 128, round64(s128) - 64);
  {
    struct pcb_cpuprof_figs f;

    assert_int_equal(pcb_cpuprof_run(&o, &f), PCB_EOVERFLOW);
  }
  printf("# AT_MINSIGSTKSZ %zu; alternate stack per sample: stack %zu/%zu, "
         "thread %zu/%zu (depth 32/128); smallest (stack, 128) %zu\n",
         pcb_sigstack_min(), s32, s128, t32, t128, min);
}

/* The storm where SIGPROF interrupts malloc: the signal-safe strategies
 * never allocate in the handler (lazy drops its first samples instead);
 * the control that does is caught in every one of 5 storms, and the
 * power of each storm against it is stated from the samples' own count
 * of how often a first sample lands in malloc. */
enum { STORMS = 5, TRIALS = 24 };

/* The storm's negative control: lazy, except that a sample before the
 * buffer exists allocates it in the handler (strategies/lazy.c drops it
 * instead).  Only this test runs it, so it lives here, not in the
 * registry (include/pcbench/cpustorm.h says why). */
static int lazy_malloc_init(struct pcb_thread *t)
{
  t->buf = NULL;
  t->buf_bytes = 0;
  return 0;
}

static int lazy_malloc_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  if (t->in_use)
    return PCB_EBUSY;
  t->in_use = 1;
  atomic_signal_fence(memory_order_seq_cst);
  if (t->buf == NULL && pcb_slice_alloc(t) != 0) {  /* ev->async ignored */
    t->in_use = 0;
    return PCB_ENOMEM;
  }
  pcb_capture(t, ev, t->buf);
  atomic_signal_fence(memory_order_seq_cst);
  t->in_use = 0;
  return 0;
}

static const struct pcb_strategy lazy_malloc = {
  .version = PCB_STRATEGY_VERSION,
  .name = "lazy_malloc",
  .summary = "lazy that allocates in a signal handler (negative control)",
  .flags = PCB_F_ALLOC_LAZY | PCB_F_GUARDED | PCB_F_MAY_DROP | PCB_F_CONTROL,
  .thread_init = lazy_malloc_init,
  .thread_exit = pcb_slice_free,
  .record = lazy_malloc_record,
  .heap_bytes = pcb_thread_buf_bytes,
};

static void unsafe_lazy_caught(void **state)
{
  static const char *const safe[] = { "off", "stack", "thread", "lazy" };
  struct pcb_cpustorm_figs f;
  uint64_t k = 0, m = 0;
  int caught = 0;
  double q;

  (void)state;
  if (TSAN) {
    printf("# skipped under TSan: it runs a signal's handler at the "
           "thread's next interceptor, never inside malloc, so no storm "
           "can interrupt malloc\n");
    skip();
    return;
  }
  for (size_t i = 0; i < sizeof(safe) / sizeof(*safe); i++) {
    const struct pcb_strategy *s = pcb_strategy_find(safe[i]);

    assert_true(s->flags & PCB_F_SIGSAFE);
    assert_int_equal(pcb_cpustorm_run(s, TRIALS, 1000, &f), 0);
    assert_int_equal(f.trials, TRIALS);
    assert_int_equal(f.handler_allocs, 0);
    if (strcmp(safe[i], "lazy") == 0)
      assert_int_equal(f.lost, f.samples);  /* every first sample */
    k += f.in_malloc;
    m += f.samples;
  }
  for (int i = 0; i < STORMS; i++) {
    assert_int_equal(pcb_cpustorm_run(&lazy_malloc, TRIALS, 1000,
                                      &f), 0);
    caught += f.hazards > 0;
    k += f.in_malloc;
    m += f.samples;
  }
  q = pcb_cpustorm_q_lo(k, m);
  printf("# unsafe lazy caught in %d of %d storms of %d trials; %llu of "
         "%llu samples in malloc, q >= %.3f (99.9%%), power per storm "
         ">= %.6f\n", caught, STORMS, TRIALS, (unsigned long long)k,
         (unsigned long long)m, q, pcb_cpustorm_power(q, TRIALS));
  assert_int_equal(caught, STORMS);
  assert_true(pcb_cpustorm_power(q, TRIALS) >= 0.99);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(ring_keeps_drops_counts),
    cmocka_unit_test(samples_match_truth),
    cmocka_unit_test(figures_exact),
    cmocka_unit_test(unsafe_lazy_caught),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
