/*
 * pcbench: parse and validate everything, describe the machine, run the
 * matrix through Google Benchmark, and write the results JSON to a
 * temporary file that is renamed over --out only when the run succeeded.
 * An interrupted or failed run removes its temporary and leaves the
 * previous results untouched.
 *
 * The temporary invariant: from the moment the temporary exists until
 * the run is over, every way out removes it -- a return or exit() from
 * anywhere (atexit), a terminating signal (a handler that unlinks, then
 * re-raises with the default action, so the exit status still names the
 * signal), a crash in pcbench or a library, and an uncaught C++ exception
 * (std::terminate aborts: SIGABRT).  Only SIGKILL and power loss escape.
 * The temporary is a short unique name beside --out
 * (dir/.pcbench.tmp.PID.RANDOM, created O_EXCL), never derived from the
 * final name, so it cannot collapse onto it whatever the path's length
 * (the CLI checked that the directory's name leaves room for it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "base/gbshim.h"
#include "base/progress.h"
#include "base/results.h"
#include "cli/cli.h"
#include "layout/layouts.h"
#include "run/runner.h"
#include "suites/suite.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "pcbench/unwind.h"
#include "pcbench/strategy.h"

#include "git_commit.h"  /* PCB_GIT_COMMIT, written at build time */
#ifndef PCB_COMPILER
#define PCB_COMPILER "unknown"
#endif
#ifndef PCB_CFLAGS
#define PCB_CFLAGS "unknown"
#endif

static char tmp_path[PATH_MAX];   /* Google Benchmark writes here */
static char clean_path[PATH_MAX + 8]; /* sanitized, renamed to --out */
static char out_flag[PATH_MAX + 32];

/* Signals whose default action ends the process (SIGPROF aside: the storm
 * owns it; SIGKILL and SIGSTOP cannot be caught).  The first ones stop a
 * run from outside; the last ones are crashes. */
static const struct { int sig; const char *name; } fatal[] = {
  { SIGINT, "SIGINT" },   { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
  { SIGPIPE, "SIGPIPE" }, { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
  { SIGALRM, "SIGALRM" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
  { SIGVTALRM, "SIGVTALRM" },
  { SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" },   { SIGABRT, "SIGABRT" },
  { SIGFPE, "SIGFPE" },   { SIGILL, "SIGILL" },
};
#define FIRST_CRASH 10  /* fatal[FIRST_CRASH..]: crashes */

static void say(const char *s)
{
  if (write(STDERR_FILENO, s, strlen(s)) < 0) {
    /* stderr is gone: nothing more to say */
  }
}

static void remove_temps(void)
{
  if (tmp_path[0])
    unlink(tmp_path);
  if (clean_path[0])
    unlink(clean_path);
}

/* Async-signal-safe: unlink, write, strlen, sigaction and raise only.
 * Every handled signal is blocked while it runs (sa_mask), so the re-raised
 * one is delivered, with its default action, when it returns. */
static void on_fatal(int sig)
{
  const char *at = pcb_progress_current(), *name = "a signal";
  struct sigaction dfl;
  size_t i;

  remove_temps();
  for (i = 0; i < sizeof(fatal) / sizeof(*fatal); i++)
    if (fatal[i].sig == sig) {
      name = fatal[i].name;
      break;
    }
  say(i >= FIRST_CRASH ? "\npcbench: crashed (" : "\npcbench: interrupted (");
  say(name);
  say(")");
  if (at) {
    say(" during ");
    say(at);
  }
  say("; no results written, previous results left as they were\n");
  memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, NULL);
  raise(sig);
}

static void on_fatal_signals(void (*handler)(int), int from)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof(fatal) / sizeof(*fatal); i++)
    sigaddset(&sa.sa_mask, fatal[i].sig);
  for (size_t i = (size_t)from; i < sizeof(fatal) / sizeof(*fatal); i++)
    sigaction(fatal[i].sig, &sa, NULL);
}

/* Each registered strategy's role flags, so that scripts read roles (the
 * baseline, the negative control, the opt-in ones, the code clones) from
 * the results, not from names: "off:no_capture;stack:;thread:guarded;...",
 * and which strategy each clone copies: "stack_clone:stack". */
static void describe_strategies(void)
{
  static const struct { unsigned flag; const char *name; } roles[] = {
    { PCB_F_NO_CAPTURE, "no_capture" }, { PCB_F_CONTROL, "control" },
    { PCB_F_OPT_IN, "opt_in" }, { PCB_F_SHARED, "shared" },
    { PCB_F_GUARDED, "guarded" }, { PCB_F_CLONE, "clone" },
  };
  char buf[1024] = "";
  size_t at = 0;

  for (size_t i = 0; i < pcb_strategy_count() && at < sizeof(buf); i++) {
    const struct pcb_strategy *s = pcb_strategy_at(i);
    const char *sep = "";

    at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s:", i ? ";" : "",
                           s->name);
    for (size_t r = 0; r < sizeof(roles) / sizeof(*roles); r++)
      if ((s->flags & roles[r].flag) && at < sizeof(buf)) {
        at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s", sep,
                               roles[r].name);
        sep = ",";
      }
  }
  pcb_gb_context("strategy_flags", buf);
  buf[0] = '\0';
  at = 0;
  for (size_t i = 0; i < pcb_strategy_count() && at < sizeof(buf); i++)
    if (pcb_strategy_at(i)->clone_of)  /* "stack_clone:stack;..." */
      at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s:%s",
                             at ? ";" : "", pcb_strategy_at(i)->name,
                             pcb_strategy_at(i)->clone_of);
  pcb_gb_context("strategy_clones", buf);
}

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

static void describe_machine(const struct pcb_config *c)
{
  char buf[256];
  char desc[128] = "n/a (one PU)";

  pcb_gb_context("pcbench_version", PCB_VERSION);
  pcb_gb_context("git_commit", PCB_GIT_COMMIT);
  pcb_gb_context("compiler", PCB_COMPILER);
  pcb_gb_context("cflags", PCB_CFLAGS);
  pcb_gb_context("hwloc_topology", pcb_topo_summary());
  pcb_gb_context("cpu_binding",
                 bound ? "measuring thread bound to PU0" :
                 pcb_topo_loaded() ? "unbound: binding to PU0 failed" :
                 "unbound: hwloc could not load the topology");
  for (int i = 0; i < PCB_PLACE_COUNT; i++) {
    if (pcb_topo_npus() > 1 || i == PCB_PLACE_SAME_CORE)
      pcb_topo_pu_for((enum pcb_place)i, 1, desc, sizeof(desc));
    snprintf(buf, sizeof(buf), "placement_%s", pcb_place_name((enum pcb_place)i));
    pcb_gb_context(buf, desc);
  }
  pcb_gb_context("unwinder", c->unwinder->name);
  snprintf(buf, sizeof(buf), "%llu", (unsigned long long)c->seed);
  pcb_gb_context("seed", buf);
  if (pcb_topo_l2_bytes())
    snprintf(buf, sizeof(buf), "%llu bytes per thread, walked between two "
             "events of a cold entry (L2 seen by hwloc: %llu bytes)",
             (unsigned long long)c->working_set, pcb_topo_l2_bytes());
  else  /* e.g. under valgrind, where hwloc leaves its CPUID backend off */
    snprintf(buf, sizeof(buf), "%llu bytes per thread, walked between two "
             "events of a cold entry (hwloc saw no L2 here; %u bytes "
             "assumed where --working-set is not given)",
             (unsigned long long)c->working_set, PCB_L2_GUESS);
  pcb_gb_context("working_set", buf);
  buf[0] = '\0';
  for (int i = 0; i < c->nrates; i++) {  /* --rate as given: "1,go" */
    size_t at = strlen(buf);

    if (c->rates[i] == PCB_RATE_GO)
      snprintf(buf + at, sizeof(buf) - at, "%sgo", i ? "," : "");
    else
      snprintf(buf + at, sizeof(buf) - at, "%s%llu", i ? "," : "",
               (unsigned long long)c->rates[i]);
  }
  pcb_gb_context("rate", buf);
  pcb_gb_context("repetition_order",
                 c->interleave ? "random interleaving of all entries"
                               : "each entry's repetitions back to back");
  if (c->instructions) {
    snprintf(buf, sizeof(buf), "%d iterations per matrix entry (in "
             "batches of 64), each run dumped by callgrind", c->instructions);
    pcb_gb_context("instruction_mode", buf);
  }
  snprintf(buf, sizeof(buf), "%d events per entry, untimed, at rate 1",
           c->check_events);
  pcb_gb_context("correctness_check", buf);
  describe_strategies();
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

/* 64 bits that no other pcbench of this machine is likely to draw. */
static unsigned long long draw(void)
{
  unsigned long long r = 0;
  struct timespec ts;

  if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
    clock_gettime(CLOCK_REALTIME, &ts);
    r ^= (unsigned long long)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
         (unsigned long long)ts.tv_sec;
  }
  return r;
}

/* Creates the temporary beside --out, with the handlers and the atexit
 * hook that remove it installed first; 0 or PCB_ESYS. */
static int make_temp(const char *out)
{
  const char *slash = strrchr(out, '/');
  int dirlen = slash ? (int)(slash - out) + 1 : 0;
  int fd = -1;
  sigset_t all, old;

  sigemptyset(&all);
  for (size_t i = 0; i < sizeof(fatal) / sizeof(*fatal); i++)
    sigaddset(&all, fatal[i].sig);
  sigprocmask(SIG_BLOCK, &all, &old);  /* names complete before a handler */
  atexit(remove_temps);
  on_fatal_signals(on_fatal, 0);
  for (int tries = 0; fd < 0 && tries < 8; tries++) {
    snprintf(tmp_path, sizeof(tmp_path), "%.*s.pcbench.tmp.%ld.%016llx",
             dirlen, out, (long)getpid(), draw());
    fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0)
    tmp_path[0] = '\0';
  else
    snprintf(clean_path, sizeof(clean_path), "%s.clean", tmp_path);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return fd >= 0 && close(fd) == 0 ? 0 : PCB_ESYS;
}

/* Points Google Benchmark's JSON output at a temporary beside --out. */
static int route_output(struct pcb_config *c)
{
  if (c->out == NULL)
    return 0;
  if (make_temp(c->out) != 0) {
    fprintf(stderr, "pcbench: --out: cannot create a temporary beside '%s' "
            "(%s)\n", c->out, strerror(errno));
    return PCB_ESYS;
  }
  snprintf(out_flag, sizeof(out_flag), "--benchmark_out=%s", tmp_path);
  c->gb_argv[c->gb_argc++] = out_flag;
  c->gb_argv[c->gb_argc++] = "--benchmark_out_format=json";
  return 0;
}

/* --out is still what the CLI allowed: a regular file or nothing. */
static bool out_still_allowed(const char *out)
{
  struct stat st;

  return lstat(out, &st) == 0 ? S_ISREG(st.st_mode) : errno == ENOENT;
}

static int finish_output(const struct pcb_config *c, int status)
{
  char err[256];

  if (c->out == NULL)
    return status;
  /* From here an interruption is ignored: the run is over, and the
   * rename must not be cut in half.  Crashes still remove the temporary. */
  for (int i = 0; i < FIRST_CRASH; i++)
    signal(fatal[i].sig, SIG_IGN);
  if (status == 0 &&
      pcb_results_sanitize(tmp_path, clean_path, err, sizeof(err)) != 0) {
    fprintf(stderr, "pcbench: results refused: %s\n", err);
    status = 1;
  }
  if (status == 0 && !out_still_allowed(c->out)) {
    fprintf(stderr, "pcbench: --out: '%s' is no longer a regular file; "
            "results not written\n", c->out);
    status = 1;
  }
  if (status == 0 && rename(clean_path, c->out) != 0) {
    perror("pcbench: rename results");
    status = 1;
  }
  remove_temps();
  tmp_path[0] = clean_path[0] = '\0';
  if (status == 0)
    fprintf(stderr, "pcbench: results written to %s\n", c->out);
  return status;
}

int main(int argc, char **argv)
{
  static struct pcb_config cfg;
  const struct pcb_strategy *bad;
  char err[512];
  int status = 0, failed_checks = 0;

  if (pcb_registry_check(&bad) != 0) {
    fprintf(stderr, "pcbench: strategy '%s' refused: %s\n",
            bad && bad->name ? bad->name : "?",
            pcb_strerror(pcb_registry_check(&bad)));
    return 2;
  }
  switch (pcb_cli_parse(argc, argv, &cfg, err, sizeof(err))) {
  case PCB_CLI_EXIT_OK:
    return 0;
  case PCB_CLI_EXIT_USAGE:
    fprintf(stderr, "%s\n", err);
    return 2;
  case PCB_CLI_RUN:
    break;
  }
  add_timing_flags(&cfg);
  if (route_output(&cfg) != 0)
    return 2;
  if (!pcb_gb_init(&cfg.gb_argc, cfg.gb_argv))
    return 2;  /* Google Benchmark named the unrecognized flag */
  if (pcb_topo_init() != 0)
    fprintf(stderr, "pcbench: warning: hwloc could not load the topology: "
            "running unbound (the results' context says so)\n");
  else if (pcb_topo_bind(0) != 0)
    fprintf(stderr, "pcbench: warning: could not bind to PU0 (hwloc): "
            "running unbound (the results' context says so)\n");
  else
    bound = true;
  pcb_hooks.unwinder = cfg.unwinder;
  if (cfg.seed == 0)
    cfg.seed = draw_seed();
  if (cfg.working_set == 0)  /* twice L2: a sampled event meets it cold */
    cfg.working_set = 2 * (pcb_topo_l2_bytes() ? pcb_topo_l2_bytes()
                                               : PCB_L2_GUESS);
  describe_machine(&cfg);
  if ((status = pcb_runner_init(&cfg)) != 0 ||
      (status = pcb_suites_setup(&cfg)) != 0) {
    fprintf(stderr, "pcbench: set-up failed: %s\n", pcb_strerror(status));
    return finish_output(&cfg, 1);
  }
  if (cfg.paired && pcb_layouts_init(NULL, cfg.layouts, cfg.unwinder->name,
                                     pcb_clock_current(), err,
                                     sizeof(err)) < 0) {
    fprintf(stderr, "pcbench: set-up failed: layouts: %s\n", err);
    return finish_output(&cfg, 1);
  }
  if (pcb_gb_run() == 0 && !cfg.gb_list) {
    fprintf(stderr, "pcbench: no benchmark matched\n");
    status = 2;
  } else {
    failed_checks = pcb_suites_verdicts();
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
  pcb_topo_fini();
  /* A failed correctness check is a finding: the results are written,
   * and the exit status says it. */
  status = finish_output(&cfg, status);
  return status ? status : failed_checks ? 1 : 0;
}
