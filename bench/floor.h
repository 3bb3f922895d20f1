/*
 * The floor under every figure (floor.c): the raw unwind into a warm
 * buffer at each (depth, frames) point, the unwinders' cost per frame,
 * and the harness's own cost per event.
 */
#ifndef PCBENCH_FLOOR_H
#define PCBENCH_FLOOR_H

#include "cli.h"

/* Registers floor/, unwind/ and overhead/ entries; call before the
 * matrix so floors are known when strategy entries run.  0 or PCB_E*. */
int pcb_floor_register(const struct pcb_config *cfg);
/* ns per unwind measured by floor/depth:D/frames:F, or 0 if not known. */
double pcb_floor_ns(int depth, int frames);
/* Makes the floor at (depth, frames) known before its entry runs (with
 * --interleave a matrix entry may come first): an untimed probe of the
 * same unwinds, replaced by the entry's own figure when it runs, so every
 * repetition of a matrix entry carries floor_ratio. */
void pcb_floor_ensure(int depth, int frames);

#endif
