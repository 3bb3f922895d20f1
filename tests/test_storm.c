/* The storm's power (bench/suites/storm_power.c): the exact Poisson lower
 * bound, a q that rises with the control's wrong captures and falls with
 * its overlaps, and each verdict. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "suites/storm_power.h"

/* lambda with P(Poisson(lambda) >= k) = 0.001, from scipy 1.10 (Debian
 * 12's python3-scipy): chi2.ppf(0.001, 2 * k) / 2, each checked with
 * poisson.sf(k - 1, lambda) = 0.001. */
static const struct { uint64_t k; double lambda; } reference[] = {
  { 1, 0.001000500333583534 },   { 2, 0.045402017769489544 },
  { 9, 2.452424404363775 },      { 10, 2.96052037274376 },
  { 100, 71.9213974950004 },     { 1000, 905.1207909349766 },
  { 100000, 99025.63189050092 },
};

static void poisson_bound_is_exact(void **state)
{
  (void)state;
  assert_true(pcb__poisson_lower(0, 0.001) == 0);
  for (size_t i = 0; i < sizeof(reference) / sizeof(reference[0]); i++) {
    double got = pcb__poisson_lower(reference[i].k, 0.001);

    assert_true(fabs(got / reference[i].lambda - 1) < 1e-9);
  }
}

/* q rises with the wrong captures at every count (no floor below some
 * count, no step at one), falls with the overlaps, and N moves the other
 * way: 10 wrong can never need more overlaps than 9. */
static void q_is_monotone(void **state)
{
  static const uint64_t overlaps[] = { 30, 3000, 1000000 };

  (void)state;
  for (size_t o = 0; o < sizeof(overlaps) / sizeof(overlaps[0]); o++) {
    double prev = 0;
    uint64_t prev_need = UINT64_MAX;

    for (uint64_t k = 1; k <= 300 && k <= overlaps[o]; k++) {
      double q = pcb__storm_q(k, overlaps[o]);
      uint64_t need = pcb__storm_needed(q);

      assert_true(q > prev);
      assert_true(need <= prev_need);
      assert_true(pcb__storm_q(k, overlaps[o] + 1) < q);
      prev = q;
      prev_need = need;
    }
  }
  /* the case that once read as q = 0.05: 9 wrong in 3000 overlaps bound
   * q at 2.4524 / 3000, so 8447 overlaps are needed, not 135 */
  assert_true(fabs(pcb__storm_q(9, 3000) - 2.452424404363775 / 3000) < 1e-12);
  assert_int_equal(pcb__storm_needed(pcb__storm_q(9, 3000)), 8447);
  assert_true(pcb__storm_needed(pcb__storm_q(10, 3000)) < 8447);
  assert_true(pcb__storm_q(0, 3000) == 0);
}

struct verdict_case {
  struct pcb_storm_counts e;
  bool with_control;
  struct pcb_storm_counts c;
  bool deferred;
  enum pcb_storm_verdict want;
  const char *says;
};

/* The control of most cases: 30 wrong in 200 overlaps, q = 0.07935,
 * N = 84 (scipy: chi2.ppf(0.001, 60) / 2 / 200). */
#define CONTROL { true, false, 1000, 970, 50, 150, 200 }
#define GUARDED(correct, overlaps) \
  { false, false, 1000, correct, 0, 300, overlaps }

static const struct verdict_case cases[] = {
  { GUARDED(1000, 84), true, CONTROL, false, PCB_STORM_OK,
    "ok (84 overlaps, need 84: power 0.999" },
  { GUARDED(1000, 83), true, CONTROL, false, PCB_STORM_TOO_FEW,
    "FAIL: too few nested events to judge (83 overlaps, need 84 for 99.9% "
    "power against a corruption rate >= 0.07935" },
  { GUARDED(999, 500), true, CONTROL, false, PCB_STORM_WRONG,
    "FAIL: a strategy other than the negative control went wrong" },
  { GUARDED(1000, 500), false, CONTROL, false, PCB_STORM_UNBOUNDED,
    "cannot judge: no negative control ran at this point" },
  { GUARDED(1000, 500), true, { true, false, 1000, 1000, 50, 150, 200 },
    false, PCB_STORM_UNBOUNDED,
    "cannot judge: the negative control went wrong 0 times in 200" },
  { CONTROL, false, CONTROL, false, PCB_STORM_OK,
    "ok: the check caught the negative control (30 wrong in 200 overlaps" },
  { { true, false, 1000, 1000, 50, 150, 200 }, false, CONTROL, false,
    PCB_STORM_MISSED, "FAIL: the check did not catch the negative control "
    "(0 wrong in 200 overlaps)" },
  { { false, true, 1000, 1000, 40, 0, 3 }, true, CONTROL, false,
    PCB_STORM_OK, "ok (no capture" },
  { { false, false, 1000, 1000, 0, 0, 0 }, true, CONTROL, false,
    PCB_STORM_NO_STORM, "FAIL: no nested event arrived" },
  { GUARDED(1000, 0), false, CONTROL, true, PCB_STORM_DEFERRED,
    "not judged: this build defers signal handlers" },
  { GUARDED(1000, 0), true, CONTROL, true, PCB_STORM_DEFERRED,
    "not judged" },
  { GUARDED(1000, 5), false, CONTROL, true, PCB_STORM_DEFERRED,
    "not judged" },
  { { true, false, 1000, 1000, 50, 150, 0 }, false, CONTROL, true,
    PCB_STORM_DEFERRED, "not judged" },
  { GUARDED(1000, 90), true, CONTROL, true, PCB_STORM_OK, "ok (90 overlaps" },
};

static void verdicts(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct verdict_case *v = &cases[i];
    const struct pcb_storm_counts *c = v->with_control ? &v->c : NULL;
    struct pcb_storm_judgement j = pcb__storm_judge(&v->e, c, v->deferred);
    char line[320];

    pcb__storm_say(&v->e, c, &j, "thread_unguarded", line, sizeof(line));
    if (j.verdict != v->want || strstr(line, v->says) == NULL)
      fail_msg("case %zu: verdict %d, want %d: %s", i, j.verdict, v->want,
               line);
    assert_true((j.q > 0) == (j.needed > 0));
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(poisson_bound_is_exact),
    cmocka_unit_test(q_is_monotone),
    cmocka_unit_test(verdicts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
