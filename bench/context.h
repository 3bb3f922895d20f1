/*
 * The results' context (context.c): the one writer of every key of the
 * results file's "context" object.
 */
#ifndef PCBENCH_CONTEXT_H
#define PCBENCH_CONTEXT_H

#include <stdbool.h>

#include "config.h"

/* After set-up (the runner, the suites, the layouts), before the run;
 * `bound`: the measuring thread runs on PU0. */
void pcb_context_write(const struct pcb_config *c, bool bound);

#endif
