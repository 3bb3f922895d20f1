/* The event probe of instruction mode; see probe.h. */
#include "base/icount.h"
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

int pcb_probe_events(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                     int frames, int64_t warm, int64_t count, bool cold)
{
  struct probe p = { w, wl, warm, count, cold };

  return pcb_oracle_run(w->oracle, frames, probe_loop, &p);
}
