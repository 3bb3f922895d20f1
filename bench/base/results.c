/* See results.h. */
#include <stdio.h>
#include <string.h>

#include "pcbench/error.h"
#include "results.h"

static int copy_lines(FILE *in, FILE *out, char *err, size_t errlen)
{
  char line[4096];
  int lineno = 0;

  while (fgets(line, sizeof(line), in)) {
    lineno++;
    if (strstr(line, ": NaN") != NULL || strstr(line, ": -NaN") != NULL ||
        strstr(line, ": Infinity") != NULL ||
        strstr(line, ": -Infinity") != NULL) {
      snprintf(err, errlen, "a non-finite number at line %d", lineno);
      return PCB_EINVAL;
    }
    fputs(line, out);
  }
  return ferror(in) ? PCB_ESYS : 0;
}

int pcb_results_sanitize(const char *in_path, const char *out_path, char *err,
                         size_t errlen)
{
  FILE *in = fopen(in_path, "r");
  FILE *out;
  int rc;

  if (in == NULL) {
    snprintf(err, errlen, "cannot read %s", in_path);
    return PCB_ESYS;
  }
  out = fopen(out_path, "w");
  if (out == NULL) {
    snprintf(err, errlen, "cannot write %s", out_path);
    fclose(in);
    return PCB_ESYS;
  }
  rc = copy_lines(in, out, err, errlen);
  fclose(in);
  if (fclose(out) != 0 && rc == 0) {
    snprintf(err, errlen, "cannot write %s", out_path);
    rc = PCB_ESYS;
  }
  return rc;
}
