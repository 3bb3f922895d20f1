/*
 * pcbench's command line.  Every option is parsed and validated before
 * anything runs; a bad value yields exit status 2 and one line naming the
 * flag, the value and what is allowed, and nothing is written.  The
 * options themselves are rows of one table (options.h).
 */
#ifndef PCBENCH_CLI_H
#define PCBENCH_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum pcb_cli_action { PCB_CLI_RUN, PCB_CLI_EXIT_OK, PCB_CLI_EXIT_USAGE };

/* Fills cfg from argv.  On PCB_CLI_EXIT_USAGE, err holds the one line to
 * print; on PCB_CLI_EXIT_OK, --help/--list/--version has been printed. */
enum pcb_cli_action pcb_cli_parse(int argc, char **argv,
                                  struct pcb_config *cfg, char *err,
                                  size_t errlen);
void pcb_cli_usage(void);
/* Internal to cli/: what the parser and --help share (cli/help.c). */
struct pcb_option;
struct pcb_choices;
const char *pcb__cli_choices_of(const struct pcb_choices *ch);
const char *pcb__cli_range_of(const struct pcb_option *o);
bool pcb__cli_takes_value(const struct pcb_option *o);
void pcb_cli_list(void);
void pcb_cli_version(void);

#endif
