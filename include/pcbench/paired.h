/*
 * Paired timing statistics: the median of per-round ratios (or
 * differences) with a distribution-free 95% confidence interval.
 *
 * Model.  A paired run times every arm once per round, the arms in a fresh
 * random order, in batches short enough that the machine's drift (another
 * tenant, frequency, page-table scans) is nearly the same for all of them
 * within a round.  A round's ratio arm/reference then cancels the drift
 * that separate entries, timed minutes apart, cannot (randomized multiple
 * interleaved trials, Abedi & Brecht, ICPE 2017; duet benchmarking, Bulej
 * et al., ICPE 2020).  Each round is one sample of the ratio; nothing is
 * assumed about its distribution except that rounds are independent draws
 * of it, which random order and layout randomisation between rounds
 * (layout.h; Curtsinger & Berger, ASPLOS 2013) are there to make true.
 *
 * Interval.  For n samples sorted x(1) <= ... <= x(n), the number below
 * the true median is Binomial(n, 1/2), so [x(k), x(n+1-k)] covers the
 * median with probability 1 - 2 P(B <= k-1), B ~ Binomial(n, 1/2).  For
 * a level 1 - alpha, k is the largest rank with 2 P(B <= k-1) <= alpha,
 * i.e. the smallest j with P(B <= j) > alpha/2 (scipy: binom.ppf(alpha/2,
 * n, 0.5)).  The coverage achieved is at least 1 - alpha (exact for a
 * continuous distribution; ties only raise it).  At alpha = 0.05 (95%):
 * n = 10: ranks 2..9, 97.85%; n = 20: 6..15, 95.86%; the smallest n with
 * any interval is 6 (ranks 1..6, 96.875%), in general the smallest n with
 * 2^-n <= alpha/2 (pcb_median_min_n); below it the functions refuse with
 * PCB_ETOOFEW.  A gate over m entries at family-wise alpha uses alpha/m
 * per entry (Bonferroni).  Median: x((n+1)/2), or the mean of the two
 * middle values for even n.
 *
 * No function here allocates; the summaries sort the caller's array in
 * place (qsort) and are meant for after the rounds, not inside a batch.
 */
#ifndef PCBENCH_PAIRED_H
#define PCBENCH_PAIRED_H

#include <stddef.h>
#include <stdint.h>

#define PCB_PAIRED_ALPHA 0.05       /* the default level: 95% */
#define PCB_PAIRED_MIN_N 6          /* smallest n with a 95% interval */
#define PCB_BATCH_CLOCK_PARTS 200   /* clock reads under 1/200 of a batch */

/* Smallest n with a 1 - alpha interval; 0 for alpha not in (0, 1). */
size_t pcb_median_min_n(double alpha);

/* 1-based ranks of the 1 - alpha interval of the median of n samples, and
 * its exact coverage.  0, PCB_EINVAL for alpha not in (0, 1), or
 * PCB_ETOOFEW for n < pcb_median_min_n(alpha). */
int pcb_median_ranks(size_t n, double alpha, size_t *lo, size_t *hi,
                     double *coverage);

struct pcb_median_ci {
  double median, lo, hi; /* the interval [lo, hi] holds the median */
  double coverage;       /* achieved, >= 1 - alpha */
  size_t n;
};

/* Sorts v[0..n) in place and summarises it at level 1 - alpha.  0,
 * PCB_ETOOFEW, or PCB_EINVAL (a NaN among the values, or a bad alpha). */
int pcb_median_ci(double *v, size_t n, double alpha,
                  struct pcb_median_ci *out);

struct pcb_paired {
  struct pcb_median_ci ratio; /* arm / ref per round */
  struct pcb_median_ci diff;  /* arm - ref per round, in the input's unit */
  double p_sign;              /* sign test of the differences, two-sided */
};

/* Per-round times of a reference and an arm (same unit, e.g. ns per
 * iteration), n rounds, intervals at 1 - alpha (PCB_PAIRED_ALPHA for 95%);
 * scratch holds n doubles.  0, PCB_ETOOFEW, or PCB_EINVAL (a bad alpha, a
 * time <= 0 or not finite in ref, or not finite in arm). */
int pcb_paired_summarise(const double *ref, const double *arm, size_t n,
                         double alpha, double *scratch,
                         struct pcb_paired *out);

/* Two-sided sign test: n_above samples above and n_below below the null
 * median (ties dropped); 2 min(P(B <= a), P(B >= a)) capped at 1, with
 * B ~ Binomial(n_above + n_below, 1/2).  1 for no samples. */
double pcb_sign_test_p(size_t n_above, size_t n_below);

/* Iterations per batch so that timing a batch (clock_ns: the cost of its
 * pair of clock reads, e.g. struct pcb_clock's floor_ns) stays under
 * 1/PCB_BATCH_CLOCK_PARTS (0.5%) of it: the smallest N >= 1 with
 * PCB_BATCH_CLOCK_PARTS * clock_ns < N * iter_ns.  0, or
 * PCB_EINVAL (iter_ns not > 0, clock_ns < 0, either not finite), or
 * PCB_EBATCH when N would exceed max_iters. */
int pcb_batch_iters(double clock_ns, double iter_ns, uint64_t max_iters,
                    uint64_t *iters);

#endif
