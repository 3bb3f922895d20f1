/* pcbench's options: see cli.h and `pcbench --help`. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "icount.h"
#include "pcbench/error.h"
#include "pcbench/unwind.h"

#ifndef PCB_VERSION
#define PCB_VERSION "dev"
#endif

void pcb_cli_usage(void)
{
  printf(
"usage: pcbench [options] [--benchmark_*=...]\n"
"\n"
"Measures where a profiler should keep the PC buffer it fills when it\n"
"captures a stack trace, per (workload, strategy, depth, frames).\n"
"\n"
"Matrix (comma-separated lists):\n"
"  --workloads=LIST    malloc, block, mutex, lock (default malloc,block)\n"
"  --strategies=LIST   see --list        (default: all but those marked\n"
"                                         [not in defaults] there)\n"
"  --depths=LIST       PCs per capture, 1..1024   (default 32,128)\n"
"  --frames=LIST       call-chain depth at the event, 1..%d\n"
"                                                 (default 16,100,200)\n"
"  --placement=LIST    block/mutex partner: same_core, cross_core\n"
"                                                 (default cross_core)\n"
"  --unwinder=NAME     how events capture: fp, backtrace, libgcc, libunwind\n"
"                                                 (default fp)\n"
"Workload:\n"
"  --threads=N         malloc: threads allocating at once, 1..%d (default 1);\n"
"                      block/mutex: threads in the ring, 2..%d (default 2)\n"
"  --rate=N            malloc: mean bytes between samples; block/mutex:\n"
"                      cycles (Go's rates); 1 = every event (default 1)\n"
"Measurement:\n"
"  --repetitions=N     1..1000 (default 1)\n"
"  --min-time=SEC      per repetition, 0.001..60 (default 0.1)\n"
"  --check-events=N    events checked against the ground truth per\n"
"                      entry, in an untimed pass, 1..1000000 (default 1000)\n"
"  --latency-events=N  operations timed one by one per entry for p50/p99/\n"
"                      p999/max, in an untimed pass (default 20000)\n"
"  --quick             a subset that runs in well under a minute\n"
"  --interleave        run the repetitions of all entries in random order,\n"
"                      so slow drift of the machine spreads over every entry\n"
"  --instructions=N    instruction-count mode, for running under callgrind\n"
"                      (scripts/bench-ci): matrix entries only, N iterations\n"
"                      each, 1..10000000 (default 0: off)\n"
"Hostile conditions:\n"
"  --storm=HZ          add storm/ entries: SIGPROF per thread at HZ of its\n"
"                      of wall time records nested events; every outer event\n"
"                      is checked (default 0: none)\n"
"  --storm-events=N    iterations of each storm entry (default 1000000)\n"
"  --churn-threads=N   churn/ entries: N threads start, record 3 events and\n"
"                      exit, one after another (default 1000; 0: none)\n"
"  --fail-every=N      in churn entries every Nth strategy allocation fails\n"
"                      (default 0: none)\n"
"  --out=PATH          write results JSON (temporary file, then rename)\n"
"Other:\n"
"  --list              print strategies and workloads, and exit\n"
"  --help, --version\n"
"  --benchmark_*       passed to Google Benchmark (e.g. --benchmark_filter)\n"
"\n"
"Exit status: 0 ok, 1 a benchmark failed, 2 bad usage.\n",
         PCB_CLI_FRAMES_MAX, PCB_THREADS_MAX, PCB_THREADS_MAX);
}

static void list(void)
{
  printf("strategies:\n");
  for (size_t i = 0; i < pcb_strategy_count(); i++) {
    const struct pcb_strategy *s = pcb_strategy_at(i);

    printf("  %-18s %s%s\n", s->name, s->summary,
           (s->flags & (PCB_F_CONTROL | PCB_F_OPT_IN)) ? " [not in defaults]"
                                                        : "");
  }
  printf("workloads:\n");
  for (size_t i = 0; i < pcb_workload_count(); i++)
    printf("  %-18s %s\n", pcb_workload_at(i)->name, pcb_workload_at(i)->summary);
  printf("unwinders:\n");
  for (size_t i = 0; i < pcb_unwinder_count(); i++)
    printf("  %-18s %s\n", pcb_unwinder_at(i)->name,
           pcb_unwinder_at(i)->summary);
}

static enum pcb_cli_action fail(char *err, size_t len, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
  return PCB_CLI_EXIT_USAGE;
}

/* A whole decimal integer in [lo, hi], or false. */
static bool parse_int(const char *s, long long lo, long long hi, long long *v)
{
  char *end;

  errno = 0;
  *v = strtoll(s, &end, 10);
  return *s != '\0' && *end == '\0' && errno == 0 && *v >= lo && *v <= hi;
}

static const char *names_of_strategies(void)
{
  static char buf[256];

  buf[0] = '\0';
  for (size_t i = 0; i < pcb_strategy_count(); i++)
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
             i ? ", " : "", pcb_strategy_at(i)->name);
  return buf;
}

/* Splits a comma list in place; the number of items, or -1 if the list
 * or any item is empty or there are more than PCB_LIST_MAX. */
static int split(char *value, char **items)
{
  int n = 0;

  for (char *it = value;; it++) {
    char *comma = strchr(it, ',');

    if (n == PCB_LIST_MAX || (comma ? comma == it : *it == '\0'))
      return -1;
    items[n++] = it;
    if (comma == NULL)
      return n;
    *comma = '\0';
    it = comma;
  }
}

#define ERR(...) fail(err, errlen, __VA_ARGS__)

static enum pcb_cli_action take_list(const char *flag, const char *value,
                                     struct pcb_config *c, char *err,
                                     size_t errlen)
{
  char copy[512], *it[PCB_LIST_MAX];
  int n = snprintf(copy, sizeof(copy), "%s", value) < (int)sizeof(copy)
              ? split(copy, it) : -1;
  long long v;

  if (n < 0)
    return ERR("pcbench: %s: give 1..%d comma-separated values", flag,
               PCB_LIST_MAX);
  for (int i = 0; i < n; i++) {
    if (strcmp(flag, "--strategies") == 0) {
      if (!(c->strategies[i] = pcb_strategy_find(it[i])))
        return ERR("pcbench: %s: unknown strategy '%s' (allowed: %s)", flag,
                   it[i], names_of_strategies());
    } else if (strcmp(flag, "--workloads") == 0) {
      if (!(c->workloads[i] = pcb_workload_find(it[i])))
        return ERR("pcbench: %s: unknown workload '%s' (allowed: malloc, "
                   "block, mutex, lock)", flag, it[i]);
    } else if (strcmp(flag, "--placement") == 0) {
      if (pcb_place_parse(it[i], &c->places[i % PCB_PLACE_COUNT]) != 0 ||
          n > PCB_PLACE_COUNT)
        return ERR("pcbench: %s: unknown placement '%s' (allowed: "
                   "same_core, cross_core)", flag, it[i]);
    } else if (strcmp(flag, "--depths") == 0) {
      if (!parse_int(it[i], 1, 1024, &v))
        return ERR("pcbench: %s: '%s' is not a depth (allowed: integers "
                   "1..1024)", flag, it[i]);
      c->depths[i] = (int)v;
    } else {
      if (!parse_int(it[i], 1, PCB_CLI_FRAMES_MAX, &v))
        return ERR("pcbench: %s: '%s' is not a frame count (allowed: "
                   "integers 1..%d)", flag, it[i], PCB_CLI_FRAMES_MAX);
      c->frames[i] = (int)v;
    }
  }
  if (strcmp(flag, "--strategies") == 0) c->nstrategies = n;
  else if (strcmp(flag, "--workloads") == 0) c->nworkloads = n;
  else if (strcmp(flag, "--placement") == 0) c->nplaces = n;
  else if (strcmp(flag, "--depths") == 0) c->ndepths = n;
  else c->nframes = n;
  return PCB_CLI_RUN;
}

static const char *names_of_unwinders(void)
{
  static char buf[128];

  buf[0] = '\0';
  for (size_t i = 0; i < pcb_unwinder_count(); i++)
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
             i ? ", " : "", pcb_unwinder_at(i)->name);
  return buf;
}

static enum pcb_cli_action take_unwinder(const char *value,
                                         struct pcb_config *c, char *err,
                                         size_t errlen)
{
  c->unwinder = pcb_unwinder_find(value);
  if (c->unwinder == NULL)
    return ERR("pcbench: --unwinder: unknown unwinder '%s' (allowed: %s)",
               value, names_of_unwinders());
  return PCB_CLI_RUN;
}

static enum pcb_cli_action take_number(const char *flag, const char *value,
                                       struct pcb_config *c, char *err,
                                       size_t errlen)
{
  long long v;

  if (strcmp(flag, "--threads") == 0) {
    if (!parse_int(value, 1, PCB_THREADS_MAX, &v))
      return ERR("pcbench: --threads: '%s' (allowed: integers 1..%d)", value,
                 PCB_THREADS_MAX);
    c->threads = (int)v;
  } else if (strcmp(flag, "--rate") == 0) {
    if (!parse_int(value, 1, 1LL << 40, &v))
      return ERR("pcbench: --rate: '%s' (allowed: integers 1..2^40)", value);
    c->rate = (uint64_t)v;
  } else if (strcmp(flag, "--repetitions") == 0) {
    if (!parse_int(value, 1, 1000, &v))
      return ERR("pcbench: --repetitions: '%s' (allowed: integers 1..1000)",
                 value);
    c->repetitions = (int)v;
  } else if (strcmp(flag, "--storm") == 0) {
    if (!parse_int(value, 0, 100000, &v))
      return ERR("pcbench: --storm: '%s' (allowed: signals per second "
                 "per thread, 0..100000; 0 = no storm entries)", value);
    c->storm_hz = (int)v;
  } else if (strcmp(flag, "--storm-events") == 0) {
    if (!parse_int(value, 1, 100000000, &v))
      return ERR("pcbench: --storm-events: '%s' (allowed: integers "
                 "1..100000000)", value);
    c->storm_events = (int)v;
  } else if (strcmp(flag, "--churn-threads") == 0) {
    if (!parse_int(value, 0, 1000000, &v))
      return ERR("pcbench: --churn-threads: '%s' (allowed: integers "
                 "0..1000000; 0 = no churn entries)", value);
    c->churn_threads = (int)v;
  } else if (strcmp(flag, "--fail-every") == 0) {
    if (!parse_int(value, 0, 1000000, &v))
      return ERR("pcbench: --fail-every: '%s' (allowed: integers 0..1000000;"
                 " 0 = no injected failures)", value);
    c->fail_every = (int)v;
  } else if (strcmp(flag, "--latency-events") == 0) {
    if (!parse_int(value, 1, 10000000, &v))
      return ERR("pcbench: --latency-events: '%s' (allowed: integers "
                 "1..10000000)", value);
    c->latency_events = (int)v;
  } else if (strcmp(flag, "--instructions") == 0) {
    if (!parse_int(value, 1, 10000000, &v))
      return ERR("pcbench: --instructions: '%s' (allowed: iterations per "
                 "entry, 1..10000000)", value);
    if (!PCB_ICOUNT_AVAILABLE)
      return ERR("pcbench: --instructions: this pcbench was built without "
                 "valgrind/callgrind.h (allowed: install valgrind, rebuild)");
    c->instructions = (int)v;
  } else if (strcmp(flag, "--check-events") == 0) {
    if (!parse_int(value, 1, 1000000, &v))
      return ERR("pcbench: --check-events: '%s' (allowed: integers "
                 "1..1000000)", value);
    c->check_events = (int)v;
  } else {
    char *end;
    double d = strtod(value, &end);

    if (*value == '\0' || *end != '\0' || !(d >= 0.001 && d <= 60))
      return ERR("pcbench: --min-time: '%s' (allowed: seconds 0.001..60)",
                 value);
    c->min_time = d;
  }
  return PCB_CLI_RUN;
}

/* The output's directory must exist and be writable now, not after the run. */
static enum pcb_cli_action take_out(const char *value, struct pcb_config *c,
                                    char *err, size_t errlen)
{
  char dir[PATH_MAX];
  const char *slash = strrchr(value, '/');

  if (*value == '\0' || value[strlen(value) - 1] == '/')
    return ERR("pcbench: --out: '%s' is not a file path", value);
  snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - value) : 1,
           slash ? value : ".");
  if (slash == value)
    strcpy(dir, "/");
  if (access(dir, W_OK) != 0)
    return ERR("pcbench: --out: directory '%s' does not exist or is not "
               "writable", dir);
  c->out = value;
  return PCB_CLI_RUN;
}

static void defaults(struct pcb_config *c)
{
  memset(c, 0, sizeof(*c));
  c->workloads[c->nworkloads++] = pcb_workload_find("malloc");
  c->workloads[c->nworkloads++] = pcb_workload_find("block");
  for (size_t i = 0; i < pcb_strategy_count(); i++)
    if (!(pcb_strategy_at(i)->flags & (PCB_F_CONTROL | PCB_F_OPT_IN)) &&
        c->nstrategies < PCB_LIST_MAX)
      c->strategies[c->nstrategies++] = pcb_strategy_at(i);
  c->depths[0] = 32, c->depths[1] = 128, c->ndepths = 2;
  c->frames[0] = 16, c->frames[1] = 100, c->frames[2] = 200, c->nframes = 3;
  c->places[0] = PCB_PLACE_CROSS_CORE, c->nplaces = 1;
  c->unwinder = &pcb_unwinder_fp;
  c->threads = 0;  /* per workload: its minimum */
  c->rate = 1;
  c->repetitions = 1;
  c->min_time = 0.1;
  c->check_events = 1000;
  c->latency_events = 20000;
  c->storm_events = 1000000;
  c->churn_threads = 1000;
}

static void quick(struct pcb_config *c)
{
  c->frames[0] = 16, c->frames[1] = 200, c->nframes = 2;
  c->min_time = 0.02;
}

static const char *const list_flags[] = { "--workloads", "--strategies",
                                          "--depths", "--frames",
                                          "--placement" };
static const char *const number_flags[] = { "--threads", "--rate",
                                            "--repetitions", "--min-time",
                                            "--check-events",
                                            "--latency-events", "--storm",
                                            "--storm-events",
                                            "--churn-threads",
                                            "--fail-every",
                                            "--instructions" };
#define NUMBER_FLAGS (sizeof(number_flags) / sizeof(number_flags[0]))

static bool one_of(const char *flag, const char *const *set, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(flag, set[i]) == 0)
      return true;
  return false;
}

/* --flag=value or --flag value; *consumed says how many argv slots. */
static enum pcb_cli_action take_option(int argc, char **argv, int i,
                                       int *consumed, struct pcb_config *c,
                                       char *err, size_t errlen)
{
  char flag[64], *value;
  const char *eq = strchr(argv[i], '=');
  size_t flen = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);

  if (flen >= sizeof(flag))
    return ERR("pcbench: unknown option '%s' (see pcbench --help)", argv[i]);
  memcpy(flag, argv[i], flen);
  flag[flen] = '\0';
  if (!one_of(flag, list_flags, 5) && !one_of(flag, number_flags, NUMBER_FLAGS) &&
      strcmp(flag, "--out") != 0 && strcmp(flag, "--unwinder") != 0)
    return ERR("pcbench: unknown option '%s' (see pcbench --help)", argv[i]);
  if (eq) {
    value = (char *)eq + 1;
    *consumed = 1;
  } else if (i + 1 < argc) {
    value = argv[i + 1];
    *consumed = 2;
  } else {
    return ERR("pcbench: %s needs a value (see pcbench --help)", flag);
  }
  if (one_of(flag, list_flags, 5))
    return take_list(flag, value, c, err, errlen);
  if (one_of(flag, number_flags, NUMBER_FLAGS))
    return take_number(flag, value, c, err, errlen);
  if (strcmp(flag, "--unwinder") == 0)
    return take_unwinder(value, c, err, errlen);
  return take_out(value, c, err, errlen);
}

enum pcb_cli_action pcb_cli_parse(int argc, char **argv, struct pcb_config *c,
                                  char *err, size_t errlen)
{
  defaults(c);
  c->gb_argv[c->gb_argc++] = argv[0];
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--quick") == 0)
      quick(c);  /* first, so explicit options override it */
  for (int i = 1; i < argc;) {
    int consumed = 1;
    enum pcb_cli_action a;

    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      pcb_cli_usage();
      return PCB_CLI_EXIT_OK;
    }
    if (strcmp(argv[i], "--list") == 0) {
      list();
      return PCB_CLI_EXIT_OK;
    }
    if (strcmp(argv[i], "--version") == 0) {
      printf("pcbench %s\n", PCB_VERSION);
      return PCB_CLI_EXIT_OK;
    }
    if (strcmp(argv[i], "--quick") == 0) {
      c->quick = true;
    } else if (strcmp(argv[i], "--interleave") == 0) {
      c->interleave = true;
    } else if (strncmp(argv[i], "--benchmark_", 12) == 0) {
      if (c->gb_argc >= 56)  /* room for the flags main adds */
        return ERR("pcbench: too many --benchmark_* flags");
      c->gb_argv[c->gb_argc++] = argv[i];
    } else if ((a = take_option(argc, argv, i, &consumed, c, err, errlen)) !=
               PCB_CLI_RUN) {
      return a;
    }
    i += consumed;
  }
  for (int i = 0; i < c->nworkloads; i++)
    if (c->threads != 0 && c->threads < c->workloads[i]->min_threads)
      return ERR("pcbench: --threads: %d is too few for workload '%s' "
                 "(allowed: %d..%d)", c->threads, c->workloads[i]->name,
                 c->workloads[i]->min_threads, PCB_THREADS_MAX);
  return PCB_CLI_RUN;
}
