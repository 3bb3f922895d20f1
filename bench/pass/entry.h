/*
 * A point's entry: what the matrix and its variants (storm) register, one
 * per point, with the figures its passes found (pass/figs.h).
 */
#ifndef PCBENCH_ENTRY_H
#define PCBENCH_ENTRY_H

#include "base/gbshim.h"
#include "pass/figs.h"
#include "run/points.h"

struct pcb_point_entry {
  char name[160];
  struct pcb_point p;
  int index;                  /* among its suite's entries */
  struct pcb_point_figs figs;
};

/* The entries of one suite's points, each a Google Benchmark body's
 * argument, alive until pcb_point_sets_fini. */
struct pcb_point_set {
  struct pcb_point_set *next;  /* every set made */
  int n;
  struct pcb_point_entry at[];
};
/* One entry per point of c, named after `kind` if not NULL (base/name.h)
 * and registered with body, *o and its workload's real_time; NULL if out
 * of memory or a name does not fit (nothing registered then). */
struct pcb_point_set *pcb_point_register(const struct pcb_config *c,
                                         const char *kind, pcb_gb_fn body,
                                         const struct pcb_gb_opts *o);
void pcb_point_sets_fini(void);

#endif
