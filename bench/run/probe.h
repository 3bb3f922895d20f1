/*
 * The event probe of instruction mode: `count` events of a workload, each
 * raised by its own event site (the workload's one_event hook), at the
 * bottom of a `frames`-deep chain, on the measuring thread alone.  No
 * waits, spins or partners are involved, so callgrind, collecting only
 * inside the event sites (scripts/callgrind.py), counts the same
 * instructions for every event of every workload, run after run.
 */
#ifndef PCBENCH_PROBE_H
#define PCBENCH_PROBE_H

#include <stdint.h>

#include "workloads/workload.h"

/* Untimed; 0 or PCB_E*.  w is registered on the calling thread and
 * samples everything (rate 1). */
int pcb_probe_events(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                     int frames, int64_t count);

#endif
