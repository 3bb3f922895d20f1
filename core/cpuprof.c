/*
 * The cpu workload's engine (include/pcbench/cpuprof.h): Go's sigprof.
 *
 * Model.  One thread of its own per run, registered with the strategy
 * (an M); a busy loop (spin_site) at the bottom of the ground-truth chain
 * is the interrupted program; a timer on that thread's CPU clock raises
 * SIGPROF at it; on_sigprof, on the alternate stack when there is one,
 * takes the interrupted frame pointer and PC from its ucontext and records
 * one event anchored on that frame with skip 0 -- so PC 0 of the capture
 * is the loop's return address, truth[0] -- with ev->async set: a strategy
 * must not allocate there.  The consumer checks the capture against the
 * truth and pushes it with the interrupted PC into the sample ring.
 *
 * Invariants: the handler touches only its thread's context (found
 * through a thread-local set before the timer exists and cleared after it
 * is gone), the ring and errno (saved and restored); every array it
 * writes is allocated before the timer is armed.  The loop does not call
 * anything while `spinning` is set, so the interrupted frame is always
 * its own and the stack below it is the signal's alone.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pcbench/clock.h"
#include "pcbench/cpuprof.h"
#include "pcbench/error.h"
#include "pcbench/oracle.h"
#include "pcbench/sampring.h"
#include "pcbench/sigprof.h"

#if defined(__SANITIZE_THREAD__)
#define CPU_TSAN 1
#else
#define CPU_TSAN 0
#endif

enum {
  TIMES_MAX = 4096,        /* handler and gap times kept per run */
  PAINT_BYTES = 64 * 1024, /* with no alternate stack: painted below */
  PAINT_GAP = 256,         /* ... this far below the painter's frame */
  SEARCH_MAX = 64 * 1024,  /* the largest alternate stack searched */
  FIT_SAMPLES = 2,         /* samples a trial in a child must complete */
};

struct ctx {
  const struct pcb_cpuprof_opts *o;
  struct pcb_thread t;
  struct pcb_sampring ring;
  struct pcb_altstack alt;
  bool have_alt;
  int err;
  uint64_t target;              /* the loop runs until handled reaches it */
  uintptr_t site_ret;           /* the loop's return address into the chain */
  /* written by the handler (and read by the loop between samples) */
  volatile uint64_t handled, recorded, lost, checked, correct, outside;
  volatile uintptr_t cur_pc, int_sp, kernel_bytes;
  volatile uint64_t entered;    /* loop_clock() as the handler began */
  volatile sig_atomic_t spinning, timing;
  volatile int nh;
  uint64_t *hticks, *gaps;      /* TIMES_MAX each */
  int ngap;
  struct pcb_oracle oracle;     /* last: large */
};

static __thread struct ctx *volatile self_ctx;

/* The loop's own clock: a register read with no call (x86-64's time-stamp
 * counter; elsewhere a count of loop turns, which times nothing), so that
 * the interrupted frame is always the loop's. */
static inline uint64_t loop_clock(void)
{
#if defined(__x86_64__)
  return __builtin_ia32_rdtsc();
#else
  static _Thread_local uint64_t turns;

  return ++turns;
#endif
}

static uint64_t loop_clock_read(void)
{
  return loop_clock();
}

static const struct pcb_clock_source loop_source = {
  "loop", loop_clock_read, pcb_clock_read_mono
};

/* The signal-safe consumer: the check, then the ring. */
static void consume(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  struct ctx *c = arg;

  c->checked++;
  /* PC 0 of the walk is the loop's own return address (its frame is the
   * interrupted one), then the chain's, the ground truth */
  if (n >= 1 && pcs[0] == c->site_ret)
    c->correct += c->t.depth == 1 ? n == 1 && trunc
                                  : pcb_oracle_match(&c->oracle, c->t.depth - 1,
                                                     pcs + 1, n - 1, trunc);
  pcb_sampring_push(&c->ring, c->cur_pc, pcs, n);
}

static void consume_none(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  (void)arg, (void)pcs, (void)n, (void)trunc;
}

static void on_sigprof(int sig, siginfo_t *si, void *uc)
{
  int saved = errno;
  struct ctx *c = self_ctx;
  uint64_t t0 = pcb_clock_read(), entered = loop_clock();
  uintptr_t pc, sp;
  const void *fp;

  (void)sig, (void)si;
  if (c == NULL) {
    errno = saved;
    return;
  }
  if (!c->spinning || !pcb_sigctx_frame(uc, &pc, &fp, &sp)) {
    c->outside++;
  } else {
    struct pcb_event ev = { fp, 0, consume, c, true };
    uintptr_t top = c->have_alt ? (uintptr_t)c->alt.lo + c->alt.size : sp;

    c->cur_pc = pc;
    c->int_sp = sp;
    /* the kernel's frame ends with the handler's return address, just
     * below the ucontext (x86-64's rt_sigframe); a ucontext elsewhere (a
     * sanitizer's copy, TSan) says nothing of it: 0 */
    uintptr_t bottom = (uintptr_t)uc - sizeof(void *);

    c->kernel_bytes = bottom < top && top - bottom < PCB_SIGSTACK_MAX
                          ? top - bottom : 0;
    if (pcb_record(&c->t, &ev) == 0)
      c->recorded++;
    else
      c->lost++;
  }
  if (c->timing && c->nh < TIMES_MAX)
    c->hticks[c->nh++] = pcb_clock_read() - t0;
  c->entered = entered;
  atomic_signal_fence(memory_order_seq_cst);
  c->handled++;
  errno = saved;
}

/* The interrupted program: spins until `target` samples were handled.
 * What a sample took from it is the step of its own clock that holds the
 * handler's start: the count is read before the clock, so a sample first
 * seen at step k+1 came in step k or k+1, and the handler's own stamp of
 * the same clock says which.  Other interruptions (the scheduler's tick,
 * a preemption) make long steps too, and only one that holds a sample is
 * counted -- but the tick that raises a sample is also where the
 * scheduler preempts, so on a loaded machine the step may hold a
 * preemption: the least over the run is the sample's own cost.  Under TSan a signal is handled only at the thread's
 * next interceptor, so the loop calls one now and then there. */
/* Called first by the loop, so that the loop's frame (its frame pointer
 * saved, %rbp its own) is set up before it spins: gcc would otherwise
 * shrink-wrap a leaf's prologue away from the loop, and a walk from the
 * interrupted %rbp would start at the loop's caller, one frame short. */
__attribute__((noinline)) static void frame_anchor(struct ctx *c)
{
  __asm__ volatile("" : : "r"(c) : "memory");
}

__attribute__((noinline)) static int spin_site(void *arg)
{
  struct ctx *c = arg;
  uint64_t seen, prev, last;

  c->site_ret = (uintptr_t)__builtin_return_address(0);
  frame_anchor(c);
  seen = c->handled;
  prev = last = loop_clock();

  c->spinning = 1;
  atomic_signal_fence(memory_order_seq_cst);
  for (;;) {
    uint64_t h = c->handled, now = loop_clock();

    if (h != seen) {
      uint64_t e = c->entered;

      seen = h;
      if (c->timing && c->ngap < TIMES_MAX)
        c->gaps[c->ngap++] = e > prev && e < last ? last - prev : now - last;
    }
    prev = last;
    last = now;
    if (h >= c->target)
      break;
#if CPU_TSAN
    if ((now & 0xfff) == 0) {  /* an interceptor: TSan's signals run there */
      static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

      if (pthread_mutex_trylock(&m) == 0)
        pthread_mutex_unlock(&m);
    }
#endif
  }
  atomic_signal_fence(memory_order_seq_cst);
  c->spinning = 0;
  return 0;
}

/* n more samples with the timer armed, taken in spin_site at the bottom
 * of the chain; the ring emptied afterwards (outside any handler). */
static int sample(struct ctx *c, int n)
{
  timer_t timer;
  uintptr_t pc, *pcs = NULL;
  int got;

  c->target = c->handled + (uint64_t)n;
  if (pcb_cputimer_start(&timer, SIGPROF, c->o->hz) != 0)
    return PCB_ESYS;
  pcb_oracle_run(&c->oracle, c->o->frames, spin_site, c);
  pcb_cputimer_stop(timer);
  pcs = malloc((size_t)c->ring.width * sizeof(*pcs));
  if (pcs == NULL)
    return PCB_ENOMEM;
  while (pcb_sampring_pop(&c->ring, &pc, pcs, &got))
    ;
  free(pcs);
  return 0;
}

/* One synchronous event on the thread, outside any handler: where a
 * `lazy` strategy takes its buffer (the allocation is allowed here). */
__attribute__((noinline)) static int warm_event(struct ctx *c)
{
  struct pcb_event ev = { __builtin_frame_address(0), 0, consume_none, c,
                          false };
  int rc = pcb_record(&c->t, &ev);

  __asm__ volatile("" : "+r"(rc) : : "memory");  /* no tail call */
  return rc;
}

/* With no alternate stack the sample runs below the loop's stack pointer:
 * paint there before the loop runs, find the deepest byte changed after.
 * The painter and the scanner keep PAINT_GAP bytes clear of their own
 * frames, so nothing but the signal writes the painted bytes. */
static size_t paint_extent(const struct ctx *c, uintptr_t top)
{
  uintptr_t floor = c->t.stack.lo + 4096;

  if (top <= floor)
    return 0;
  return top - floor < PAINT_BYTES ? top - floor : PAINT_BYTES;
}

__attribute__((noinline, no_sanitize_address, no_sanitize_thread))
static uintptr_t paint_below(struct ctx *c, unsigned char pat)
{
  volatile unsigned char *top =
      (volatile unsigned char *)__builtin_frame_address(0) - PAINT_GAP;
  size_t n = paint_extent(c, (uintptr_t)top);

  for (size_t i = 1; i <= n; i++)
    top[-(ptrdiff_t)i] = pat;
  return (uintptr_t)top - n;
}

__attribute__((noinline, no_sanitize_address, no_sanitize_thread))
static uintptr_t deepest_changed(uintptr_t bottom, uintptr_t top,
                                 unsigned char pat)
{
  const volatile unsigned char *p = (const volatile unsigned char *)bottom;

  while ((uintptr_t)p < top && *p == pat)
    p++;
  return (uintptr_t)p;
}

/* The bytes one sample takes, the larger over two paint patterns (a byte
 * written with the pattern's own value is invisible to it alone). */
static int stack_figure(struct ctx *c, size_t *used)
{
  static const unsigned char pats[2] = { 0xA5, 0x5A };

  *used = 0;
  for (int k = 0; k < 2; k++) {
    size_t u;

    if (c->have_alt) {
      pcb_altstack_paint(&c->alt, pats[k]);
      if (sample(c, 1) != 0)
        return PCB_ESYS;
      u = pcb_altstack_used(&c->alt, pats[k]);
    } else {
      uintptr_t bottom = paint_below(c, pats[k]), d;

      if (sample(c, 1) != 0)
        return PCB_ESYS;
      d = deepest_changed(bottom, c->int_sp, pats[k]);
      u = c->int_sp > d ? c->int_sp - d : 0;
    }
    if (u > *used)
      *used = u;
  }
  return 0;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return (x > y) - (x < y);
}

/* p50 and mean of v[0..n) ticks in ns (floor_ticks taken off each). */
static void summarise(uint64_t *v, int n, const struct pcb_clock *clk,
                      bool floor, double *p50, double *mean, double *min)
{
  double sum = 0;
  struct pcb_clock k = *clk;

  *p50 = *mean = *min = 0;
  if (n == 0)
    return;
  if (!floor)
    k.floor_ticks = 0;
  qsort(v, (size_t)n, sizeof(*v), cmp_u64);
  for (int i = 0; i < n; i++)
    sum += (double)pcb_clock_ns(&k, v[i]);
  *p50 = (double)pcb_clock_ns(&k, v[n / 2]);
  *min = (double)pcb_clock_ns(&k, v[0]);
  *mean = sum / n;
}

static double cpu_seconds(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int alt_up(struct ctx *c, size_t size)
{
  int err = pcb_altstack_map(&c->alt, size);

  if (err == 0 && (err = pcb_altstack_install(&c->alt)) != 0)
    pcb_altstack_unmap(&c->alt);
  c->have_alt = err == 0;
  return err;
}

static void alt_down(struct ctx *c)
{
  if (c->have_alt)
    pcb_altstack_unmap(&c->alt);
  c->have_alt = false;
}

/* The checked phase: o->samples samples, timed, on a warm thread. */
static void checked(struct ctx *c, struct pcb_cpuprof_figs *f)
{
  static struct pcb_clock clk, loop;
  double t0, ignored;

  if (clk.ns_per_tick == 0 &&
      pcb_clock_calibrate(&pcb_clock_counter, 10, 1001, &clk) != 0)
    clk.ns_per_tick = 1;  /* a counter that does not move: times read 0 */
  if (loop.ns_per_tick == 0 &&
      pcb_clock_calibrate(&loop_source, 10, 1001, &loop) != 0)
    loop.ns_per_tick = 1;
  c->recorded = c->lost = c->checked = c->correct = c->outside = 0;
  c->nh = c->ngap = 0;
  atomic_store(&c->ring.drops, 0);
  c->timing = 1;
  t0 = cpu_seconds();
  c->err = sample(c, c->o->samples);
  t0 = cpu_seconds() - t0;
  c->timing = 0;
  f->samples = (uint64_t)c->o->samples;
  f->recorded = c->recorded;
  f->lost = c->lost;
  f->dropped = atomic_load(&c->ring.drops);
  f->correct = c->correct;
  f->outside = c->outside;
  f->rate_hz = t0 > 0 ? (double)c->o->samples / t0 : 0;
  summarise(c->hticks, c->nh, &clk, true, &f->handler_ns_p50,
            &f->handler_ns_mean, &ignored);
  summarise(c->gaps, c->ngap, &loop, false, &f->gap_ns_p50, &f->gap_ns_mean,
            &f->gap_ns_min);
}

static int run_thread(struct ctx *c, struct pcb_cpuprof_figs *f)
{
  const struct pcb_cpuprof_opts *o = c->o;
  int err = pcb_thread_register(&c->t, o->s, o->depth);

  if (err)
    return err;
  self_ctx = c;
  if (o->first > 0)
    err = sample(c, o->first);
  f->first_lost = c->lost;
  if (err == 0)
    warm_event(c);
  if (err == 0 && o->sigstack > 0)
    err = alt_up(c, o->sigstack);
  if (err == 0)
    err = sample(c, 2);  /* the path's first uses, unmeasured */
  if (err == 0)
    err = stack_figure(c, &f->stack_bytes);
  f->kernel_bytes = c->kernel_bytes;
  if (err == 0) {
    checked(c, f);
    err = c->err;
  }
  self_ctx = NULL;
  alt_down(c);
  pcb_thread_unregister(&c->t);
  return err;
}

static struct ctx *ctx_new(const struct pcb_cpuprof_opts *o)
{
  struct ctx *c = calloc(1, sizeof(*c));
  uint32_t slots = 64;

  if (c == NULL)
    return NULL;
  while (slots < (uint32_t)o->samples + 8 && slots < 4096)
    slots *= 2;
  c->o = o;
  c->hticks = calloc(TIMES_MAX, sizeof(uint64_t));
  c->gaps = calloc(TIMES_MAX, sizeof(uint64_t));
  if (c->hticks == NULL || c->gaps == NULL ||
      pcb_sampring_init(&c->ring, slots, o->depth) != 0) {
    free(c->hticks);
    free(c->gaps);
    free(c);
    return NULL;
  }
  return c;
}

static void ctx_free(struct ctx *c)
{
  pcb_sampring_fini(&c->ring);
  free(c->hticks);
  free(c->gaps);
  free(c);
}

static int handler_install(struct sigaction *old)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = on_sigprof;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGPROF, &sa, old) == 0 ? 0 : PCB_ESYS;
}

struct job {
  struct ctx *c;
  struct pcb_cpuprof_figs *f;
};

static void *thread_main(void *arg)
{
  struct job *j = arg;
  sigset_t prof;

  sigemptyset(&prof);
  sigaddset(&prof, SIGPROF);
  pthread_sigmask(SIG_UNBLOCK, &prof, NULL);
  j->c->err = run_thread(j->c, j->f);
  return NULL;
}

static bool opts_ok(const struct pcb_cpuprof_opts *o)
{
  return o->s != NULL && o->depth >= 1 && o->depth <= PCB_DEPTH_MAX &&
         o->frames >= 1 && o->frames <= PCB_FRAMES_MAX && o->hz > 0 &&
         o->samples >= 1 && o->first >= 0 && o->sigstack % 16 == 0;
}

int pcb_cpuprof_run(const struct pcb_cpuprof_opts *o,
                    struct pcb_cpuprof_figs *f)
{
  struct sigaction old;
  struct job j;
  pthread_t th;
  int err;

  memset(f, 0, sizeof(*f));
  if (!opts_ok(o))
    return PCB_EINVAL;
  /* an overflow of the alternate stack cannot be caught in this process:
   * try the size in a child first (not under TSan, which cannot fork a
   * threaded process; the caller then runs only sizes known to fit) */
  if (o->sigstack > 0 && !CPU_TSAN) {
    bool fits;

    err = pcb_cpuprof_fits(o, o->sigstack, &fits);
    if (err)
      return err;
    if (!fits)
      return PCB_EOVERFLOW;
  }
  j.c = ctx_new(o);
  j.f = f;
  if (j.c == NULL)
    return PCB_ENOMEM;
  err = handler_install(&old);
  if (err == 0) {
    if (pthread_create(&th, NULL, thread_main, &j) != 0) {
      err = PCB_ESYS;
    } else {
      pthread_join(th, NULL);
      err = j.c->err;
    }
    sigaction(SIGPROF, &old, NULL);
  }
  ctx_free(j.c);
  return err;
}

/* A child's trial: 0 when FIT_SAMPLES samples completed on an alternate
 * stack of `size` bytes; 1 when the kernel refused the stack; 2 when
 * anything else failed.  An overflow kills the child (SIGSEGV). */
static int fit_child(const struct pcb_cpuprof_opts *o, size_t size)
{
  struct ctx *c = ctx_new(o);

  if (c == NULL || pcb_thread_register(&c->t, o->s, o->depth) != 0)
    return 2;
  self_ctx = c;
  warm_event(c);
  if (alt_up(c, size) != 0)
    return 1;
  alarm(20);  /* a watchdog: a trial never hangs the search */
  return sample(c, FIT_SAMPLES) == 0 ? 0 : 2;
}

int pcb_cpuprof_fits(const struct pcb_cpuprof_opts *o, size_t size,
                     bool *fits)
{
  struct sigaction old;
  int status = 0, err;
  pid_t pid;

  *fits = false;
  if (CPU_TSAN)
    return PCB_EUNSUPPORTED;
  if (!opts_ok(o) || size == 0 || size % 16 != 0)
    return PCB_EINVAL;
  err = handler_install(&old);
  if (err)
    return err;
  pid = fork();
  if (pid == 0) {
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT,
                                 SIGALRM };
    sigset_t prof;

    /* an overflow must end the child by its signal, not run the
     * parent's crash handlers (which would remove the parent's files) */
    for (size_t i = 0; i < sizeof(fatal) / sizeof(*fatal); i++)
      signal(fatal[i], SIG_DFL);
    sigemptyset(&prof);
    sigaddset(&prof, SIGPROF);
    sigprocmask(SIG_UNBLOCK, &prof, NULL);
    _exit(fit_child(o, size));
  }
  sigaction(SIGPROF, &old, NULL);
  if (pid < 0)
    return PCB_ESYS;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return PCB_ESYS;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
    return PCB_ESYS;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    return PCB_ESYS;
  *fits = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return 0;
}

int pcb_cpuprof_smallest(const struct pcb_cpuprof_opts *o, size_t *size)
{
  size_t lo = 0, hi = SEARCH_MAX;  /* lo fails, hi completes */
  bool ok;
  int err = pcb_cpuprof_fits(o, hi, &ok);

  if (err)
    return err;
  if (!ok)
    return PCB_EOVERFLOW;
  while (hi - lo > PCB_SIGSTACK_ALIGN) {
    size_t mid = (lo + hi) / 2 / PCB_SIGSTACK_ALIGN * PCB_SIGSTACK_ALIGN;

    err = pcb_cpuprof_fits(o, mid, &ok);
    if (err)
      return err;
    if (ok)
      hi = mid;
    else
      lo = mid;
  }
  *size = hi;
  return 0;
}
