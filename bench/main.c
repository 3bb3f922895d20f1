/*
 * pcbench: the command line.  Parses and validates every option before
 * anything runs, so bad input exits 2 with one line and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcbench/error.h"
#include "pcbench/strategy.h"

#ifndef PCB_VERSION
#define PCB_VERSION "dev"
#endif

static void usage(FILE *f)
{
  fprintf(f,
"usage: pcbench [options]\n"
"\n"
"Measures where a profiler should keep the PC buffer it fills when it\n"
"captures a stack trace: on the stack, per thread, or lazily.\n"
"\n"
"  --list        print the registered strategies and exit\n"
"  --help        print this help and exit\n"
"  --version     print the version and exit\n");
}

static void list_strategies(void)
{
  printf("%-18s %-8s %s\n", "strategy", "default", "summary");
  for (size_t i = 0; i < pcb_strategy_count(); i++) {
    const struct pcb_strategy *s = pcb_strategy_at(i);

    printf("%-18s %-8s %s\n", s->name,
           (s->flags & PCB_F_CONTROL) ? "no" : "yes", s->summary);
  }
}

int main(int argc, char **argv)
{
  const struct pcb_strategy *bad;
  int err = pcb_registry_check(&bad);

  if (err) {
    fprintf(stderr, "pcbench: strategy '%s' refused: %s\n",
            bad && bad->name ? bad->name : "?", pcb_strerror(err));
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(argv[i], "--list") == 0) {
      list_strategies();
      return 0;
    }
    if (strcmp(argv[i], "--version") == 0) {
      printf("pcbench %s\n", PCB_VERSION);
      return 0;
    }
    fprintf(stderr, "pcbench: unknown option '%s' (see pcbench --help)\n",
            argv[i]);
    return 2;
  }
  usage(stdout);
  return 0;
}
