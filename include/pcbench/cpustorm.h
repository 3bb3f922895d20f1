/*
 * Lazy allocation's hardest case (core/cpustorm.c): a CPU-profile sample
 * that arrives while the thread is inside malloc, on a thread whose
 * strategy has no buffer yet.  malloc is not async-signal-safe: a handler
 * that allocates there deadlocks on the arena lock or corrupts the
 * thread cache.  Go left lazy allocation undone for this reason.
 *
 * A storm: `trials` fresh registrations on one thread, each running a
 * malloc/free loop under a CPU-time timer until its first sample.  The
 * strategy allocates through pcb_hooks, which the storm replaces with a
 * checking allocator: an allocation made in the handler is counted, and
 * one made while the interrupted thread was inside malloc (its flag
 * raised around the loop's malloc and free) is the hazard itself --
 * counted and refused (NULL) instead of re-entering malloc, so the check
 * never corrupts the process it runs in.  A storm catches a strategy when
 * it saw the hazard at least once.
 *
 * Power: a trial can catch an allocating strategy only if its first
 * sample lands inside malloc, which happens with probability q, the
 * fraction of the loop's time in malloc.  The samples measure it (k of m
 * landed there, for every strategy alike); with q_lo its one-sided 99.9%
 * lower bound (Hoeffding), a storm of n trials catches a strategy that
 * allocates on its first sample with probability at least
 * 1 - (1 - q_lo)^n.
 */
#ifndef PCBENCH_CPUSTORM_H
#define PCBENCH_CPUSTORM_H

#include <stdbool.h>
#include <stdint.h>

#include "pcbench/strategy.h"

/* Its negative control, `lazy` that allocates its buffer in the handler
 * (it ignores ev->async), lives in tests/test_cpuprof.c, the only caller:
 * it is correct everywhere but in a signal handler, and the registry's
 * controls are nesting controls (PCB_F_CONTROL: the conformance suite and
 * the storm of nested events expect a control to corrupt a nested
 * capture, which a guarded lazy does not), so it is not registered. */

struct pcb_cpustorm_figs {
  uint64_t trials, samples;
  uint64_t in_malloc;       /* samples that interrupted the loop's malloc */
  uint64_t handler_allocs;  /* allocations the strategy made in a handler */
  uint64_t hazards;         /* of them, while the thread was in malloc */
  uint64_t lost;            /* samples the strategy dropped */
};

/* One storm of `trials` trials at `hz`; 0, PCB_ENOMEM or PCB_ESYS. */
int pcb_cpustorm_run(const struct pcb_strategy *s, int trials, long hz,
                     struct pcb_cpustorm_figs *f);

/* q_lo from k of m samples in malloc, and a storm's power with it. */
double pcb_cpustorm_q_lo(uint64_t k, uint64_t m);
double pcb_cpustorm_power(double q_lo, uint64_t trials);

#endif
