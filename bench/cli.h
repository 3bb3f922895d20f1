/*
 * pcbench's command line.  Every option is parsed and validated before
 * anything runs; a bad value yields exit status 2 and one line naming the
 * flag, the value and what is allowed, and nothing is written.
 */
#ifndef PCBENCH_CLI_H
#define PCBENCH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcbench/unwind.h"
#include "topo.h"
#include "workload.h"

#define PCB_LIST_MAX 16
#define PCB_THREADS_MAX 64
#define PCB_CLI_FRAMES_MAX 2000

struct pcb_config {
  const struct pcb_workload *workloads[PCB_LIST_MAX];
  int nworkloads;
  const struct pcb_strategy *strategies[PCB_LIST_MAX];
  int nstrategies;
  int depths[PCB_LIST_MAX], ndepths;
  int frames[PCB_LIST_MAX], nframes;
  enum pcb_place places[PCB_PLACE_COUNT];
  int nplaces;
  const struct pcb_unwinder *unwinder;  /* for every event of the run */
  int threads;        /* malloc: threads recording at once (block: >= 2) */
  uint64_t rate;      /* malloc: mean bytes between samples; block: cycles */
  int repetitions;
  double min_time;
  int check_events;   /* events checked against the truth per entry */
  int latency_events; /* operations timed one by one per entry */
  int storm_hz;       /* storm/ entries: SIGPROF per thread at this rate */
  int storm_events;   /* iterations of each storm entry */
  int churn_threads;  /* churn/ entries: threads started one after another */
  int fail_every;     /* churn/ entries: every Nth buffer allocation fails */
  const char *out;    /* results JSON, written via a temporary + rename */
  bool quick;
  bool interleave;    /* repetitions of all entries in random order */
  /* > 0: instruction-count mode (scripts/bench-ci runs it under callgrind):
   * matrix entries only, each a fixed number of iterations bracketed by
   * callgrind client requests, no latency pass and no stack figures. */
  int instructions;
  /* --benchmark_* flags, passed to Google Benchmark untouched */
  char *gb_argv[64];
  int gb_argc;
};

enum pcb_cli_action { PCB_CLI_RUN, PCB_CLI_EXIT_OK, PCB_CLI_EXIT_USAGE };

/* Fills cfg from argv.  On PCB_CLI_EXIT_USAGE, err holds the one line to
 * print; on PCB_CLI_EXIT_OK, --help/--list/--version has been printed. */
enum pcb_cli_action pcb_cli_parse(int argc, char **argv,
                                  struct pcb_config *cfg, char *err,
                                  size_t errlen);
void pcb_cli_usage(void);

#endif
