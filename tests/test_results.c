/* The results sanitizer: a NaN cv of an all-zero counter becomes 0; a NaN
 * anywhere else refuses the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pcbench/error.h"
#include "base/results.h"

static char in_path[] = "/tmp/pcb_results_in_XXXXXX";
static char out_path[64];

static int run(const char *json, char *out, size_t outlen)
{
  char err[128];
  int fd = mkstemp(in_path), rc;
  FILE *f = fdopen(fd, "w");

  fputs(json, f);
  fclose(f);
  snprintf(out_path, sizeof(out_path), "%s.out", in_path);
  rc = pcb_results_sanitize(in_path, out_path, err, sizeof(err));
  f = fopen(out_path, "r");
  out[fread(out, 1, outlen - 1, f)] = '\0';
  fclose(f);
  unlink(in_path);
  unlink(out_path);
  strcpy(in_path, "/tmp/pcb_results_in_XXXXXX");
  return rc;
}

static void cv_nan_becomes_zero(void **state)
{
  char out[512];

  (void)state;
  assert_int_equal(run("{\n  \"aggregate_name\": \"cv\",\n  \"lost\": NaN,\n"
                       "  \"x\": -NaN\n}\n", out, sizeof(out)), 0);
  assert_string_equal(out, "{\n  \"aggregate_name\": \"cv\",\n  \"lost\": 0,\n"
                           "  \"x\": 0\n}\n");
}

static void other_nan_refused(void **state)
{
  char out[512];

  (void)state;
  assert_int_equal(run("[{\n  \"aggregate_name\": \"cv\"\n},\n{\n"
                       "  \"correct\": NaN\n}]\n", out, sizeof(out)),
                   PCB_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(cv_nan_becomes_zero),
    cmocka_unit_test(other_nan_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
