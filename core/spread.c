/*
 * The across-layout interval (see include/pcbench/spread.h).
 *
 * Student's t from the regularised incomplete beta function:
 * P(|T| > t) = I_x(df/2, 1/2) with x = df / (df + t^2), evaluated by its
 * continued fraction (modified Lentz), and inverted by bisection, which
 * is monotone and needs no derivative: 200 halvings of [0, 1e6] are far
 * below double precision.  Agrees with the exact quantiles (mpmath) to
 * 1e-12 relative over df 1 to 1000 (tests/test_spread.c).
 */
#include <math.h>
#include <stdlib.h>

#include "pcbench/error.h"
#include "pcbench/spread.h"

/* The continued fraction of I_x(a, b), valid for x < (a+1)/(a+b+2). */
static double beta_cf(double a, double b, double x)
{
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1), h;

  d = 1 / (fabs(d) < tiny ? tiny : d);
  h = d;
  for (int m = 1; m <= 300; m++) {
    double m2 = 2.0 * m, num, del;

    num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    c = 1 + num / c;
    d = 1 / (fabs(d) < tiny ? tiny : d);
    c = fabs(c) < tiny ? tiny : c;
    h *= d * c;
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    c = 1 + num / c;
    d = 1 / (fabs(d) < tiny ? tiny : d);
    c = fabs(c) < tiny ? tiny : c;
    del = d * c;
    h *= del;
    if (fabs(del - 1) < 1e-15)
      break;
  }
  return h;
}

/* Regularised incomplete beta I_x(a, b). */
static double ibeta(double a, double b, double x)
{
  double front;

  if (x <= 0)
    return 0;
  if (x >= 1)
    return 1;
  front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
              b * log1p(-x));
  if (x < (a + 1) / (a + b + 2))
    return front * beta_cf(a, b, x) / a;
  return 1 - front * beta_cf(b, a, 1 - x) / b;
}

/* P(T <= t) for t >= 0. */
static double t_cdf_pos(double t, double df)
{
  return 1 - 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
}

double pcb_t_quantile(double p, double df)
{
  double lo = 0, hi = 1e6, q = p < 0.5 ? 1 - p : p;

  if (!(p > 0 && p < 1) || !(df > 0))
    return NAN;
  for (int i = 0; i < 200; i++) {
    double mid = (lo + hi) / 2;

    if (t_cdf_pos(mid, df) < q)
      lo = mid;
    else
      hi = mid;
  }
  return p < 0.5 ? -(lo + hi) / 2 : (lo + hi) / 2;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double sorted_median(const double *x, size_t k)
{
  return k % 2 ? x[k / 2] : (x[k / 2 - 1] + x[k / 2]) / 2;
}

/* The median of group g's samples, gathered into scratch, and its
 * sampling variance: (pi/2) s^2 / k, s the samples' spread by their
 * median absolute deviation (1.4826 MAD, robust to a preempted round);
 * false if the group is empty. */
static int group_median(const double *v, const unsigned *group, size_t n,
                        unsigned g, double *scratch, double *median,
                        double *var)
{
  size_t k = 0;
  double s;

  for (size_t i = 0; i < n; i++)
    if (group[i] == g)
      scratch[k++] = v[i];
  if (k == 0)
    return 0;
  qsort(scratch, k, sizeof(*scratch), cmp_double);
  *median = sorted_median(scratch, k);
  for (size_t i = 0; i < k; i++)
    scratch[i] = fabs(scratch[i] - *median);
  qsort(scratch, k, sizeof(*scratch), cmp_double);
  s = 1.4826 * sorted_median(scratch, k);
  *var = M_PI / 2 * s * s / (double)k;
  return 1;
}

/* 0, or PCB_EINVAL for too many groups, a group out of range or a value
 * not finite. */
static int check_groups(const double *v, const unsigned *group, size_t n,
                        unsigned ngroups)
{
  if (ngroups > PCB_GROUPS_MAX)
    return PCB_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (group[i] >= ngroups || !isfinite(v[i]))
      return PCB_EINVAL;
  return 0;
}

int pcb_groups_ci(const double *v, const unsigned *group, size_t n,
                  unsigned ngroups, double alpha, double *scratch,
                  struct pcb_groups_ci *out)
{
  double med[PCB_GROUPS_MAX], var[PCB_GROUPS_MAX], sum = 0, ss = 0, noise = 0;
  double t;
  size_t g_n = 0;

  if (!(alpha > 0 && alpha < 1) || check_groups(v, group, n, ngroups) != 0)
    return PCB_EINVAL;
  for (unsigned g = 0; g < ngroups; g++)
    g_n += (size_t)group_median(v, group, n, g, scratch, &med[g_n],
                                &var[g_n]);
  if (g_n < 2)
    return PCB_ETOOFEW;
  for (size_t i = 0; i < g_n; i++)
    sum += med[i];
  out->groups = g_n;
  out->mean = sum / (double)g_n;
  for (size_t i = 0; i < g_n; i++)  /* two passes: no cancellation */
    ss += (med[i] - out->mean) * (med[i] - out->mean);
  out->sd = sqrt(ss / (double)(g_n - 1));
  for (size_t i = 0; i < g_n; i++)
    noise += var[i] / (double)g_n;
  out->between_sd = sqrt(fmax(0, out->sd * out->sd - noise));
  t = pcb_t_quantile(1 - alpha / 2, (double)(g_n - 1));
  out->lo = out->mean - t * out->sd / sqrt((double)g_n);
  out->hi = out->mean + t * out->sd / sqrt((double)g_n);
  return 0;
}

int pcb_groups_medians(const double *v, const unsigned *group, size_t n,
                       unsigned ngroups, double *scratch, double *med)
{
  double var;

  if (check_groups(v, group, n, ngroups) != 0)
    return PCB_EINVAL;
  for (unsigned g = 0; g < ngroups; g++)
    if (!group_median(v, group, n, g, scratch, &med[g], &var))
      med[g] = NAN;
  return 0;
}
