/* The storm's power; see storm_power.h. */
#include <math.h>
#include <stdio.h>

#include "suites/storm_power.h"

/* Q(a, x) / (e^-x x^a / Gamma(a)): the continued fraction of the upper
 * regularized incomplete gamma function (modified Lentz), for x >= a + 1. */
static double gamma_q_fraction(double a, double x)
{
  double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;

  for (int i = 1; i < 1000000; i++) {
    double an = -i * (i - a), delta;

    b += 2;
    d = an * d + b;
    d = 1 / (fabs(d) < 1e-300 ? 1e-300 : d);
    c = b + an / c;
    c = fabs(c) < 1e-300 ? 1e-300 : c;
    delta = d * c;
    h *= delta;
    if (fabs(delta - 1) < 1e-14)
      break;
  }
  return h;
}

/*
 * P(a, x), the regularized lower incomplete gamma function, for a >= 1,
 * x >= 0: P(Poisson(x) >= a) for a whole.  Its series below a + 1, else
 * 1 - Q by the continued fraction, each to a relative 1e-14; both
 * converge in O(sqrt(a)) terms near x = a.
 */
static double gamma_p(double a, double x)
{
  double front, term, sum;

  if (x <= 0)
    return 0;
  front = exp(-x + a * log(x) - lgamma(a));
  if (x >= a + 1)
    return 1 - front * gamma_q_fraction(a, x);
  term = sum = 1 / a;
  for (int n = 1; n < 1000000 && term > sum * 1e-14; n++) {
    term *= x / (a + n);
    sum += term;
  }
  return sum * front;
}

double pcb__poisson_lower(uint64_t k, double alpha)
{
  double lo = 0, hi = (double)k;

  if (k == 0)
    return 0;
  /* P(Poisson(x) >= k) rises with x from 0 to past 1/2 at x = k */
  for (int i = 0; i < 200 && hi - lo > hi * 1e-13; i++) {
    double mid = (lo + hi) / 2;

    if (gamma_p((double)k, mid) < alpha)
      lo = mid;
    else
      hi = mid;
  }
  return (lo + hi) / 2;
}

double pcb__storm_q(uint64_t wrong, uint64_t overlaps)
{
  double q;

  if (wrong == 0 || overlaps == 0)
    return 0;
  q = pcb__poisson_lower(wrong, 1 - PCB_STORM_CONFIDENCE) / (double)overlaps;
  return q < 1 ? q : 1;
}

uint64_t pcb__storm_needed(double q)
{
  return q >= 1 ? 1 : (uint64_t)ceil(log(1 - PCB_STORM_POWER) / log1p(-q));
}

static double power_of(double q, uint64_t n)
{
  return q >= 1 ? 1 : -expm1((double)n * log1p(-q));
}

struct pcb_storm_judgement pcb__storm_judge(const struct pcb_storm_counts *e,
                                            const struct pcb_storm_counts *c,
                                            bool deferred)
{
  struct pcb_storm_judgement j = { PCB_STORM_OK, 0, 0, 0 };
  bool all = e->checked > 0 && e->correct == e->checked;
  const struct pcb_storm_counts *ref = e->control ? e : c;

  if (ref != NULL)
    j.q = pcb__storm_q(ref->checked - ref->correct, ref->overlaps);
  if (j.q > 0) {
    j.needed = pcb__storm_needed(j.q);
    j.power = power_of(j.q, e->overlaps);
  }
  if (e->nested + e->nested_lost == 0)  /* no storm: nothing was tested */
    j.verdict = PCB_STORM_NO_STORM;
  else if (e->control && !all)
    j.verdict = PCB_STORM_OK;  /* caught */
  else if (!all)
    j.verdict = PCB_STORM_WRONG;
  else if (e->no_capture)
    j.verdict = PCB_STORM_OK;  /* nothing to corrupt */
  else if (deferred && (j.q <= 0 || e->overlaps < j.needed))
    j.verdict = PCB_STORM_DEFERRED;  /* nothing nested could overlap */
  else if (e->control)
    j.verdict = PCB_STORM_MISSED;
  else if (j.q <= 0)
    j.verdict = PCB_STORM_UNBOUNDED;
  else if (e->overlaps < j.needed)
    j.verdict = PCB_STORM_TOO_FEW;
  return j;
}

void pcb__storm_say(const struct pcb_storm_counts *e,
                    const struct pcb_storm_counts *c,
                    const struct pcb_storm_judgement *j,
                    const char *control_name, char *buf, size_t len)
{
  unsigned long long n = e->overlaps, need = j->needed;
  unsigned long long k = c ? c->checked - c->correct : 0, m = c ? c->overlaps
                                                                 : 0;

  switch (j->verdict) {
  case PCB_STORM_NO_STORM:
    snprintf(buf, len, "FAIL: no nested event arrived (raise --storm or "
                       "--storm-events)");
    break;
  case PCB_STORM_WRONG:
    snprintf(buf, len, "FAIL: a strategy other than the negative control "
                       "went wrong");
    break;
  case PCB_STORM_MISSED:
    snprintf(buf, len, "FAIL: the check did not catch the negative control "
                       "(0 wrong in %llu overlaps)", n);
    break;
  case PCB_STORM_DEFERRED:
    snprintf(buf, len, "not judged: this build defers signal handlers to "
                       "safe points (%llu overlaps)", n);
    break;
  case PCB_STORM_UNBOUNDED:
    if (c == NULL)
      snprintf(buf, len, "cannot judge: no negative control ran at this "
               "point, so nothing bounds the rate a broken strategy would "
               "go wrong at (add %s to --strategies)", control_name);
    else
      snprintf(buf, len, "cannot judge: the negative control went wrong 0 "
               "times in %llu overlaps here, so no rate can be bounded", m);
    break;
  case PCB_STORM_TOO_FEW:
    snprintf(buf, len, "FAIL: too few nested events to judge (%llu overlaps, "
             "need %llu for 99.9%% power against a corruption rate >= %.4g "
             "per overlap; power %.4f)", n, need, j->q, j->power);
    break;
  case PCB_STORM_OK:
    if (e->control)
      snprintf(buf, len, "ok: the check caught the negative control (%llu "
               "wrong in %llu overlaps: a corruption rate >= %.4g per "
               "overlap, at 99.9%% confidence)",
               (unsigned long long)(e->checked - e->correct), n, j->q);
    else if (e->no_capture)
      snprintf(buf, len, "ok (no capture: nothing to corrupt)");
    else
      snprintf(buf, len, "ok (%llu overlaps, need %llu: power %.6f against "
               "a corruption rate >= %.4g per overlap, the control's %llu "
               "wrong in %llu)", n, need, j->power, j->q, k, m);
    break;
  }
}
