/*
 * Paired timing statistics (see include/pcbench/paired.h for the model).
 *
 * Why pairing: a round's arms run within milliseconds of each other in a
 * random order, so drift slower than a round multiplies (or adds to) every
 * arm of that round alike and divides out of the round's ratio; what is
 * left varies from round to round around a median that the order
 * statistics bound without assuming any distribution.
 *
 * Binomial(n, 1/2) probabilities are summed in log space (the term for j
 * is C(n, j) / 2^n, and C(n, j+1) = C(n, j) (n-j) / (j+1)), so n in the
 * tens of thousands neither underflows nor overflows.  At 95% the 2.5%
 * tail is never hit exactly (P(B <= j) is a multiple of 2^-n, 0.025 is
 * not); the ranks equal scipy's binom.ppf(0.025, n, 0.5) for every n from
 * 6 to 20000, and the tails agree with binom.cdf within 2e-10 relative.
 * (For an alpha/2 that is itself a multiple of 2^-n, rounding may put an
 * exact tie on either side.)
 * Nothing here allocates or keeps state.
 */
#include <math.h>
#include <stdlib.h>

#include "pcbench/error.h"
#include "pcbench/paired.h"

/* P(B <= k), B ~ Binomial(n, 1/2). */
static double binom_half_cdf(size_t n, size_t k)
{
  double logc = 0, ln2n = (double)n * log(2.0), cdf = 0;

  for (size_t j = 0; j <= k && j <= n; j++) {
    cdf += exp(logc - ln2n);
    logc += log((double)(n - j)) - log((double)(j + 1));
  }
  return cdf < 1 ? cdf : 1;
}

size_t pcb_median_min_n(double alpha)
{
  size_t n = 1;

  if (!(alpha > 0 && alpha < 1))
    return 0;
  while (ldexp(1.0, -(int)n) > alpha / 2)  /* P(B <= 0) = 2^-n */
    n++;
  return n;
}

int pcb_median_ranks(size_t n, double alpha, size_t *lo, size_t *hi,
                     double *coverage)
{
  double logc = 0, ln2n = (double)n * log(2.0), cdf = 0, below = 0;
  size_t j, min_n = pcb_median_min_n(alpha);

  if (min_n == 0)
    return PCB_EINVAL;
  if (n < min_n)
    return PCB_ETOOFEW;
  /* j: the smallest with P(B <= j) > alpha/2; below: P(B <= j-1). */
  for (j = 0; j < n; j++) {
    below = cdf;
    cdf += exp(logc - ln2n);
    if (cdf > alpha / 2)
      break;
    logc += log((double)(n - j)) - log((double)(j + 1));
  }
  *lo = j;
  *hi = n + 1 - j;
  *coverage = 1 - 2 * below;
  return 0;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

int pcb_median_ci(double *v, size_t n, double alpha,
                  struct pcb_median_ci *out)
{
  size_t lo, hi;
  double coverage;
  int rc = pcb_median_ranks(n, alpha, &lo, &hi, &coverage);

  if (rc != 0)
    return rc;
  for (size_t i = 0; i < n; i++)
    if (isnan(v[i]))
      return PCB_EINVAL;
  qsort(v, n, sizeof(*v), cmp_double);
  out->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  out->lo = v[lo - 1];
  out->hi = v[hi - 1];
  out->coverage = coverage;
  out->n = n;
  return 0;
}

int pcb_paired_summarise(const double *ref, const double *arm, size_t n,
                         double alpha, double *scratch,
                         struct pcb_paired *out)
{
  size_t above = 0, below = 0, min_n = pcb_median_min_n(alpha);
  int rc;

  if (min_n == 0)
    return PCB_EINVAL;
  if (n < min_n)
    return PCB_ETOOFEW;
  for (size_t i = 0; i < n; i++)
    if (!(ref[i] > 0) || !isfinite(ref[i]) || !isfinite(arm[i]))
      return PCB_EINVAL;
  for (size_t i = 0; i < n; i++)
    scratch[i] = arm[i] / ref[i];
  rc = pcb_median_ci(scratch, n, alpha, &out->ratio);
  if (rc != 0)
    return rc;
  for (size_t i = 0; i < n; i++) {
    scratch[i] = arm[i] - ref[i];
    above += scratch[i] > 0;
    below += scratch[i] < 0;
  }
  out->p_sign = pcb_sign_test_p(above, below);
  return pcb_median_ci(scratch, n, alpha, &out->diff);
}

double pcb_sign_test_p(size_t n_above, size_t n_below)
{
  size_t m = n_above + n_below;
  size_t k = n_above < n_below ? n_above : n_below;
  double p;

  if (m == 0)
    return 1;
  p = 2 * binom_half_cdf(m, k);  /* the two tails are mirror images */
  return p < 1 ? p : 1;
}

int pcb_batch_iters(double clock_ns, double iter_ns, uint64_t max_iters,
                    uint64_t *iters)
{
  double n;

  if (!isfinite(clock_ns) || !isfinite(iter_ns) || clock_ns < 0 ||
      !(iter_ns > 0))
    return PCB_EINVAL;
  /* PARTS * clock_ns / iter_ns is exact when it is an integer with small
   * operands (PARTS is an integer, not 0.005), so equality is caught and
   * stepped over: the share must be strictly under 1/PARTS. */
  n = floor(PCB_BATCH_CLOCK_PARTS * clock_ns / iter_ns) + 1;
  if (!(n <= (double)max_iters))
    return PCB_EBATCH;
  *iters = (uint64_t)n;
  return 0;
}
