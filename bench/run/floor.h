/*
 * The floor under every matrix figure, owned by the runner (as a loop
 * baseline belongs to a benchmark runner, not to one benchmark that the
 * others read back): at each (depth, frames) point of the run, the
 * configured unwinder capturing into a warm, preallocated buffer of
 * `depth` PCs at the bottom of a `frames`-deep chain, with no strategy,
 * no guard and no bucket table -- the lower bound of an event there.
 * Every matrix entry divides its own time by it (floor_ratio).  Both are
 * timed the same way, by the runner's monotonic clock around the whole
 * loop, so the ratio does not depend on how Google Benchmark rounds.
 */
#ifndef PCBENCH_FLOOR_H
#define PCBENCH_FLOOR_H

#include "base/gbshim.h"
#include "config.h"
#include "pcbench/unwind.h"

/* One point per (depth, frames) of c, floors not yet known; 0 or PCB_E*. */
int pcb_floor_init(const struct pcb_config *c);
/* ns per unwind at (depth, frames), or 0 if not known. */
double pcb_floor_ns(int depth, int frames);
/* Records the floor of (depth, frames) as its floor/ entry measured it. */
void pcb_floor_set(int depth, int frames, double ns);
/* Makes the floor at (depth, frames) known before its matrix entry reads
 * it (with --interleave that entry may run first): an untimed probe of
 * the same unwinds, replaced when the floor/ entry runs. */
void pcb_floor_ensure(int depth, int frames);

/* The measurement itself, for the suites that time unwinds: under a
 * chain of r->frames (pcb_oracle_run(..., pcb_floor_loop, r), called from
 * the entry's body), Google Benchmark's loop of unwinds with r->u into a
 * warm buffer of r->depth PCs.  r->ns is left ns per unwind (0 if the loop
 * ran no iteration), r->pcs the PCs the last unwind captured. */
struct pcb_floor_run {
  const struct pcb_unwinder *u;
  int depth;
  pcb_gb_state *st;
  double ns;
  int64_t pcs;
};
int pcb_floor_loop(void *run);
/* One unwind with u, timed alone: a first call's cost. */
double pcb_floor_once_ns(const struct pcb_unwinder *u, int depth);
/* The stack the unwinder itself takes: one raw unwind of depth PCs into
 * the floor's buffer (off the stack), called from a one-frame thunk at
 * the bottom of a `frames`-deep chain, measured by painting as a matrix
 * entry's stack_bytes is (core/stackmeasure.c).  What an event's stack
 * figure holds beyond it is the workload's, the strategy's and the
 * buffer's.  False when not measured (sanitizer builds, a failed
 * measurement). */
bool pcb_floor_stack_bytes(const struct pcb_unwinder *u, int depth,
                           int frames, size_t *used);

#endif
