/* The latency histogram against a sorted reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pcbench/hist.h"
#include "pcbench/sample.h"

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return x < y ? -1 : x > y;
}

/* The exact quantile with the histogram's rank rule. */
static uint64_t exact(const uint64_t *sorted, size_t n, double q)
{
  size_t rank = q <= 0 ? 1 : (size_t)(q * (double)n + 0.999999999);

  return sorted[(rank ? rank : 1) - 1];
}

static void quantiles_match_sorted_reference(void **state)
{
  static struct pcb_hist h;
  static const double qs[] = { 0, 0.01, 0.5, 0.9, 0.99, 0.999, 1 };
  enum { N = 100000 };
  uint64_t *v = malloc(N * sizeof(*v)), rng = 12345;

  (void)state;
  for (int shape = 0; shape < 3; shape++) {
    pcb_hist_reset(&h);
    for (size_t i = 0; i < N; i++) {
      uint64_t r = pcb_rand64(&rng);

      /* uniform small, uniform wide, and a heavy tail */
      v[i] = shape == 0 ? r % 100 : shape == 1 ? r % 1000000
                                               : (r % 1000) * (r % 1000) * (r % 7 + 1);
      pcb_hist_record(&h, v[i]);
    }
    qsort(v, N, sizeof(*v), cmp_u64);
    assert_int_equal(h.count, N);
    assert_int_equal(h.min, v[0]);
    assert_int_equal(h.max, v[N - 1]);
    for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
      uint64_t want = exact(v, N, qs[k]), got = pcb_hist_quantile(&h, qs[k]);
      double err = got > want ? (double)(got - want) : (double)(want - got);

      /* half a bucket: 1/64 relative, or exact below 32 */
      assert_true(err <= (double)want / 64.0 + 0.5);
    }
  }
  free(v);
}

static void merge_adds(void **state)
{
  static struct pcb_hist a, b, all;

  (void)state;
  pcb_hist_reset(&a);
  pcb_hist_reset(&b);
  pcb_hist_reset(&all);
  for (uint64_t i = 1; i <= 1000; i++) {
    pcb_hist_record(i % 2 ? &a : &b, i * 37);
    pcb_hist_record(&all, i * 37);
  }
  pcb_hist_merge(&a, &b);
  assert_int_equal(a.count, all.count);
  assert_int_equal(a.min, all.min);
  assert_int_equal(a.max, all.max);
  for (double q = 0; q <= 1; q += 0.125)
    assert_int_equal(pcb_hist_quantile(&a, q), pcb_hist_quantile(&all, q));
}

static void ordered_and_exact_ends(void **state)
{
  static struct pcb_hist h;

  (void)state;
  pcb_hist_reset(&h);
  assert_int_equal(pcb_hist_quantile(&h, 0.5), 0);
  for (uint64_t v = 0; v < 31; v++)
    pcb_hist_record(&h, v);
  assert_int_equal(pcb_hist_quantile(&h, 0.5), 15);  /* exact below 32 */
  pcb_hist_record(&h, UINT64_MAX);
  assert_int_equal(pcb_hist_quantile(&h, 1), UINT64_MAX);
  assert_true(pcb_hist_quantile(&h, 0.5) <= pcb_hist_quantile(&h, 0.99));
  assert_true(pcb_hist_index(UINT64_MAX) < PCB_HIST_BUCKETS);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(quantiles_match_sorted_reference),
    cmocka_unit_test(merge_adds),
    cmocka_unit_test(ordered_and_exact_ends),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
