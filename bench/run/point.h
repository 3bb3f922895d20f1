/*
 * One point of the matrix: what a run of the runner is about.  A value,
 * copied freely; the workload and strategy it names are tables' rows.
 */
#ifndef PCBENCH_POINT_H
#define PCBENCH_POINT_H

#include <stdint.h>

#include "config.h"
#include "workloads/workload.h"

struct pcb_point {
  const struct pcb_workload *wl;
  const struct pcb_strategy *s;
  int depth, frames, threads;
  enum pcb_place place;
  enum pcb_cache cache;
  uint64_t rate;  /* an item of --rate: >= 1, or PCB_RATE_GO */
};

#endif
