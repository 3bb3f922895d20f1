/* See tally.h. */
#include "run/tally.h"

struct pcb_tally pcb_tally(const struct pcb_run_view *v,
                           const struct pcb_point *p)
{
  bool none = p->s->flags & PCB_F_NO_CAPTURE;
  struct pcb_tally t = { .main_events = v->w[0].events,
                         .waits = v->sh->waits, .parked = v->sh->parked,
                         .main_walk_cycles = v->w[0].walk_cycles };

  for (int i = 0; i < p->threads; i++) {
    const struct pcb_wl_thread *w = &v->w[i];

    t.events += w->events;
    t.lost += w->lost;
    if (w->seen == (none ? 0 : w->events))
      t.correct += none ? w->events : w->correct;
    t.truncated += w->truncated;
    t.nested += w->nested;
    t.nested_lost += w->nested_lost;
    t.overlaps += w->overlaps;
  }
  return t;
}
