/*
 * Stack measurement (core/stackmeasure.c, core/fiber.c).  The figures are
 * exact for a build, so these tests assert exact relations between them,
 * never timings: a known frame found by painting, an overflow caught on a
 * fiber with the process's signal state left as it was, headroom shrinking
 * by exactly what a call uses more, and the figure the project exists for:
 * the `stack` strategy's buffer showing up on the stack at depth 128, the
 * per-thread buffers not.
 */
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "pcbench/arch.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "pcbench/oracle.h"
#include "pcbench/stackmeasure.h"
#include "pcbench/strategy.h"

/*
 * Under TSan every memory access calls into its runtime, on the very stack
 * being measured: the runtime's stack use varies with its internal state
 * (thread@32 once measured 1960 bytes, thread@128 1168), so no figure is
 * exact; and the runtime's calls are the deepest frames, so an overflow
 * lands inside it and abandons it mid-call, possibly holding one of its
 * locks -- the documented limit of pcb_fiber_run (an overflow must not
 * abandon a lock holder).  So under TSan only fibers that complete are
 * run, and no figures are compared.
 * ASan checks inline and passes everything (its redzones make figures
 * larger, which the relations below allow for).
 */
#if defined(__SANITIZE_THREAD__)
#define MEASURES false
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MEASURES false
#endif
#endif
#ifndef MEASURES
#define MEASURES true
#endif

/* A leaf frame holding `n` bytes that it writes in full with arg's low
 * byte: its deepest write is buf[0], whatever the fill value. */
#define FRAME_FN(n)                                                          \
  __attribute__((noinline)) static void frame_##n(void *arg)                 \
  {                                                                          \
    volatile char buf[n];                                                    \
                                                                             \
    for (size_t i = 0; i < (n); i++)                                         \
      buf[i] = (char)(uintptr_t)arg;                                         \
    __asm__ volatile("" : : "r"(buf) : "memory");                            \
  }
FRAME_FN(256)
FRAME_FN(1024)
FRAME_FN(1792)

__attribute__((noinline)) static void nop_fn(void *arg)
{
  __asm__ volatile("" : : "r"(arg) : "memory");
}

#if defined(__OPTIMIZE__)  /* -O0 spills arg too */
/* Has a frame record and writes nothing else. */
__attribute__((noinline)) static void fp_fn(void *arg)
{
  *(void *volatile *)arg = __builtin_frame_address(0);
}
#define HAVE_FP_FN 1
#endif

static size_t used_by(pcb_stack_fn fn, void *arg)
{
  size_t used = 0;

  assert_int_equal(pcb_stack_used(fn, arg, &used), 0);
  return used;
}

/*
 * 1792 - 1024 = 768 bytes more frame is found as exactly 768 bytes more
 * stack, every time.  (Sizes in one ASan redzone class, 513..4096 bytes,
 * so that the relation is exact under ASan too: 256 vs 1024 would differ
 * by 768 plus the growth of ASan's size-dependent redzone.)
 */
static void frame_size_found(void **state)
{
  size_t u1024, u1792;

  (void)state;
  if (!MEASURES)
    skip();
  u1024 = used_by(frame_1024, NULL);
  u1792 = used_by(frame_1792, NULL);
  print_message("stack_used: frame_1024 %zu, frame_1792 %zu\n", u1024, u1792);
  assert_int_equal(u1792 - u1024, 768);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(used_by(frame_1024, NULL), u1024);
    assert_int_equal(used_by(frame_1792, NULL), u1792);
  }
#ifdef HAVE_FP_FN
  {
    void *fp;

    /* The frame record: on x86-64 the return address the call pushed and
     * the saved %rbp, on AArch64 x29 and x30 stored by stp. */
    assert_int_equal(used_by(fp_fn, &fp), 16);
  }
#endif
}

/* A frame filled with one pattern's value is seen by the other pattern. */
static void pattern_value_not_lost(void **state)
{
  size_t zero;

  (void)state;
  if (!MEASURES)
    skip();
  zero = used_by(frame_1024, (void *)0x00);
  assert_int_equal(used_by(frame_1024, (void *)0xA5), zero);
  assert_int_equal(used_by(frame_1024, (void *)0x5A), zero);
}

/* Recursion through `levels` frames of about 256 bytes each, each written
 * every 16 bytes; the next level is called through a volatile pointer so
 * that no compiler turns the recursion into a loop or shrinks the frame. */
static int burn(int levels);
static int (*volatile burn_next)(int) = burn;

__attribute__((noinline)) static int burn(int levels)
{
  volatile char buf[240];
  int r = 0;

  for (size_t i = 0; i < sizeof(buf); i += 16)
    buf[i] = (char)levels;
  if (levels > 0)
    r = burn_next(levels - 1);
  __asm__ volatile("" : "+r"(r) : : "memory");  /* no tail call */
  return r + buf[0];
}

static void burn_fn(void *arg)
{
  burn((int)(intptr_t)arg);
}

#define BURN_8K ((void *)(intptr_t)32)       /* a little over 8 KiB */
#define BURN_128K ((void *)(intptr_t)512)    /* beyond the painted region */
#define BURN_2M ((void *)(intptr_t)8192)     /* beyond every fiber tried */

static void bad_arguments(void **state)
{
  size_t n;
  bool over;

  (void)state;
  assert_int_equal(pcb_stack_used(NULL, NULL, &n), PCB_EINVAL);
  assert_int_equal(pcb_stack_used(nop_fn, NULL, NULL), PCB_EINVAL);
  assert_int_equal(pcb_fiber_run(0, nop_fn, NULL, &over), PCB_EINVAL);
  assert_int_equal(pcb_fiber_run(2050, nop_fn, NULL, &over), PCB_EINVAL);
  assert_int_equal(pcb_fiber_run(256, nop_fn, NULL, &over), PCB_EINVAL);
  assert_int_equal(pcb_fiber_run(4096, NULL, NULL, &over), PCB_EINVAL);
  assert_int_equal(pcb_fiber_run(4096, nop_fn, NULL, NULL), PCB_EINVAL);
  assert_int_equal(pcb_min_fiber_stack(nop_fn, NULL, NULL), PCB_EINVAL);
  assert_int_equal(pcb_fiber_headroom(2048, nop_fn, NULL, NULL), PCB_EINVAL);
}

static void too_deep_reported(void **state)
{
  size_t n = 0;

  (void)state;
  if (!MEASURES)
    skip();
  assert_int_equal(pcb_stack_used(burn_fn, BURN_128K, &n), PCB_EOVERFLOW);
  assert_int_equal(pcb_min_fiber_stack(burn_fn, BURN_2M, &n), PCB_EOVERFLOW);
  assert_int_equal(pcb_fiber_headroom(2048, burn_fn, BURN_8K, &n),
                   PCB_EOVERFLOW);
}

/* The process's SIGSEGV disposition and alternate stack, to compare. */
struct sigstate {
  struct sigaction sa;
  stack_t ss;
};

static void sigstate_get(struct sigstate *s)
{
  assert_int_equal(sigaction(SIGSEGV, NULL, &s->sa), 0);
  assert_int_equal(sigaltstack(NULL, &s->ss), 0);
}

static void sigstate_same(const struct sigstate *a, const struct sigstate *b)
{
  assert_ptr_equal(a->sa.sa_sigaction, b->sa.sa_sigaction);
  assert_int_equal(a->sa.sa_flags, b->sa.sa_flags);
  assert_ptr_equal(a->ss.ss_sp, b->ss.ss_sp);
  assert_int_equal(a->ss.ss_size, b->ss.ss_size);
  assert_int_equal(a->ss.ss_flags, b->ss.ss_flags);
}

static bool overflows(size_t stack_size, pcb_stack_fn fn, void *arg)
{
  bool over = false;

  assert_int_equal(pcb_fiber_run(stack_size, fn, arg, &over), 0);
  return over;
}

/* An overflow that arrives before the fiber has finished its switch --
 * on some CPUs a lazily bound first call did exactly this (the resolver
 * saved the AVX-512 xsave state on a 2 KiB fiber) -- is caught like any
 * other, the sanitizers' view of the stack comes back, and later runs
 * are unaffected. */
static void overflow_before_switch_done(void **state)
{
  bool over = false;

  (void)state;
  if (!MEASURES)
    skip();
  for (int round = 0; round < 3; round++) {
    pcb__fiber_prologue_bytes = 4096;
    assert_int_equal(pcb_fiber_run(2048, nop_fn, NULL, &over), 0);
    pcb__fiber_prologue_bytes = 0;
    assert_true(over);
    assert_int_equal(pcb_fiber_run(2048, nop_fn, NULL, &over), 0);
    assert_false(over);
  }
}

/* The alternate signal stack holds the kernel's signal frame for this CPU
 * (AT_MINSIGSTKSZ) and the handler's own frames: the handler ran on it
 * and stayed inside it.  The figures depend on the CPU and are printed. */
static void altstack_fits_handler(void **state)
{
  size_t size = 0, peak = 0, frame = (size_t)getauxval(AT_MINSIGSTKSZ);

  (void)state;
  if (!MEASURES)
    skip();
  assert_true(overflows(2048, burn_fn, BURN_8K));
  pcb__fiber_altstack_use(&size, &peak);
  print_message("alternate stack: %zu bytes, handler used %zu, "
                "AT_MINSIGSTKSZ %zu\n", size, peak, frame);
  assert_true(size >= 2 * frame);
  assert_true(peak > 0);
  assert_true(peak < size);
  assert_false(overflows(2048, nop_fn, NULL));
  pcb__fiber_altstack_use(&size, &peak);
  assert_int_equal(peak, 0);
}

/* ~8 KiB overflows 2, 4 and 8 KiB fibers, completes on 16 KiB, and the
 * process goes on with its signal state untouched. */
static void fiber_overflow_caught(void **state)
{
  struct sigstate before, after;
  size_t min = 0, used;

  (void)state;
  if (!MEASURES)
    skip();
  used = used_by(burn_fn, BURN_8K);
  print_message("stack_used: burn(32) %zu\n", used);
  assert_true(used > 8192 && used < 16384 - 1024);  /* ASan: ~14 KiB */
  sigstate_get(&before);
  for (int round = 0; round < 3; round++) {
    assert_true(overflows(2048, burn_fn, BURN_8K));
    assert_true(overflows(4096, burn_fn, BURN_8K));
    assert_true(overflows(8192, burn_fn, BURN_8K));
    assert_false(overflows(16384, burn_fn, BURN_8K));
    assert_false(overflows(2048, nop_fn, NULL));
    assert_int_equal(pcb_min_fiber_stack(burn_fn, BURN_8K, &min), 0);
    assert_int_equal(min, 16384);
  }
  assert_int_equal(pcb_min_fiber_stack(nop_fn, NULL, &min), 0);
  assert_int_equal(min, 2048);
  sigstate_get(&after);
  sigstate_same(&before, &after);
}

/* The usable bytes are exact: headroom on 4 KiB is 2 KiB more than on 2. */
static void fiber_size_exact(void **state)
{
  size_t h2 = 0, h4 = 0, h3 = 0;

  (void)state;
  if (!MEASURES)
    skip();
  assert_int_equal(pcb_fiber_headroom(2048, nop_fn, NULL, &h2), 0);
  assert_int_equal(pcb_fiber_headroom(3072, nop_fn, NULL, &h3), 0);
  assert_int_equal(pcb_fiber_headroom(4096, nop_fn, NULL, &h4), 0);
  print_message("headroom of nop: 2 KiB %zu, 3 KiB %zu, 4 KiB %zu\n", h2, h3,
                h4);
  assert_int_equal(h3 - h2, 1024);
  assert_int_equal(h4 - h2, 2048);
}

/*
 * A fault that is not a guard hit goes to the SIGSEGV disposition that was
 * in force before the run: a handler of the caller's own, or the default
 * action.  Each case runs in a child, which must not return from the run.
 */
static char *noaccess;

static void touch_noaccess(void *arg)
{
  (void)arg;
  *(volatile char *)noaccess = 1;
}

static void exit_7(int sig)
{
  (void)sig;
  _exit(7);
}

static int fault_in_child(void (*handler)(int))
{
  int status = 0;
  pid_t pid;

  fflush(NULL);
  pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    struct sigaction sa = { .sa_handler = handler };
    bool over = false;

    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    pcb_fiber_run(16384, touch_noaccess, NULL, &over);
    _exit(over ? 3 : 4);
  }
  assert_int_equal(waitpid(pid, &status, 0), pid);
  return status;
}

static void foreign_fault_reraised(void **state)
{
  int status;

  (void)state;
  /* Writable first, then closed: memcheck ignores mprotect, so the only
   * complaint under valgrind is the fault itself. */
  noaccess = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(noaccess != MAP_FAILED);
  assert_int_equal(mprotect(noaccess, 4096, PROT_NONE), 0);
  status = fault_in_child(exit_7);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 7);
  status = fault_in_child(SIG_DFL);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGSEGV);
  munmap(noaccess, 4096);
}

/* Headroom falls by exactly the extra stack a call uses (both frames use
 * the same amount modulo 16, so the 16-byte steps lose nothing). */
static void headroom_tracks_stack_used(void **state)
{
  size_t hl = 0, hh = 0, again = 0;
  size_t ul, uh;

  (void)state;
  if (!MEASURES)
    skip();
  ul = used_by(frame_256, NULL);
  uh = used_by(frame_1024, NULL);
  assert_int_equal(pcb_fiber_headroom(2048, frame_256, NULL, &hl), 0);
  assert_int_equal(pcb_fiber_headroom(2048, frame_1024, NULL, &hh), 0);
  assert_int_equal(pcb_fiber_headroom(2048, frame_1024, NULL, &again), 0);
  print_message("headroom on 2 KiB: frame_256 %zu, frame_1024 %zu\n", hl, hh);
  assert_int_equal(again, hh);
  assert_int_equal(hl - hh, uh - ul);
  assert_int_equal(hl + ul, hh + uh);
}

/* Runs inside a fiber: what the thread's context says about the stack. */
struct bounds_probe {
  struct pcb_stack_bounds seen;
  uintptr_t fp;
  size_t used;
  int used_rc;
};

static void probe_bounds(void *arg)
{
  struct bounds_probe *p = arg;

  p->seen = pcb_thread_self() ? pcb_thread_self()->stack
                              : (struct pcb_stack_bounds){ 0, 0 };
  p->fp = (uintptr_t)__builtin_frame_address(0);
  p->used_rc = pcb_stack_used(frame_1024, NULL, &p->used);
}

/* While fn runs on a fiber the thread's bounds are the fiber's, exactly;
 * they come back afterwards, also after an overflow; stack_used measured
 * on a fiber equals stack_used on the thread's own stack. */
static void fiber_bounds_follow(void **state)
{
  struct pcb_thread t;
  struct pcb_stack_bounds own;
  struct bounds_probe p = { 0 };

  (void)state;
  assert_false(overflows(65536, probe_bounds, &p));
  assert_int_equal(p.used_rc, PCB_ESYS);  /* no context: bounds unknown */
  assert_int_equal(pcb_thread_register(&t, pcb_strategy_find("thread"), 32), 0);
  own = t.stack;
  assert_false(overflows(65536, probe_bounds, &p));
  assert_int_equal(p.seen.hi - p.seen.lo, 65536);
  assert_true(p.fp > p.seen.lo && p.fp < p.seen.hi);
  assert_int_equal(p.used_rc, 0);
  if (MEASURES)
    assert_int_equal(p.used, used_by(frame_1024, NULL));
  assert_int_equal(t.stack.lo, own.lo);
  assert_int_equal(t.stack.hi, own.hi);
  if (MEASURES) {
    assert_true(overflows(2048, burn_fn, BURN_8K));
    assert_int_equal(t.stack.lo, own.lo);
    assert_int_equal(t.stack.hi, own.hi);
  }
  pcb_thread_unregister(&t);
}

/* A fiber inside a fiber: the inner overflow is the inner run's. */
static void run_inner(void *arg)
{
  bool *inner_over = arg;

  assert_int_equal(pcb_fiber_run(MEASURES ? 2048 : 16384, burn_fn, BURN_8K,
                                 inner_over), 0);
}

static void nested_fibers(void **state)
{
  bool inner_over = !MEASURES;

  (void)state;
  assert_false(overflows(65536, run_inner, &inner_over));
  assert_int_equal(inner_over, MEASURES);
}

/* Threads overflowing fibers at once share the one SIGSEGV handler. */
static void *fiber_thread(void *arg)
{
  long ok = 1;

  (void)arg;
  for (int i = 0; i < 20; i++) {
    bool small = true, big = true;

    if (MEASURES)
      ok &= pcb_fiber_run(4096, burn_fn, BURN_8K, &small) == 0 && small;
    ok &= pcb_fiber_run(16384, burn_fn, BURN_8K, &big) == 0 && !big;
  }
  return (void *)ok;
}

static void concurrent_fibers(void **state)
{
  struct sigstate before, after;
  pthread_t th[4];

  (void)state;
  sigstate_get(&before);
  for (int i = 0; i < 4; i++)
    assert_int_equal(pthread_create(&th[i], NULL, fiber_thread, NULL), 0);
  for (int i = 0; i < 4; i++) {
    void *ok;

    assert_int_equal(pthread_join(th[i], &ok), 0);
    assert_true(ok != NULL);
  }
  sigstate_get(&after);
  sigstate_same(&before, &after);
}

/*
 * One profiling event as the workloads raise it: a site under EV_FRAMES
 * real chain frames records through the thread's strategy, and the
 * consumer checks the capture against the oracle's ground truth.
 */
#define EV_FRAMES 8

struct ev_ctx {
  struct pcb_thread *t;
  struct pcb_oracle o;
  int rc, calls;
  bool ok, truncated;
};

static void ev_consume(void *arg, const uintptr_t *pcs, int n, bool truncated)
{
  struct ev_ctx *c = arg;

  c->calls++;
  c->truncated = truncated;
  c->ok = pcb_oracle_match(&c->o, c->t->depth, pcs, n, truncated);
}

__attribute__((noinline)) static int ev_site(void *arg)
{
  struct ev_ctx *c = arg;
  struct pcb_event ev = { .fp = __builtin_frame_address(0), .skip = 1,
                          .consume = ev_consume, .arg = c, .async = false };
  int rc = pcb_record(c->t, &ev);

  __asm__ volatile("" : "+r"(rc) : : "memory");  /* no tail call */
  return rc;
}

static void ev_fn(void *arg)
{
  struct ev_ctx *c = arg;

  c->calls = 0;
  c->ok = false;
  c->rc = pcb_oracle_run(&c->o, EV_FRAMES, ev_site, c);
}

static void ev_recorded(const struct ev_ctx *c)
{
  assert_int_equal(c->rc, 0);
  if (c->t->strategy->flags & PCB_F_NO_CAPTURE) {
    assert_int_equal(c->calls, 0);
  } else {
    assert_int_equal(c->calls, 1);
    assert_true(c->ok);
  }
}

struct ev_case {
  const struct pcb_strategy *s;
  int depth;
  size_t used, min_fiber;
  long headroom;  /* on a 2 KiB fiber; -1 when the event does not fit */
};

static void ev_measure(struct ev_case *ec)
{
  static struct ev_ctx c;  /* the oracle is 32 KiB: not on the stack */
  struct pcb_thread t;
  bool over = true;
  size_t h = 0;
  int rc;

  assert_int_equal(pcb_thread_register(&t, ec->s, ec->depth), 0);
  c.t = &t;
  ev_fn(&c);  /* warm: `lazy` allocates its buffer on the first event */
  ev_recorded(&c);
  assert_int_equal(pcb_stack_used(ev_fn, &c, &ec->used), 0);
  ev_recorded(&c);
  assert_int_equal(pcb_fiber_run(16384, ev_fn, &c, &over), 0);
  assert_false(over);
  ev_recorded(&c);
  assert_false(c.truncated);  /* the unwind stopped at the fiber's top */
  if (!MEASURES) {
    pcb_thread_unregister(&t);
    return;
  }
  assert_int_equal(pcb_min_fiber_stack(ev_fn, &c, &ec->min_fiber), 0);
  rc = pcb_fiber_headroom(2048, ev_fn, &c, &h);
  assert_true(rc == 0 || rc == PCB_EOVERFLOW);
  ec->headroom = rc == 0 ? (long)h : -1;
  /* The search's overflowing probes abandoned events at their deepest
   * point, mid-capture; the guard was put back each time, and a shared
   * buffer's lock released (else the next event would find it held). */
  assert_int_equal(t.in_use, 0);
  assert_null(t.held);
  ev_fn(&c);
  ev_recorded(&c);
  pcb_thread_unregister(&t);
}

enum { EV_STRATEGIES = 16 };

/* Where a strategy keeps its buffer, from its flags. */
static bool on_stack(const struct pcb_strategy *s)
{
  return s->flags & PCB_F_STACK_BUF;
}

static bool off_stack(const struct pcb_strategy *s)
{
  return !(s->flags & (PCB_F_STACK_BUF | PCB_F_SPILL | PCB_F_NO_CAPTURE));
}

/*
 * The project's core figure, under every unwinder (the state).  A
 * PCB_F_STACK_BUF strategy keeps its PCs in the capturing frame, so depth
 * 128 costs exactly 96 * 8 = 768 bytes more stack than depth 32; every
 * other strategy keeps them off the stack (on the heap: thread, lazy,
 * percpu, pool; a fixed 16 there: hybrid), so depth changes nothing on
 * the stack -- whatever the unwinder, which must write into the buffer it
 * is given and take no depth-sized room of its own.  Every event that
 * fits a 2 KiB fiber leaves headroom + stack_used within one 16-byte step
 * of the same constant (the fiber's capacity below its own frames).
 */
static void strategy_event_figures(void **state)
{
  struct ev_case ec[EV_STRATEGIES][2];
  size_t n = pcb_strategy_count(), heap_min = SIZE_MAX, fiber_min = SIZE_MAX;
  long lo_total = LONG_MAX, hi_total = LONG_MIN;

  assert_true(n <= EV_STRATEGIES);
  pcb_hooks.unwinder = *state;
  for (size_t i = 0; i < n; i++)
    for (int d = 0; d < 2; d++) {
      ec[i][d] = (struct ev_case){ .s = pcb_strategy_at(i),
                                   .depth = d ? 128 : 32 };
      ev_measure(&ec[i][d]);
      print_message("%-9s %-16s depth %3d: stack_used %4zu  "
                    "min_fiber_stack %5zu  headroom(2 KiB) %ld\n",
                    pcb_hooks.unwinder->name, ec[i][d].s->name,
                    ec[i][d].depth, ec[i][d].used, ec[i][d].min_fiber,
                    ec[i][d].headroom);
    }
  pcb_hooks_reset();
  if (!MEASURES)
    return;  /* the events ran and matched the truth, on fibers too */
  for (size_t i = 0; i < n; i++) {
    const struct ev_case *e = ec[i];

    if (on_stack(e[0].s))
      assert_int_equal(e[1].used - e[0].used, 96 * 8);
    else
      assert_int_equal(e[1].used, e[0].used);
    if (off_stack(e[0].s) && e[1].used < heap_min)
      heap_min = e[1].used;
    if (off_stack(e[0].s) && e[1].min_fiber < fiber_min)
      fiber_min = e[1].min_fiber;
  }
  for (size_t i = 0; i < n; i++) {
    const struct ev_case *e = ec[i];

    if (e[0].s->flags & PCB_F_SPILL)  /* its 16 PCs on the frame */
      assert_true(e[1].used > heap_min);
    if (on_stack(e[0].s)) {
      assert_true(e[1].used > heap_min);
      assert_true(e[1].min_fiber >= fiber_min);
    }
    for (int d = 0; d < 2; d++) {
      long total = e[d].headroom + (long)e[d].used;

      if (e[d].headroom < 0)
        continue;
      if (!PCB_ARCH_SPILL_HEADROOM_EXACT && (e[0].s->flags & PCB_F_SPILL))
        continue;  /* include/pcbench/arch/ says why */
      lo_total = total < lo_total ? total : lo_total;
      hi_total = total > hi_total ? total : hi_total;
    }
  }
  /* headroom is stack_used's complement, rounded down to 16 bytes. */
  if (lo_total <= hi_total)
    assert_true(hi_total - lo_total < 16);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(frame_size_found),
    cmocka_unit_test(pattern_value_not_lost),
    cmocka_unit_test(bad_arguments),
    cmocka_unit_test(too_deep_reported),
    cmocka_unit_test(overflow_before_switch_done),
    cmocka_unit_test(altstack_fits_handler),
    cmocka_unit_test(fiber_overflow_caught),
    cmocka_unit_test(fiber_size_exact),
    cmocka_unit_test(foreign_fault_reraised),
    cmocka_unit_test(headroom_tracks_stack_used),
    cmocka_unit_test(fiber_bounds_follow),
    cmocka_unit_test(nested_fibers),
    cmocka_unit_test(concurrent_fibers),
  };
  struct CMUnitTest figures[8];
  size_t n = 0;
  int failed = cmocka_run_group_tests(tests, NULL, NULL);

  for (size_t i = 0; i < pcb_unwinder_count() && n < 8; i++)
    figures[n++] = (struct CMUnitTest){
      .name = pcb_unwinder_at(i)->name, .test_func = strategy_event_figures,
      .initial_state = (void *)pcb_unwinder_at(i) };
  return failed | _cmocka_run_group_tests("strategy_event_figures", figures,
                                          n, NULL, NULL);
}
