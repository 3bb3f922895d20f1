/*
 * The batches of a thread's start and its first event, paired
 * (suites/paired.c): what paired/thread_start/depth:D and
 * paired/first_event/depth:D time in each arm's turn of a round.
 * Internal to suites/.
 */
#ifndef PCBENCH_PAIRED_START_H
#define PCBENCH_PAIRED_START_H

#include <stdbool.h>

#include "pcbench/rng.h"
#include "run/point.h"
#include "suites/paired_arms.h"

enum {
  PCB_START_BATCH = 256,  /* fresh contexts per batch, as the companion
                           * entries' (suites/memory.c) */
  PCB_START_FRAMES = 16,  /* the first event's chain, as first_event/'s */
};

/* One kind of entry: its word in the name, and one batch. */
struct pcb__paired_kind {
  const char *word;       /* "thread_start", "first_event" */
  /* A capture can never cost less than `off` here: a capturing arm
   * whose interval over off lies below 1 is flagged (paired.c's
   * verdicts).  False for thread_start: most strategies' thread_init
   * does what off's does (nothing), so below 1 is placement, no bug. */
  bool over_off_physical;
  /* One batch of PCB_START_BATCH operations of `arm` with the strategy
   * and consumer pcb__arm_on_copy set for the round's copy m (NULL:
   * pcbench's own), at p's depth, below a stack offset drawn from rng:
   * ns per operation.  The batch's first failure (PCB_E*: a
   * thread_init's or an event's) into *err if that is still 0; a batch
   * that failed is no figure. */
  double (*batch_ns)(struct pcb__arm *arm, const struct pcb_point *p,
                     const struct pcb_event_module *m, struct pcb_rng *rng,
                     int *err);
};

/* The kinds, NULL-terminated, in the order their entries are added. */
extern const struct pcb__paired_kind *const pcb__paired_kinds[];

#endif
