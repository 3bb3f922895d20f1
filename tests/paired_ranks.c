/*
 * Prints core/paired.c's median ranks and sign-test p-values over a grid,
 * for tests/scripts/test_ranks.py to hold pcbtools.stats (scipy) to the
 * same rule.  Usage: paired_ranks N_MAX ALPHA...  One line per case:
 *   ranks ALPHA N LO HI COVERAGE   for every N from the smallest with an
 *                                  interval up to N_MAX
 *   sign ABOVE BELOW P             for ABOVE, BELOW in 0..40
 * Exit 2 on bad arguments, 1 if a function refuses a valid case.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pcbench/paired.h"

int main(int argc, char **argv)
{
  char *end;
  long n_max = argc > 2 ? strtol(argv[1], &end, 10) : 0;

  if (argc < 3 || *end || n_max < 1) {
    fprintf(stderr, "usage: paired_ranks N_MAX ALPHA...\n");
    return 2;
  }
  for (int a = 2; a < argc; a++) {
    double alpha = strtod(argv[a], &end);
    size_t min_n = pcb_median_min_n(alpha);

    if (*end || min_n == 0) {
      fprintf(stderr, "paired_ranks: bad alpha '%s'\n", argv[a]);
      return 2;
    }
    for (size_t n = min_n; n <= (size_t)n_max; n++) {
      size_t lo, hi;
      double coverage;

      if (pcb_median_ranks(n, alpha, &lo, &hi, &coverage) != 0)
        return 1;
      printf("ranks %.17g %zu %zu %zu %.17g\n", alpha, n, lo, hi, coverage);
    }
  }
  for (size_t above = 0; above <= 40; above++)
    for (size_t below = 0; below <= 40; below++)
      printf("sign %zu %zu %.17g\n", above, below,
             pcb_sign_test_p(above, below));
  return 0;
}
