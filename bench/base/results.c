/* See results.h.  Relies on Google Benchmark's JSON layout: one key per
 * line, and an aggregate's "aggregate_name" before its counters. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pcbench/error.h"
#include "results.h"

/*
 * A bare NaN value: the line is `<blanks>"key": NaN` or `-NaN`, with an
 * optional comma, and nothing else.  ": NaN" inside a string (a context
 * value given with --benchmark_context, say) is text, not a NaN.
 */
static bool has_nan(const char *line, const char **at)
{
  const char *p = line + strspn(line, " \t"), *v;

  *at = NULL;
  if (*p != '"' || (p = strchr(p + 1, '"')) == NULL ||
      strncmp(p + 1, ": ", 2) != 0)
    return false;
  v = p + 3 + (p[3] == '-');
  if (strncmp(v, "NaN", 3) != 0)
    return false;
  v += 3 + (v[3] == ',');
  if (strcmp(v, "\n") != 0 && *v != '\0')
    return false;
  *at = p + 1;
  return true;
}

static int copy_lines(FILE *in, FILE *out, char *err, size_t errlen)
{
  char line[4096];
  bool in_cv = false;
  int lineno = 0;

  while (fgets(line, sizeof(line), in)) {
    const char *at;

    lineno++;
    if (strstr(line, "{") != NULL)
      in_cv = false;
    if (strstr(line, "\"aggregate_name\": \"cv\"") != NULL)
      in_cv = true;
    if (has_nan(line, &at)) {
      if (!in_cv) {
        snprintf(err, errlen, "NaN outside a cv aggregate at line %d",
                 lineno);
        return PCB_EINVAL;
      }
      fprintf(out, "%.*s: 0%s", (int)(at - line), line,
              strchr(at, ',') ? ",\n" : "\n");
      continue;
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
