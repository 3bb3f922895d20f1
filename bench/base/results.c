/* See results.h. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pcbench/error.h"
#include "results.h"

/*
 * A bare non-finite value: the line is `<blanks>"key": NaN` (or -NaN,
 * Infinity, -Infinity), with an optional comma, and nothing else.  The
 * shim's reporter writes none; this is the backstop.  ": NaN" inside a
 * string (a --benchmark_context value, say) is text, not a number.
 */
static bool bare_non_finite(const char *line)
{
  static const char *const words[] = { "NaN", "Infinity" };
  const char *p = line + strspn(line, " \t"), *v;

  if (*p != '"' || (p = strchr(p + 1, '"')) == NULL ||
      strncmp(p + 1, ": ", 2) != 0)
    return false;
  v = p + 3 + (p[3] == '-');
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    size_t n = strlen(words[i]);

    if (strncmp(v, words[i], n) == 0) {
      const char *end = v + n + (v[n] == ',');

      return strcmp(end, "\n") == 0 || *end == '\0';
    }
  }
  return false;
}

static int copy_lines(FILE *in, FILE *out, char *err, size_t errlen)
{
  char line[4096];
  int lineno = 0;

  while (fgets(line, sizeof(line), in)) {
    lineno++;
    if (bare_non_finite(line)) {
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
