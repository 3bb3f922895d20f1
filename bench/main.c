/*
 * pcbench: parse and validate everything, set up the machine, the runner
 * and the suites, write the results' context (context.c), run the
 * entries through Google Benchmark, and hand the results file to its
 * keeper (base/outfile.h: written through a temporary that is renamed
 * over --out only when the run succeeded; an interrupted or failed run
 * removes it and leaves the previous results untouched).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/gbshim.h"
#include "base/outfile.h"
#include "base/progress.h"
#include "cli/cli.h"
#include "context.h"
#include "scorecard.h"
#include "layout/layouts.h"
#include "layout/modules.h"
#include "run/counted.h"
#include "run/runner.h"
#include "shipped/shipped.h"
#include "suites/suite.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "pcbench/unwind.h"
#include "pcbench/strategy.h"

#include "git_commit.h"  /* PCB_GIT_COMMIT, written at build time */

static bool bound;  /* the measuring thread runs on PU0 */

/* A fresh seed for a process not given one: from the kernel's random
 * source, else the clock and the pid; in --seed's range, so --seed takes
 * it back exactly. */
static uint64_t draw_seed(void)
{
  uint64_t s = 0;

  if (getrandom(&s, sizeof(s), 0) != (ssize_t)sizeof(s))
    s = pcb_clock_read_mono() ^ ((uint64_t)getpid() << 32);
  return s % 999999999999999u + 1;
}

/*
 * Without --out a run keeps its results all the same: in a new file in
 * the current directory, pcbench-<UTC time>-<commit>-<pid>[-N].json, a
 * name no file has (N counts up until it is new), and the last line on
 * stderr names it.  Not with --benchmark_list_tests (nothing runs), and
 * not where this directory cannot be written: a warning then says the
 * results are not kept.
 */
static void default_out(struct pcb_config *c)
{
  static char name[160];
  char when[32];
  time_t now = time(NULL);
  struct tm tm;

  if (c->out != NULL || c->gb_list)
    return;
  if (access(".", W_OK | X_OK) != 0) {
    fprintf(stderr, "pcbench: warning: this directory cannot be written: "
            "the results are not kept (pass --out=PATH to keep them)\n");
    return;
  }
  strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
  for (int n = 0; n < 1000; n++) {
    if (n == 0)
      snprintf(name, sizeof(name), "pcbench-%s-%s-%ld.json", when,
               PCB_GIT_COMMIT, (long)getpid());
    else
      snprintf(name, sizeof(name), "pcbench-%s-%s-%ld-%d.json", when,
               PCB_GIT_COMMIT, (long)getpid(), n);
    if (access(name, F_OK) != 0) {
      c->out = name;
      return;
    }
  }
}

/*
 * Repetitions and minimum time go to Google Benchmark as its own flags,
 * ahead of the user's --benchmark_* flags (which thus win), so that entry
 * names stay plain (per-benchmark settings would append /min_time:...).
 */
static void add_timing_flags(struct pcb_config *c)
{
  static char reps[48], mint[48];
  char **user = c->gb_argv + 1;
  int nuser = c->gb_argc - 1;

  memmove(user + 4, user, (size_t)nuser * sizeof(*user));
  snprintf(reps, sizeof(reps), "--benchmark_repetitions=%d", c->repetitions);
  snprintf(mint, sizeof(mint), "--benchmark_min_time=%g", c->min_time);
  user[0] = reps;
  user[1] = mint;
  user[2] = c->repetitions > 1 ? "--benchmark_display_aggregates_only=true"
                               : "--benchmark_color=auto";
  user[3] = c->interleave ? "--benchmark_enable_random_interleaving=true"
                          : "--benchmark_enable_random_interleaving=false";
  c->gb_argc += 4;
}

int main(int argc, char **argv)
{
  static struct pcb_config cfg;
  const struct pcb_strategy *bad;
  enum pcb_cli_action a;
  char err[512];
  int status = 0, failed_checks = 0;

  if (pcb_shipped_is_child())  /* an --external allocator's process */
    return pcb_shipped_child_main();
  if (pcb_registry_check(&bad) != 0) {
    fprintf(stderr, "pcbench: strategy '%s' refused: %s\n",
            bad && bad->name ? bad->name : "?",
            pcb_strerror(pcb_registry_check(&bad)));
    return 2;
  }
  /* --module first: its strategies are names the command line may use */
  if (pcb_modules_load(argc, argv, err, sizeof(err)) != 0) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  switch (a = pcb_cli_parse(argc, argv, &cfg, err, sizeof(err))) {
  case PCB_CLI_HELP:
  case PCB_CLI_LIST:
  case PCB_CLI_VERSION:
    pcb_cli_print(a);
    return 0;
  case PCB_CLI_EXIT_USAGE:
    fprintf(stderr, "%s\n", err);
    return 2;
  case PCB_CLI_RUN:
    break;
  }
  add_timing_flags(&cfg);
  default_out(&cfg);
  if (pcb_out_route(&cfg) != 0)
    return 2;
  if (!pcb_gb_init(&cfg.gb_argc, cfg.gb_argv))
    return 2;  /* Google Benchmark named the unrecognized flag */
  if ((status = pcb_topo_init()) == PCB_ECRASH)
    pcb_out_of_memory("most likely: hwloc crashed or hung loading the "
                      "topology, and it does not check every allocation");
  if (status != 0)
    fprintf(stderr, "pcbench: warning: hwloc could not load the topology: "
            "running unbound (the results' context says so)\n");
  else if (pcb_topo_bind(0) != 0)
    fprintf(stderr, "pcbench: warning: could not bind to PU0 (hwloc): "
            "running unbound (the results' context says so)\n");
  else
    bound = true;
  status = 0;
  pcb_hooks.unwinder = cfg.unwinder;
  if (cfg.seed == 0)
    cfg.seed = draw_seed();
  pcb_checked_install();  /* a strategy's buffer: out of memory ends it */
  if (cfg.working_set == 0)  /* twice L2: a sampled event meets it cold */
    cfg.working_set = 2 * (pcb_topo_l2_bytes() ? pcb_topo_l2_bytes()
                                               : PCB_L2_GUESS);
  if ((status = pcb_runner_init(&cfg)) != 0 ||
      (status = pcb_suites_setup(&cfg)) != 0) {
    fprintf(stderr, "pcbench: set-up failed: %s\n", pcb_strerror(status));
    return pcb_out_end(&cfg, 1);
  }
  /* the clock pcb_runner_init chose */
  if (pcb_modules_init(cfg.unwinder->name, pcb_clock_current(), err,
                       sizeof(err)) != 0) {
    fprintf(stderr, "pcbench: set-up failed: --module: %s\n", err);
    return pcb_out_end(&cfg, 1);
  }
  if (cfg.paired && pcb_layouts_init(NULL, cfg.layouts, cfg.unwinder->name,
                                     pcb_clock_current(), err,
                                     sizeof(err)) < 0) {
    fprintf(stderr, "pcbench: set-up failed: layouts: %s\n", err);
    return pcb_out_end(&cfg, 1);
  }
  /* A filter that matches nothing is bad input: said in one line before
   * the context is written (which may warn of a loaded machine). */
  if (pcb_gb_matched() <= 0) {  /* the CLI checked it compiles */
    fprintf(stderr, "pcbench: --benchmark_filter: '%.40s%s' matches none "
            "of this run's entries (allowed: a filter matching one or "
            "more; --benchmark_list_tests=true lists them)\n",
            pcb_gb_filter(), strlen(pcb_gb_filter()) > 40 ? "..." : "");
    status = 2;
  } else {
    pcb_context_write(&cfg, bound);
    pcb_gb_before_write(pcb_suites_settle);
    if (pcb_gb_run(cfg.counters == 1) == 0 && !cfg.gb_list) {
      fprintf(stderr, "pcbench: no entry ran\n");
      status = 1;
    } else {
      if (pcb_gb_compact_shown())
        pcb_scorecard_print(stdout);
      failed_checks = pcb_suites_verdicts();
    }
  }
  if (status == 0 && pcb_gb_left_out() > 0) {
    fprintf(stderr, "pcbench: results refused: %lu values were not finite "
            "numbers (named above)\n", pcb_gb_left_out());
    status = 1;
  }
  pcb_progress_clear();  /* the interrupt handler reads it */
  pcb_suites_fini();
  pcb_runner_fini();
  pcb_layouts_fini();
  pcb_gb_shutdown();
  pcb_modules_fini();
  pcb_topo_fini();
  /* A failed correctness check is a finding: the results are written,
   * and the exit status says it. */
  status = pcb_out_end(&cfg, status);
  return status ? status : failed_checks ? 1 : 0;
}
