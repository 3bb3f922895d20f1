/*
 * stack_bytes, min_fiber_stack and headroom_bytes for a matrix entry
 * (docs/design.md), from core/stackmeasure.c:
 *
 *   stack_bytes      one event, called from a one-frame thunk, measured by
 *                    painting the thread's stack: the bytes below the event
 *                    site (the thunk's 16-byte call frame included).
 *   min_fiber_stack  the entry's `frames`-deep chain with one event at its
 *                    bottom, on fibers of 2, 4, 8 ... KiB: the goroutine
 *                    that must double its stack.
 *   headroom_bytes   one event on a 2 KiB fiber: the most bytes of the
 *                    task's own frames (padding, 16-byte steps) it leaves.
 *
 * The event is the workload's own (its one_event hook)
 * through the thread's strategy, sampled for certain.  The figures are
 * exact for a build; none depends on timing.
 *
 * A fiber that overflows is abandoned mid-event, so an object the event
 * had allocated is never freed: a few bytes per overflow trial, the
 * remains of the simulated goroutine.  Under a sanitizer the figures are
 * not measured at all: instrumented frames are not the build being
 * measured, and the sanitizers' own stack bookkeeping does not follow a
 * painted stack or a fiber abandoned by siglongjmp.
 */
#include "pcbench/error.h"
#include "pcbench/stackmeasure.h"
#include "pass/pass.h"
#include "pass/stackfig.h"
#include "run/runner.h"

struct probe {
  struct pcb_wl_thread *w;
  const struct pcb_workload *wl;
  int frames;
};

/* One event of the workload, sampled for certain (the caller set rate 1). */
__attribute__((noinline, unused)) static void one_event(void *arg)
{
  struct probe *p = arg;

  p->wl->one_event(p->w);
  __asm__ volatile("" : : : "memory");
}

static int chain_bottom(void *arg)
{
  one_event(arg);
  return 0;
}

/* The entry's chain with one event at its bottom.  (Unused, as are its
 * helpers, in sanitizer builds, where the stack figures are not taken.) */
__attribute__((noinline, unused)) static void chain_and_event(void *arg)
{
  struct probe *p = arg;

  pcb_oracle_run(p->w->oracle, p->frames, chain_bottom, p);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
int pcb_stack_figures(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                      int frames, struct pcb_stack_figs *out)
{
  (void)w;
  (void)wl;
  (void)frames;
  *out = (struct pcb_stack_figs){ 0 };  /* ok = false: not measured */
  return 0;
}
#else
int pcb_stack_figures(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                      int frames, struct pcb_stack_figs *out)
{
  struct probe p = { w, wl, frames };
  int err;

  *out = (struct pcb_stack_figs){ 0 };
  err = pcb_stack_used(one_event, &p, &out->stack_bytes);
  if (err == 0)
    err = pcb_min_fiber_stack(chain_and_event, &p, &out->min_fiber_stack);
  if (err)
    return err;
  err = pcb_fiber_headroom(PCB_FIBER_STACK_MIN, one_event, &p,
                           &out->headroom_bytes);
  if (err && err != PCB_EOVERFLOW)
    return err;
  out->headroom_ok = err == 0;
  out->ok = true;
  return 0;
}
#endif

void pcb_pass_stack(const struct pcb_point *p, struct pcb_point_figs *f)
{
  pcb_stack_figures(pcb_runner_lend(), p->wl, p->frames, &f->stack);
}
