/* The results check: a file is copied unchanged; a bare NaN or Infinity
 * anywhere (the shim's reporter writes none) refuses it. */
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

static void copied_unchanged(void **state)
{
  const char *json = "{\n  \"aggregate_name\": \"cv\",\n  \"lost\": 0,\n"
                     "  \"name\": \"NaN\"\n}\n";
  char out[512];

  (void)state;
  assert_int_equal(run(json, out, sizeof(out)), 0);
  assert_string_equal(out, json);
}

static void nan_refused(void **state)
{
  char out[512];

  (void)state;
  assert_int_equal(run("[{\n  \"aggregate_name\": \"cv\",\n"
                       "  \"lost\": NaN\n}]\n", out, sizeof(out)),
                   PCB_EINVAL);
  assert_int_equal(run("[{\n  \"x\": -Infinity\n}]\n", out, sizeof(out)),
                   PCB_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(copied_unchanged),
    cmocka_unit_test(nan_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
