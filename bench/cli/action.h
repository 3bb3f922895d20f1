/*
 * What parsing the command line ends with (cli.h): run, stop with a usage
 * error, or print one of pcbench's own texts (help.c) and exit 0.
 */
#ifndef PCBENCH_CLI_ACTION_H
#define PCBENCH_CLI_ACTION_H

enum pcb_cli_action {
  PCB_CLI_RUN,
  PCB_CLI_EXIT_USAGE,
  PCB_CLI_HELP,     /* --help, -h */
  PCB_CLI_LIST,     /* --list */
  PCB_CLI_VERSION,  /* --version */
};

#endif
