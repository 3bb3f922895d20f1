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
/* ns per unwind measured by floor/depth:D/frames:F, or 0 if not run. */
double pcb_floor_ns(int depth, int frames);

#endif
