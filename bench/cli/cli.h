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
void pcb_cli_list(void);
void pcb_cli_version(void);

/* Internal to cli/: what the parser (cli.c), the values (take.c), the
 * environment (env.c) and --help (help.c) share. */
struct pcb_option;
struct pcb_choices;
const char *pcb__cli_choices_of(const struct pcb_choices *ch);
const char *pcb__cli_range_of(const struct pcb_option *o);
bool pcb__cli_takes_value(const struct pcb_option *o);
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
/* The row named by the first len bytes of name, or NULL. */
const struct pcb_option *pcb__cli_find(const char *name, size_t len);
/* Rows a and b set the same thing (one row, or two names of one field). */
bool pcb__cli_same_setting(const struct pcb_option *a,
                           const struct pcb_option *b);
/* Google Benchmark's environment variables (BENCHMARK_*), each checked by
 * its row as the flag would be and applied unless the command line set
 * the same thing (`set`, n rows); any other BENCHMARK_* is refused. */
enum pcb_cli_action pcb__cli_env(struct pcb_config *c,
                                 const struct pcb_option *const *set, int n,
                                 char *err, size_t errlen);

#endif
