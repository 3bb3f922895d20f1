/*
 * One run's configuration: what the command line (cli/) fills from its
 * option table, and what the runner and the suites read.  Nothing here
 * parses or runs; it is the contract between them.
 */
#ifndef PCBENCH_CONFIG_H
#define PCBENCH_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/topo.h"

#ifndef PCB_VERSION  /* CMake defines it from the project's version */
#define PCB_VERSION "dev"
#endif

#define PCB_ROUNDS_GROWTH 8  /* --round-time: rounds up to this times --rounds */
#define PCB_LIST_MAX 16      /* items of a comma-separated list option */
#define PCB_THREADS_MAX 64   /* threads of one matrix entry */
#define PCB_CLI_FRAMES_MAX 2000  /* call-chain depth at an event */
#define PCB_GB_ARGV_MAX 64   /* Google Benchmark's argv, pcbench's included */
#define PCB_L2_GUESS (1u << 20)  /* when hwloc reports no L2 */
/* The temporary beside --out, "/.pcbench.tmp.<pid>.<16 hex>.clean",
 * fits in this many bytes after the directory's name (main.c). */
#define PCB_TMP_NAME_MAX 64
#define PCB_GB_ARGV_OWN 6
#define PCB_STORM_BLOCKING_HZ 20000  /* --storm bound of a blocking workload */    /* slots main adds: timing (4) and output (2) */

/* The cache axis: warm entries run back to back; a cold entry's threads
 * walk a working set of their own between two events. */
enum pcb_cache { PCB_CACHE_WARM, PCB_CACHE_COLD, PCB_CACHE_COUNT };

static inline const char *pcb_cache_name(enum pcb_cache c)
{
  return c == PCB_CACHE_COLD ? "cold" : "warm";
}

/* The rate axis: an item of --rate that means Go's default rates (0 is
 * no rate a user can give: rates are >= 1), and the rate a suite passes
 * to mean "the prepared point's" (see `rate` below). */
#define PCB_RATE_GO 0
#define PCB_RATE_POINT UINT64_MAX

struct pcb_workload;
struct pcb_strategy;
struct pcb_unwinder;
struct pcb_shipped;

struct pcb_config {
  const struct pcb_workload *workloads[PCB_LIST_MAX];
  int nworkloads;
  const struct pcb_strategy *strategies[PCB_LIST_MAX];
  int nstrategies;
  int depths[PCB_LIST_MAX], ndepths;
  int frames[PCB_LIST_MAX], nframes;
  enum pcb_place places[PCB_LIST_MAX];
  int nplaces;
  enum pcb_cache caches[PCB_LIST_MAX];
  int ncaches;
  /* --external: shipped heap profilers, each run in a process of its
   * own (shipped/shipped.h); none by default */
  const struct pcb_shipped *externals[PCB_LIST_MAX];
  int nexternals;
  uint64_t working_set;  /* cold entries: bytes per thread; 0 until main
                          * sets twice the L2 that hwloc reports */
  const struct pcb_unwinder *unwinder;  /* for every event of the run */
  int clock;          /* enum pcb_clock_path: the counter every timing reads */
  int threads;        /* 0: each workload's minimum */
  /* --rate, an axis of the matrix: each item a rate (malloc: mean bytes
   * between samples; block, mutex, lock: cycles of waiting) or
   * PCB_RATE_GO, each workload at Go's default (run/runner.h) */
  uint64_t rates[PCB_LIST_MAX];
  int nrates;
  /* What a suite that passes the configuration's rate to the runner gets
   * (the paired suite's arms): always PCB_RATE_POINT, the prepared
   * point's own rate, since the rate is a point's, not the run's. */
  uint64_t rate;
  uint64_t spin_ns;   /* block, mutex: spin before parking (0: park at once) */
  int repetitions;
  double min_time;
  int check_events;   /* events checked against the truth per entry */
  int latency_events; /* operations timed one by one per entry */
  int storm_hz;       /* storm/ entries: SIGPROF per thread at this rate */
  int storm_events;   /* iterations of each storm entry */
  /* cpu/ entries (suites/cpu.c): alternate signal stack sizes in bytes,
   * 0 for none (the handler on the interrupted stack); no entries when
   * the list is empty */
  uint64_t sigstacks[PCB_LIST_MAX];
  int nsigstacks;
  int cpu_hz;         /* cpu/ entries: SIGPROF per second of CPU time */
  int cpu_samples;    /* cpu/ entries: samples checked and timed */
  int churn_threads;  /* churn/ entries: threads started one after another */
  int fail_every;     /* churn/ entries: every Nth buffer allocation fails */
  const char *out;    /* results JSON, written via a temporary + rename */
  int counters;       /* the console's columns: 0 compact (entry, time,
                       * cost over off, p50, p99, correct, events), 1 all */
  bool quick;
  bool interleave;    /* repetitions of all entries in random order */
  bool paired;        /* paired/ entries: the strategies timed side by side */
  int rounds;         /* rounds of each paired entry */
  int cold_rounds;    /* ... of a cold one, at most */
  double round_time;  /* > 0: a warm paired entry runs rounds past
                       * `rounds` until they took this long (s), up to
                       * PCB_ROUNDS_GROWTH times `rounds` */
  int layouts;        /* paired: layout modules drawn from beside pcbench's
                       * own event path (bench/layout/) */
  /* every random draw of the run (paired orders and layouts) derives from
   * it; 0 until main draws one, a fresh one per process */
  uint64_t seed;
  /* > 0: instruction-count mode (scripts/bench-ci runs it under callgrind):
   * only the suites that support it (the matrix), each entry a fixed
   * number of iterations bracketed by callgrind client requests, no
   * latency pass and no stack figures. */
  int instructions;
  bool gb_list;      /* --benchmark_list_tests=true: names only, no run */
  /* --benchmark_* flags, checked by the option table, then passed to
   * Google Benchmark as typed */
  char *gb_argv[PCB_GB_ARGV_MAX];
  int gb_argc;
};

#endif
