/*
 * What pcbench prints of itself: --help (every row of the option table,
 * with its range and default), --list (the strategy, workload and
 * unwinder tables) and --version, when the parser (cli.c) ended with
 * one of them; the rows' choices and ranges come from options.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "layout/modules.h"
#include "pcbench/clock.h"
#include "pcbench/sigprof.h"
#include "pcbench/strategy.h"
#include "pcbench/unwind.h"
#include "workloads/workload.h"

/* A row's allowed values and default, after its help, wrapped. */
static void print_trailer(const struct pcb_option *o)
{
  char buf[640] = "";
  int col = 80;

  if (o->choices)
    snprintf(buf, sizeof(buf), "of: %s", pcb__cli_choices_of(o->choices));
  else if (o->type == PCB_OPT_WORD)
    snprintf(buf, sizeof(buf), "of: %s", o->words);
  else if (o->type == PCB_OPT_TEXT)
    snprintf(buf, sizeof(buf), "%s", o->note);
  else if (pcb__cli_takes_value(o) && o->type != PCB_OPT_PATH &&
           o->type != PCB_OPT_BOOL && o->type != PCB_OPT_REFUSED)
    snprintf(buf, sizeof(buf), "%s", pcb__cli_range_of(o));
  if (o->def && buf[0])
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "; ");
  if (o->def)
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s %s",
             o->type == PCB_OPT_PRESET ? "same as" : "default", o->def);
  for (char *w = strtok(buf, " "), *first = w; w; w = strtok(NULL, " ")) {
    if (col + (int)strlen(w) + 2 > 78)
      col = printf("\n%22s%s", "", w == first ? "(" : "") - 1;
    else
      col += printf(" ");
    col += printf("%s", w);
  }
  printf("%s\n", buf[0] ? ")" : "");
}

/* The environment variables of Google Benchmark's rows, as a wrapped
 * sentence: BENCHMARK_X for --benchmark_x, refused rows left out. */
static void print_environment(void)
{
  int col = 78;

  printf("\nGoogle Benchmark's environment variables, each checked as its "
         "flag is, and\napplied unless the command line sets the same "
         "thing:");
  for (size_t i = 0; i < pcb_noptions; i++) {
    const struct pcb_option *o = &pcb_options[i];
    char var[64];
    size_t n = 0;

    if (strncmp(o->name, "--benchmark_", 12) != 0 ||
        o->type == PCB_OPT_REFUSED)
      continue;
    for (const char *p = o->name + 2; *p && n + 1 < sizeof(var); p++)
      var[n++] = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    var[n] = '\0';
    if (col + (int)n + 2 > 78)
      col = printf("\n ") - 1;
    col += printf(" %s", var);
  }
  printf("\nAny other BENCHMARK_* variable exits 2.  V, Google Benchmark's "
         "log level, is\nignored.\n");
}

static void print_usage(void)
{
  printf("usage: pcbench [options] [--benchmark_*=...]\n\n"
         "Measures where a profiler should keep the PC buffer it fills when"
         " it\ncaptures a stack trace, per (workload, strategy, depth, "
         "frames).\n");
  for (size_t i = 0; i < pcb_noptions; i++) {
    const struct pcb_option *o = &pcb_options[i];
    char left[48];

    if (o->heading)
      printf("\n%s\n", o->heading);
    if (o->type == PCB_OPT_REFUSED)  /* not offered (it exits 2) */
      continue;
    snprintf(left, sizeof(left), "%s%s%s", o->name, o->arg ? "=" : "",
             o->arg ? o->arg : "");
    printf("  %-19s ", left);
    for (const char *h = o->help, *nl;; h = nl + 1) {
      nl = strchr(h, '\n');
      printf("%.*s", nl ? (int)(nl - h) : (int)strlen(h), h);
      if (nl == NULL)
        break;
      printf("\n%22s", "");
    }
    print_trailer(o);
  }
  print_environment();
  printf("\nExit status: 0 ok, 1 a benchmark or a check failed, 2 bad usage.\n");
}

/* The counters, what this CPU lets each do, and what auto picks. */
static void list_clocks(void)
{
  static const char *const what[PCB_CLOCK_PATH_COUNT] = {
    NULL, "rdtscp: waits for the instructions before it",
    "lfence, then rdtsc: the same ordering from baseline instructions",
    "clock_gettime(CLOCK_MONOTONIC)",
    "isb, then CNTVCT_EL0: the generic timer (AArch64)",
  };
  struct pcb_clock_features f;

  pcb_clock_probe(&f);
  printf("clocks (--clock; auto picks %s here):\n",
         pcb_clock_path_name(pcb_clock_best(&f)));
  for (int p = PCB_CLOCK_AUTO + 1; p < PCB_CLOCK_PATH_COUNT; p++) {
    const char *why = pcb_clock_unusable(&f, (enum pcb_clock_path)p);

    printf("  %-18s %s%s%s%s\n", pcb_clock_path_name((enum pcb_clock_path)p),
           what[p], why ? " [cannot be used: " : "", why ? why : "",
           why ? "]" : "");
  }
}

static void print_list(void)
{
  printf("strategies:\n");
  for (size_t i = 0; i < pcb_strategy_count(); i++) {
    const struct pcb_strategy *s = pcb_strategy_at(i);

    /* the roles a test may leave out (tests/every_strategy.py) */
    printf("  %-18s %s%s%s%s", s->name, s->summary,
           (s->flags & (PCB_F_CONTROL | PCB_F_OPT_IN | PCB_F_CLONE))
               ? " [not in defaults]" : "",
           s->flags & PCB_F_CONTROL ? " [control]" : "",
           s->flags & PCB_F_CLONE ? " [clone]" : "");
    if (pcb_modules_name(s) != NULL)  /* --module brought it */
      printf(" [module %s]", pcb_modules_name(s));
    printf("\n");
  }
  printf("workloads:\n");
  for (size_t i = 0; i < pcb_workload_count(); i++)
    printf("  %-18s %s\n", pcb_workload_at(i)->name,
           pcb_workload_at(i)->summary);
  printf("unwinders:\n");
  for (size_t i = 0; i < pcb_unwinder_count(); i++)
    printf("  %-18s %s\n", pcb_unwinder_at(i)->name,
           pcb_unwinder_at(i)->summary);
  list_clocks();
  printf("signal stacks (--sigstack): AT_MINSIGSTKSZ %zu B here (the "
         "legacy MINSIGSTKSZ: %d B)\n", pcb_sigstack_min(),
         PCB_LEGACY_MINSIGSTKSZ);
}

static void print_version(void)
{
  printf("pcbench %s\n", PCB_VERSION);
}

void pcb_cli_print(enum pcb_cli_action a)
{
  if (a == PCB_CLI_HELP)
    print_usage();
  else if (a == PCB_CLI_LIST)
    print_list();
  else if (a == PCB_CLI_VERSION)
    print_version();
}
