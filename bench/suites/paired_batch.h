/*
 * The batches of a paired entry (suites/paired.c): one arm's operations
 * below a fresh stack offset, timed so that arms compare.  Internal to
 * suites/.
 */
#ifndef PCBENCH_PAIRED_BATCH_H
#define PCBENCH_PAIRED_BATCH_H

#include <stdint.h>

#include "pcbench/rng.h"
#include "run/runner.h"

/* One batch of `iters` operations of the arm whose thread states are
 * `arm`, on copy m of the event path (NULL: pcbench's own), below a
 * stack offset drawn from rng: ns per operation (warm: the batch; cold:
 * the operations alone, see paired_batch.c). */
double pcb__paired_batch_ns(const struct pcb_point *p,
                            struct pcb_wl_thread *const *arm, int64_t iters,
                            struct pcb_rng *rng,
                            const struct pcb_event_module *m);

/* Operations per batch for p's arms (arms[a]: arm a's thread states),
 * each arm warmed up by a batch first. */
int64_t pcb__paired_batch_iters(const struct pcb_point *p,
                                struct pcb_wl_thread *const *const *arms,
                                int narms, struct pcb_rng *rng);

#endif
