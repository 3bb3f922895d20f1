/* The event probe of instruction mode; see probe.h. */
#include "run/probe.h"

struct probe {
  struct pcb_wl_thread *w;
  const struct pcb_workload *wl;
  int64_t count;
};

/* Runs at the bottom of the chain: the caller of the workload's probe. */
__attribute__((noinline)) static int probe_loop(void *arg)
{
  struct probe *p = arg;

  for (int64_t i = 0; i < p->count; i++)
    p->wl->one_event(p->w);
  return 0;
}

int pcb_probe_events(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                     int frames, int64_t count)
{
  struct probe p = { w, wl, count };

  return pcb_oracle_run(w->oracle, frames, probe_loop, &p);
}
