/* Samplers: Go's nextSample (mean gap = rate, rate 1 samples all) and
 * blocksampled (always at or above rate, else with probability
 * cycles/rate). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pcbench/sample.h"

static void rate_one_samples_every_allocation(void **state)
{
  struct pcb_sampler s;

  (void)state;
  pcb_sampler_init(&s, 1, 42);
  for (int i = 0; i < 10000; i++)
    assert_true(pcb_sampler_take(&s, 1 + (size_t)(i % 64)));
}

static void rate_zero_samples_nothing(void **state)
{
  struct pcb_sampler s;

  (void)state;
  pcb_sampler_init(&s, 0, 42);
  for (int i = 0; i < 10000; i++)
    assert_false(pcb_sampler_take(&s, 4096));
}

static void mean_gap_is_rate(void **state)
{
  static const uint64_t rates[] = { 64, 4096, 512 * 1024 };

  (void)state;
  for (size_t r = 0; r < 3; r++) {
    struct pcb_sampler s;
    double sum = 0;
    const int draws = 200000;

    pcb_sampler_init(&s, rates[r], 7 + r);
    for (int i = 0; i < draws; i++)
      sum += (double)pcb_sampler_gap(&s);
    /* sd of the mean is rate/sqrt(draws) ~ 0.22% of rate: 2% is ~9 sd */
    double mean = sum / draws;
    assert_true(mean > 0.98 * (double)rates[r]);
    assert_true(mean < 1.02 * (double)rates[r]);
  }
}

static void sampled_bytes_fraction(void **state)
{
  struct pcb_sampler s;
  int samples = 0;
  const int allocs = 1000000;

  (void)state;
  pcb_sampler_init(&s, 1024, 3);
  for (int i = 0; i < allocs; i++)
    samples += pcb_sampler_take(&s, 64);
  /* expected allocs * 64 / 1024 = 62500 samples */
  assert_in_range(samples, 60000, 65000);
}

static void block_sampled_rule(void **state)
{
  uint64_t rng = 99;
  int hits = 0;

  (void)state;
  assert_true(pcb_block_sampled(&rng, 1000, 1000));
  assert_true(pcb_block_sampled(&rng, 5000, 1000));
  assert_true(pcb_block_sampled(&rng, 1, 1));
  assert_false(pcb_block_sampled(&rng, 5000, 0));
  assert_false(pcb_block_sampled(&rng, 5000, -1));
  assert_false(pcb_block_sampled(&rng, 0, 1000));
  for (int i = 0; i < 100000; i++)
    hits += pcb_block_sampled(&rng, 250, 1000);
  /* p = 0.25: 25000 expected, sd ~137 */
  assert_in_range(hits, 24000, 26000);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(rate_one_samples_every_allocation),
    cmocka_unit_test(rate_zero_samples_nothing),
    cmocka_unit_test(mean_gap_is_rate),
    cmocka_unit_test(sampled_bytes_fraction),
    cmocka_unit_test(block_sampled_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
