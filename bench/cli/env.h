/*
 * Google Benchmark's environment variables (env.c).  Internal to cli/.
 */
#ifndef PCBENCH_CLI_ENV_H
#define PCBENCH_CLI_ENV_H

#include <stddef.h>

#include "cli/action.h"
#include "cli/options.h"
#include "config.h"

/* Each BENCHMARK_* variable checked by its row as the flag would be and
 * applied unless the command line set the same thing (`set`, n rows);
 * any other BENCHMARK_* is refused. */
enum pcb_cli_action pcb__cli_env(struct pcb_config *c,
                                 const struct pcb_option *const *set, int n,
                                 char *err, size_t errlen);

#endif
