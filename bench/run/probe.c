/* The event probe of instruction mode; see probe.h. */
#include "base/icount.h"
#include "pcbench/layout.h"
#include "run/probe.h"

struct probe {
  struct pcb_wl_thread *w;
  const struct pcb_workload *wl;
  int64_t warm, count;
  bool cold;
};

/* Runs at the bottom of the chain: the caller of the workload's probe.
 * One loop and one call of one_event for the warm-up and the counted
 * events: a second call site (here or anywhere up to main, which a
 * capture of depth 128 reaches) would give the first counted event a
 * stack of its own, inserted into the bucket table -- a one-off cost,
 * counted. */
__attribute__((noinline)) static int probe_loop(void *arg)
{
  struct probe *p = arg;

  for (int64_t i = 0; i < p->warm + p->count; i++) {
    if (i == p->warm)
      PCB_ICOUNT_ZERO();
    if (p->cold && i >= p->warm)
      pcb_wl_walk(p->w);
    p->wl->one_event(p->w);
  }
  return 0;
}

struct probe_call {
  struct probe *p;
  int frames;
  int err;
};

static void probe_chain(void *arg)
{
  struct probe_call *c = arg;

  c->err = pcb_oracle_run(c->p->w->oracle, c->frames, probe_loop, c->p);
}

/* The chain starts at the same offset within a page, whatever the
 * environment and arguments above it on the stack: a simulated cache's
 * set is chosen by an address's low bits (D1's by its offset in a page),
 * so otherwise a stack shifted by a longer environment variable moves a
 * conflict miss in or out, and two runs started differently disagree. */
int pcb_probe_events(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                     int frames, int64_t warm, int64_t count, bool cold)
{
  struct probe p = { w, wl, warm, count, cold };
  struct probe_call c = { &p, frames, 0 };
  uintptr_t here = (uintptr_t)__builtin_frame_address(0);
  size_t off = (size_t)(here % PCB_LAYOUT_SPAN) &
               ~(size_t)(PCB_LAYOUT_STACK_STEP - 1);
  int err = pcb_layout_call(off, probe_chain, &c);

  return err ? err : c.err;
}
