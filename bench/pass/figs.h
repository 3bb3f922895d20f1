/*
 * What a point's untimed passes (pass/) found, kept with its entry and
 * reported with every repetition.
 */
#ifndef PCBENCH_FIGS_H
#define PCBENCH_FIGS_H

#include <stdbool.h>
#include <stdint.h>

#include "pass/stackfig.h"

/* The quantiles of the latency pass written out whole, as counters
 * lat_q<q>_ns with q's decimal point as '_' (lat_q0_5_ns, lat_q0_99_ns,
 * lat_q1_ns = max): enough points for a percentile curve. */
#define PCB_LAT_LADDER_N 12
extern const char *const pcb_lat_ladder_names[PCB_LAT_LADDER_N];

struct pcb_point_figs {
  bool checked;
  uint64_t nchecked, ncorrect, ntruncated;
  bool timed_each;
  uint64_t p50, p99, p999, max;
  /* the same distribution at each of the ladder's quantiles */
  uint64_t lat_q[PCB_LAT_LADDER_N];
  /* the record call alone, over the latency pass's events */
  uint64_t event_n, event_p50, event_p99;
  double event_mean;
  struct pcb_stack_figs stack;
  double ns_per_iter;         /* the last timed run, by the runner's clock */
  uint64_t nested, nested_lost;  /* under a storm */
  uint64_t overlaps;             /* nested events inside an outer record */
};

#endif
