/*
 * Private to core/: what the architecture's file (core/arch/<arch>.c, the
 * one CMake compiles for the target) finds out at run time.  The inline
 * machine code is include/pcbench/arch/'s.
 */
#ifndef PCBENCH_CORE_ARCH_PROBE_H
#define PCBENCH_CORE_ARCH_PROBE_H

#include "pcbench/clock.h"

/* Fills the architecture's fields of f (the counters this CPU and kernel
 * let user space read); leaves the others as they are. */
void pcb__arch_clock_probe(struct pcb_clock_features *f);

#endif
