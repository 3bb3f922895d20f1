/*
 * An interval that covers what moves between layouts: the two-level
 * summary of paired rounds (after Kalibera & Jones, "Rigorous
 * benchmarking in reasonable time", ISMM 2013).
 *
 * Model.  Each paired round runs on one copy of the event path (a code
 * layout, bench/layout/); a layout shifts every round run on it by an
 * amount of its own, which more rounds on it cannot average away.  So
 * the rounds are grouped by layout, each group summarised by its median,
 * and the interval is a Student-t interval of the mean of those medians
 * over g - 1 degrees of freedom: it covers the variation between layouts
 * as well as within, and narrows with more layouts, not more rounds.
 * The point is the mean of the group medians: the answer averaged over
 * code placements, which is what a build that draws another placement
 * moves around.  Nothing here allocates.
 */
#ifndef PCBENCH_SPREAD_H
#define PCBENCH_SPREAD_H

#include <stddef.h>

#define PCB_GROUPS_MAX 256  /* groups (layouts) one summary takes */

struct pcb_groups_ci {
  double mean, lo, hi;  /* the mean of the group medians, its interval */
  double sd;            /* their standard deviation */
  double between_sd;    /* the groups' own part of it: sd^2 less the
                         * medians' mean sampling variance (method of
                         * moments), at least 0 -- what another set of
                         * rounds on the same groups would not move */
  size_t groups;        /* groups with at least one sample */
};

/* Quantile p of Student's t with df > 0 degrees of freedom (NaN for p
 * not in (0, 1) or df not > 0). */
double pcb_t_quantile(double p, double df);

/* v[0..n): samples, group[i] < ngroups <= PCB_GROUPS_MAX the group of
 * sample i; intervals at 1 - alpha.  scratch: n doubles.  0, PCB_ETOOFEW
 * (fewer than two groups with samples), or PCB_EINVAL (a bad alpha, too
 * many groups, a group out of range, a value not finite). */
int pcb_groups_ci(const double *v, const unsigned *group, size_t n,
                  unsigned ngroups, double alpha, double *scratch,
                  struct pcb_groups_ci *out);

/* The same groups' medians, med[g] for g < ngroups, NaN for a group with
 * no sample: what a summary over several processes that ran the same
 * groups needs to tell the groups' own spread from each process's noise
 * (the per-layout columns of scripts/pcbtools/pooling.py).  Same
 * arguments and errors as pcb_groups_ci, less alpha. */
int pcb_groups_medians(const double *v, const unsigned *group, size_t n,
                       unsigned ngroups, double *scratch, double *med);

#endif
