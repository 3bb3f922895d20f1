/*
 * The event probe of instruction mode: `count` events of a workload, each
 * raised by its own event site (the workload's one_event hook), at the
 * bottom of a `frames`-deep chain, on the measuring thread alone.  No
 * waits, spins or partners are involved, so callgrind, collecting only
 * inside the event sites (scripts/callgrind.py), counts the same
 * instructions for every event of every workload, run after run.
 *
 * `warm` events first (the first event's one-off work: a lazy buffer, a
 * new bucket), then callgrind's counters are zeroed, then `count` events.
 * Cold (a point with --cache=cold): before each counted event the thread
 * walks its working set (pcb_wl_walk), as the cold loops do.  The walk
 * runs outside the event sites, so callgrind counts none of its
 * instructions or misses; but its simulated caches see every access, so
 * the event meets caches from which the walk evicted what it needs.
 * The counted events' per-thread heap buffer starts on a cache line
 * (probe.c says why); the strategy's own is given back afterwards.
 */
#ifndef PCBENCH_PROBE_H
#define PCBENCH_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "workloads/workload.h"

/* Untimed; 0 or PCB_E*.  w is registered on the calling thread and
 * samples everything (rate 1); cold: w's working set is allocated. */
int pcb_probe_events(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                     int frames, int64_t warm, int64_t count, bool cold);

#endif
