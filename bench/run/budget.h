/*
 * What a point's threads may spend (budget.c): a wait's spin budget, and
 * Go's default rates.
 */
#ifndef PCBENCH_BUDGET_H
#define PCBENCH_BUDGET_H

#include <stdint.h>

#include "run/point.h"

/* Go's default rates, which a rate:go point samples at: malloc at Go's
 * MemProfileRate; block, mutex and lock at PCB_GO_BLOCK_NS of waiting,
 * converted to cycles of the counter the workloads time waits with, as
 * Go's SetBlockProfileRate converts ns to ticks (Go has no default block
 * rate: its block profile is off until a program sets one; 10 us is what
 * a continuous profiler has set in production). */
#define PCB_GO_MEM_PROFILE_RATE 524288
#define PCB_GO_BLOCK_NS 10000
/* Go's SetBlockProfileRate(ns): int64(ns * ticks per second / 1e9), at
 * least 1, for a counter of ns_per_tick. */
uint64_t pcb_go_block_cycles(uint64_t ns, double ns_per_tick);

/* The spin budget of p's waits: spin_ns where every thread of p can run
 * at once (a PU of its own), else 0, parking at once. */
uint64_t pcb_spin_budget(const struct pcb_point *p, uint64_t spin_ns);

#endif
