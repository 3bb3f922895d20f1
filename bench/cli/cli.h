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

#include "cli/action.h"
#include "config.h"

/* Fills cfg from argv.  On PCB_CLI_EXIT_USAGE, err holds the one line to
 * print; on PCB_CLI_HELP, _LIST or _VERSION the caller prints that text
 * (pcb_cli_print) and exits 0. */
enum pcb_cli_action pcb_cli_parse(int argc, char **argv,
                                  struct pcb_config *cfg, char *err,
                                  size_t errlen);
/* --help, --list or --version (help.c). */
void pcb_cli_print(enum pcb_cli_action a);

#endif
