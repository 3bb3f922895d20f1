/*
 * The counters of a paired entry (suites/paired.c), from its rounds.
 * Internal to suites/.
 */
#ifndef PCBENCH_PAIRED_REPORT_H
#define PCBENCH_PAIRED_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/gbshim.h"
#include "pcbench/strategy.h"

/* One arm as the report reads it: its per-round ns per operation. */
struct pcb__paired_arm {
  const char *label;              /* "stack", "stack_twin", ... */
  const struct pcb_strategy *s;
  const double *ns;
};

/* An entry's rounds: arms[narms - 1] is the A/A control of arms[twin_of]
 * (a code clone, which names its original, or a twin "<name>_twin"); round
 * r ran every arm (but shared-buffer ones) on copy copy[r] of the event
 * path, of ncopies. */
struct pcb__paired_rounds {
  const struct pcb__paired_arm *arms;
  int narms, twin_of;
  const unsigned *copy;
  int ncopies, rounds;
  double batch_ops;
};

/* Writes the entry's counters (docs/design.md, "Paired timing"); false,
 * with why[] naming it, if a capture timed faster than no capture. */
bool pcb__paired_report(pcb_gb_state *st, const struct pcb__paired_rounds *r,
                        char *why, size_t whylen);

#endif
