/*
 * The results file after Google Benchmark wrote it.  Its JSON writer puts
 * bare NaN tokens (invalid JSON) where a coefficient of variation divides
 * by a zero mean -- a counter that was 0 in every repetition, such as
 * `lost`.  All values being equal, the variation is 0, so such a cv is
 * written as 0.  A NaN anywhere else is an error: the file is refused.
 */
#ifndef PCBENCH_RESULTS_H
#define PCBENCH_RESULTS_H

#include <stddef.h>

/* Rewrites `in` to `out`; 0, or PCB_EINVAL (err says where) / PCB_ESYS. */
int pcb_results_sanitize(const char *in, const char *out, char *err,
                         size_t errlen);

#endif
