/*
 * What a run's threads recorded since their last reset, summed over a
 * read-only view of them (run/view.h).  A thread's events are correct
 * when its checking consumer saw exactly one capture per event and it
 * equalled the truth (for `off`: when it saw none).
 */
#ifndef PCBENCH_TALLY_H
#define PCBENCH_TALLY_H

#include <stdint.h>

#include "run/point.h"
#include "run/view.h"

struct pcb_tally {
  uint64_t events, lost;
  uint64_t main_events;       /* the measuring thread's alone */
  uint64_t correct, truncated;
  uint64_t nested, nested_lost, overlaps;
  uint64_t waits, parked;     /* the ring's, where the workload counts */
  uint64_t main_walk_cycles;  /* cold: walking on the measuring thread's
                               * path (struct pcb_wl_thread) */
};

/* p's threads in v, summed. */
struct pcb_tally pcb_tally(const struct pcb_run_view *v,
                           const struct pcb_point *p);

#endif
