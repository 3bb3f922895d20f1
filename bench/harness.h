/*
 * The harness: turns a configuration into Google Benchmark entries, one
 * per (workload, strategy, depth, frames[, placement]) point plus one
 * thread-start entry per (strategy, depth), and runs them.
 */
#ifndef PCBENCH_HARNESS_H
#define PCBENCH_HARNESS_H

#include "cli.h"

/* Registers every entry of the matrix; 0 or PCB_E*. */
int pcb_harness_setup(const struct pcb_config *cfg);
/* The entry being run, for an interrupted run's message. */
const char *pcb_harness_current(void);
/* Every entry's body calls this first: it names the entry on stderr the
 * first time it runs, and remembers it as the current one. */
void pcb_harness_progress(const char *name);
/* After the run: one line per storm entry saying whether the correctness
 * check held (guarded strategies all correct, the negative control
 * caught); returns how many did not. */
int pcb_harness_verdicts(void);
void pcb_harness_teardown(void);

#endif
