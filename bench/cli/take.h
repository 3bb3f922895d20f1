/*
 * One value into its row's place (take.c): checked against the row's
 * type and range, refused with one line.  Internal to cli/.
 */
#ifndef PCBENCH_CLI_TAKE_H
#define PCBENCH_CLI_TAKE_H

#include <stddef.h>

#include "cli/action.h"
#include "cli/options.h"
#include "config.h"

/* err gets the one line; returns PCB_CLI_EXIT_USAGE. */
enum pcb_cli_action pcb__cli_fail(char *err, size_t len, const char *fmt,
                                  ...) __attribute__((format(printf, 3, 4)));
/* v as an error line echoes it: cut at 40 characters, no control
 * character (one of two static buffers). */
const char *pcb__cli_shown(const char *v);
/* value into the row o's place in c, checked; PCB_CLI_RUN or
 * PCB_CLI_EXIT_USAGE with the one line in err. */
enum pcb_cli_action pcb__cli_take(const struct pcb_option *o,
                                  const char *value, struct pcb_config *c,
                                  char *err, size_t errlen);

#endif
