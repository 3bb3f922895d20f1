/*
 * The cpu workload's signal side (cpuprof_int.h): Go's sigprof.
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
 * its own and the stack below it is the signal's alone.  The handler, its
 * consumer and the loop stay in this one file: the painted figures are
 * exact for a build, and they are these functions' frames.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpuprof_int.h"
#include "pcbench/error.h"

static __thread struct cpuctx *volatile self_ctx;

void pcb__cpu_bind(struct cpuctx *c)
{
  self_ctx = c;
}

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

const struct pcb_clock_source pcb__cpu_loop_source = {
  "loop", loop_clock_read, pcb_clock_read_mono
};

/* The signal-safe consumer: the check, then the ring. */
static void consume(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  struct cpuctx *c = arg;

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
  struct cpuctx *c = self_ctx;
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
__attribute__((noinline)) static void frame_anchor(struct cpuctx *c)
{
  __asm__ volatile("" : : "r"(c) : "memory");
}

__attribute__((noinline)) static int spin_site(void *arg)
{
  struct cpuctx *c = arg;
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
int pcb__cpu_sample(struct cpuctx *c, int n)
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
__attribute__((noinline)) int pcb__cpu_warm_event(struct cpuctx *c)
{
  struct pcb_event ev = { __builtin_frame_address(0), 0, consume_none, c,
                          false };
  int rc = pcb_record(&c->t, &ev);

  __asm__ volatile("" : "+r"(rc) : : "memory");  /* no tail call */
  return rc;
}

int pcb__cpu_alt_up(struct cpuctx *c, size_t size)
{
  int err = pcb_altstack_map(&c->alt, size);

  if (err == 0 && (err = pcb_altstack_install(&c->alt)) != 0)
    pcb_altstack_unmap(&c->alt);
  c->have_alt = err == 0;
  return err;
}

void pcb__cpu_alt_down(struct cpuctx *c)
{
  if (c->have_alt)
    pcb_altstack_unmap(&c->alt);
  c->have_alt = false;
}

struct cpuctx *pcb__cpu_ctx_new(const struct pcb_cpuprof_opts *o)
{
  struct cpuctx *c = calloc(1, sizeof(*c));
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

void pcb__cpu_ctx_free(struct cpuctx *c)
{
  pcb_sampring_fini(&c->ring);
  free(c->hticks);
  free(c->gaps);
  free(c);
}

int pcb__cpu_handler_install(struct sigaction *old)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = on_sigprof;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGPROF, &sa, old) == 0 ? 0 : PCB_ESYS;
}

bool pcb__cpu_opts_ok(const struct pcb_cpuprof_opts *o)
{
  return o->s != NULL && o->depth >= 1 && o->depth <= PCB_DEPTH_MAX &&
         o->frames >= 1 && o->frames <= PCB_FRAMES_MAX && o->hz > 0 &&
         o->samples >= 1 && o->first >= 0 && o->sigstack % 16 == 0;
}
