/*
 * The results file after Google Benchmark wrote it, checked on its way to
 * --out.  The shim's JSON reporter already writes strict JSON (a cv of a
 * value that was 0 in every repetition as 0; gbshim.h); this is the
 * backstop: a bare NaN or Infinity token refuses the file.
 */
#ifndef PCBENCH_RESULTS_H
#define PCBENCH_RESULTS_H

#include <stddef.h>

/* Copies `in` to `out`; 0, or PCB_EINVAL (err says where) / PCB_ESYS. */
int pcb_results_sanitize(const char *in, const char *out, char *err,
                         size_t errlen);

#endif
