/*
 * The cpu workload's sampled thread and its figures (cpuprof_int.h): the
 * thread's life (register, samples before its first synchronous event,
 * the warm event, the alternate stack, the figures, unregister), the
 * stack one sample takes, painted as the fiber figures are, and the
 * checked phase's times.  The thread's frames above the loop are this
 * file's, inlined into pcb__cpu_thread_main: the figures with `none`
 * depend on their alignment.
 *
 * Stack: on an alternate stack, from its top down to the deepest byte a
 * sample wrote (the kernel's frame included); with none, from the
 * interrupted loop's stack pointer down, over bytes painted before the
 * loop ran.  The larger over two patterns.  Times: the handler, entry to
 * return, on the counter; what the loop lost per sample, on the loop's
 * own clock.  Nothing here runs in a handler.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "cpuprof_int.h"
#include "pcbench/error.h"

enum {
  PAINT_BYTES = 64 * 1024, /* with no alternate stack: painted below */
  PAINT_GAP = 256,         /* ... this far below the painter's frame */
};

/* With no alternate stack the sample runs below the loop's stack pointer:
 * paint there before the loop runs, find the deepest byte changed after.
 * The painter and the scanner keep PAINT_GAP bytes clear of their own
 * frames, so nothing but the signal writes the painted bytes. */
static size_t paint_extent(const struct cpuctx *c, uintptr_t top)
{
  uintptr_t floor = c->t.stack.lo + 4096;

  if (top <= floor)
    return 0;
  return top - floor < PAINT_BYTES ? top - floor : PAINT_BYTES;
}

__attribute__((noinline, no_sanitize_address, no_sanitize_thread))
static uintptr_t paint_below(struct cpuctx *c, unsigned char pat)
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
static int stack_figure(struct cpuctx *c, size_t *used)
{
  static const unsigned char pats[2] = { 0xA5, 0x5A };

  *used = 0;
  for (int k = 0; k < 2; k++) {
    size_t u;

    if (c->have_alt) {
      pcb_altstack_paint(&c->alt, pats[k]);
      if (pcb__cpu_sample(c, 1) != 0)
        return PCB_ESYS;
      u = pcb_altstack_used(&c->alt, pats[k]);
    } else {
      uintptr_t bottom = paint_below(c, pats[k]), d;

      if (pcb__cpu_sample(c, 1) != 0)
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

/* The checked phase: o->samples samples, timed, on a warm thread. */
static void checked(struct cpuctx *c, struct pcb_cpuprof_figs *f)
{
  static struct pcb_clock clk, loop;
  double t0, ignored;

  if (clk.ns_per_tick == 0 &&
      pcb_clock_calibrate(&pcb_clock_counter, 10, 1001, &clk) != 0)
    clk.ns_per_tick = 1;  /* a counter that does not move: times read 0 */
  if (loop.ns_per_tick == 0 &&
      pcb_clock_calibrate(&pcb__cpu_loop_source, 10, 1001, &loop) != 0)
    loop.ns_per_tick = 1;
  c->recorded = c->lost = c->checked = c->correct = c->outside = 0;
  c->nh = c->ngap = 0;
  atomic_store(&c->ring.drops, 0);
  c->timing = 1;
  t0 = cpu_seconds();
  c->err = pcb__cpu_sample(c, c->o->samples);
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

static int run_thread(struct cpuctx *c, struct pcb_cpuprof_figs *f)
{
  const struct pcb_cpuprof_opts *o = c->o;
  int err = pcb_thread_register(&c->t, o->s, o->depth);

  if (err)
    return err;
  pcb__cpu_bind(c);
  if (o->first > 0)
    err = pcb__cpu_sample(c, o->first);
  f->first_lost = c->lost;
  if (err == 0)
    pcb__cpu_warm_event(c);
  if (err == 0 && o->sigstack > 0)
    err = pcb__cpu_alt_up(c, o->sigstack);
  if (err == 0)
    err = pcb__cpu_sample(c, 2);  /* the path's first uses, unmeasured */
  if (err == 0)
    err = stack_figure(c, &f->stack_bytes);
  f->kernel_bytes = c->kernel_bytes;
  if (err == 0) {
    checked(c, f);
    err = c->err;
  }
  pcb__cpu_bind(NULL);
  pcb__cpu_alt_down(c);
  pcb_thread_unregister(&c->t);
  return err;
}

void *pcb__cpu_thread_main(void *arg)
{
  struct pcb__cpu_job *j = arg;
  sigset_t prof;

  sigemptyset(&prof);
  sigaddset(&prof, SIGPROF);
  pthread_sigmask(SIG_UNBLOCK, &prof, NULL);
  j->c->err = run_thread(j->c, j->f);
  return NULL;
}
