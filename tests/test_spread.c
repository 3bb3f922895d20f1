/*
 * The across-layout interval: Student's t quantiles against the exact
 * ones (mpmath at 40 digits, the root of 1 - I_x(df/2, 1/2)/2 = p; scipy's
 * stats.t.ppf is off from them by up to 2e-9 relative, this by under
 * 1e-12), and the two-level summary on groups whose medians are known.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pcbench/error.h"
#include "pcbench/spread.h"

static void t_quantiles_match_scipy(void **state)
{
  static const struct { double df, q975, q995; } ref[] = {
    { 1, 12.706204736174693, 63.656741162871524 },
    { 2, 4.3026527297494618, 9.9248432009182886 },
    { 3, 3.1824463052837084, 5.8409093097333554 },
    { 5, 2.5705818356363148, 4.0321429835552272 },
    { 8, 2.3060041352041661, 3.3553873313333949 },
    { 10, 2.2281388519862742, 3.1692726726169507 },
    { 30, 2.0422724563012379, 2.749995653567225 },
    { 100, 1.9839715185235519, 2.6258905214380176 },
    { 1000, 1.9623390808264081, 2.5807546980659508 },
  };

  (void)state;
  for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
    assert_true(fabs(pcb_t_quantile(0.975, ref[i].df) - ref[i].q975) <
                1e-12 * ref[i].q975);
    assert_true(fabs(pcb_t_quantile(0.995, ref[i].df) - ref[i].q995) <
                1e-12 * ref[i].q995);
    assert_true(fabs(pcb_t_quantile(0.025, ref[i].df) + ref[i].q975) <
                1e-12 * ref[i].q975);
  }
  assert_true(fabs(pcb_t_quantile(0.5, 7)) < 1e-12);
  assert_true(isnan(pcb_t_quantile(0, 5)));
  assert_true(isnan(pcb_t_quantile(0.5, 0)));
}

/* Three groups with medians 1, 2, 3 (odd and even sizes): mean 2, sd 1,
 * and 2 +- t(0.975, 2) / sqrt(3).  Group 3 is empty and does not count. */
static void groups_summarised_by_their_medians(void **state)
{
  const double v[] = { 0.5, 1, 7, /* g0: median 1 */ 2, /* g1 */
                       2.5, 3.5, -10, 30 /* g2: median 3 */ };
  const unsigned g[] = { 0, 0, 0, 1, 2, 2, 2, 2 };
  double scratch[8];
  struct pcb_groups_ci ci;
  double half = 4.3026527297494618 / sqrt(3);

  (void)state;
  assert_int_equal(pcb_groups_ci(v, g, 8, 4, 0.05, scratch, &ci), 0);
  assert_int_equal(ci.groups, 3);
  assert_true(fabs(ci.mean - 2) < 1e-12);
  assert_true(fabs(ci.sd - 1) < 1e-12);
  assert_true(fabs(ci.lo - (2 - half)) < 1e-9);
  assert_true(fabs(ci.hi - (2 + half)) < 1e-9);
}

/* The groups' own spread: all of sd when each group is constant; sd^2
 * less the medians' noise, (pi/2)(1.4826 MAD)^2/k, when they are not. */
static void between_groups_without_their_noise(void **state)
{
  const double flat[] = { 1, 1, 1, 2, 2, 2, 3, 3, 3 };
  const double noisy[] = { 2, 3, 4, 4, 5, 6 };
  const unsigned g3[] = { 0, 0, 0, 1, 1, 1, 2, 2, 2 };
  double scratch[9], s2 = 1.4826 * 1.4826, want;
  struct pcb_groups_ci ci;

  (void)state;
  assert_int_equal(pcb_groups_ci(flat, g3, 9, 3, 0.05, scratch, &ci), 0);
  assert_true(fabs(ci.sd - 1) < 1e-12);
  assert_true(fabs(ci.between_sd - 1) < 1e-12);
  assert_int_equal(pcb_groups_ci(noisy, g3, 6, 2, 0.05, scratch, &ci), 0);
  want = sqrt(2 - M_PI / 2 * s2 / 3);  /* medians 3 and 5: sd^2 = 2 */
  assert_true(fabs(ci.sd * ci.sd - 2) < 1e-12);
  assert_true(fabs(ci.between_sd - want) < 1e-12);
}

/* Each group's own median, in group order, NaN for the empty one: the
 * same medians the summary above averages. */
static void each_groups_median(void **state)
{
  const double v[] = { 0.5, 1, 7, 2, 2.5, 3.5, -10, 30 };
  const unsigned g[] = { 0, 0, 0, 2, 3, 3, 3, 3 };
  const unsigned out[] = { 0, 9 };
  double scratch[8], med[4];

  (void)state;
  assert_int_equal(pcb_groups_medians(v, g, 8, 4, scratch, med), 0);
  assert_true(med[0] == 1 && isnan(med[1]) && med[2] == 2 && med[3] == 3);
  assert_int_equal(pcb_groups_medians(v, out, 2, 4, scratch, med),
                   PCB_EINVAL);
}

static void refusals(void **state)
{
  const double v[] = { 1, 2, 3 }, bad[] = { 1, NAN, 3 };
  const unsigned one[] = { 0, 0, 0 }, out[] = { 0, 1, 5 }, two[] = { 0, 1, 1 };
  double scratch[3];
  struct pcb_groups_ci ci;

  (void)state;
  assert_int_equal(pcb_groups_ci(v, one, 3, 2, 0.05, scratch, &ci),
                   PCB_ETOOFEW);
  assert_int_equal(pcb_groups_ci(v, out, 3, 2, 0.05, scratch, &ci),
                   PCB_EINVAL);
  assert_int_equal(pcb_groups_ci(bad, two, 3, 2, 0.05, scratch, &ci),
                   PCB_EINVAL);
  assert_int_equal(pcb_groups_ci(v, two, 3, 2, 1.5, scratch, &ci),
                   PCB_EINVAL);
  assert_int_equal(pcb_groups_ci(v, two, 3, PCB_GROUPS_MAX + 1, 0.05,
                                 scratch, &ci), PCB_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(t_quantiles_match_scipy),
    cmocka_unit_test(groups_summarised_by_their_medians),
    cmocka_unit_test(between_groups_without_their_noise),
    cmocka_unit_test(each_groups_median),
    cmocka_unit_test(refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
