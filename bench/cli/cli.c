/*
 * pcbench's command line, driven by the option table (options.c): the
 * defaults are the rows' defaults parsed as if typed, --help prints the
 * rows, and parsing looks each flag up among them (its value: take.c).
 * Order: defaults, presets, the command line (each setting at most once),
 * then Google Benchmark's environment variables for what the command
 * line left alone (env.c), then the checks across rows.  Every rejection
 * is one line: the flag, the value, and what is allowed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/gbshim.h"
#include "base/icount.h"
#include "cli/cli.h"
#include "cli/env.h"
#include "cli/options.h"
#include "cli/take.h"
#include "pcbench/sigprof.h"
#include "pcbench/strategy.h"
#include "pcbench/unwind.h"
#include "workloads/workload.h"

/* Where a row's value goes in c, and its count for lists. */
#define FIELD(c, o, type) ((type *)((char *)(c) + (o)->off))
#define COUNT(c, o) ((int *)((char *)(c) + (o)->n_off))
#define ERR(...) pcb__cli_fail(err, errlen, __VA_ARGS__)

/*
 * The rows the command line set, each option at most once (two names of
 * one setting, --repetitions and --benchmark_repetitions, count as one):
 * a second value is refused rather than silently kept or dropped.  The
 * rows a preset set are here too, marked, for the environment to leave
 * alone; an option given beside the preset still wins over it.
 */
struct given {
  const struct pcb_option *row[2 * PCB_OPTIONS_MAX];
  bool preset[2 * PCB_OPTIONS_MAX];
  int n;
};

static enum pcb_cli_action note_given(struct given *g,
                                      const struct pcb_option *o, bool preset,
                                      char *err, size_t errlen)
{
  for (int i = 0; i < g->n && !preset && !o->repeat; i++)
    if (!g->preset[i] && pcb__cli_same_setting(g->row[i], o))
      return g->row[i] == o
                 ? ERR("pcbench: %s: given twice (allowed: once%s)", o->name,
                       o->n_off ? "; a list takes its values in one, "
                                  "comma-separated" : "")
                 : ERR("pcbench: %s: sets what %s already set (allowed: one "
                       "of the two, once)", o->name, g->row[i]->name);
  if (g->n < 2 * PCB_OPTIONS_MAX) {
    g->row[g->n] = o;
    g->preset[g->n++] = preset;
  }
  return PCB_CLI_RUN;
}

/* A row's default: its `def` as if typed, or its choices' own defaults. */
static void take_default(const struct pcb_option *o, struct pcb_config *c)
{
  const struct pcb_choices *ch = o->choices;
  char err[256];

  if (o->def && pcb__cli_takes_value(o)) {
    pcb__cli_take(o, o->def, c, err, sizeof(err));  /* the table's own: valid */
    return;
  }
  for (size_t i = 0; ch && ch->is_default && i < ch->count(); i++)
    if (ch->is_default(i) && *COUNT(c, o) < PCB_LIST_MAX)
      ch->store((char *)c + o->off + (size_t)(*COUNT(c, o))++ * ch->slot_size,
                i);
}

/* A preset's options ("--a=x --b=y"), applied before the command line's. */
static void take_preset(const struct pcb_option *p, struct pcb_config *c,
                        struct given *g)
{
  char copy[256], err[256], *save = NULL;

  snprintf(copy, sizeof(copy), "%s", p->def);
  for (char *tok = strtok_r(copy, " ", &save); tok;
       tok = strtok_r(NULL, " ", &save)) {
    char *eq = strchr(tok, '=');
    const struct pcb_option *o = pcb__cli_find(tok, (size_t)(eq - tok));

    pcb__cli_take(o, eq + 1, c, err, sizeof(err));  /* the table's own: valid */
    note_given(g, o, true, err, sizeof(err));
  }
}

/* --flag=value or --flag value; *used says how many argv slots. */
static enum pcb_cli_action take_arg(int argc, char **argv, int i, int *used,
                                    struct pcb_config *c, struct given *g,
                                    char *err, size_t errlen)
{
  const char *eq = strchr(argv[i], '=');
  size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
  const struct pcb_option *o = pcb__cli_find(argv[i], len);
  enum pcb_cli_action a;

  *used = 1;
  if (o == NULL)
    return ERR("pcbench: unknown option '%s' (see pcbench --help)",
               pcb__cli_shown(argv[i]));
  if (o->type != PCB_OPT_REFUSED &&
      (a = note_given(g, o, false, err, errlen)) != PCB_CLI_RUN)
    return a;
  if (o->type == PCB_OPT_REFUSED)
    return pcb__cli_take(o, "", c, err, errlen);
  if (o->pass && eq == NULL)
    return ERR("pcbench: %s needs =VALUE (allowed: %s=%s)", o->name, o->name,
               o->arg);
  if (o->pass) {
    if ((a = pcb__cli_take(o, eq + 1, c, err, errlen)) != PCB_CLI_RUN)
      return a;
    if (c->gb_argc >= PCB_GB_ARGV_MAX - PCB_GB_ARGV_OWN)
      return ERR("pcbench: too many --benchmark_* flags (allowed: %d)",
                 PCB_GB_ARGV_MAX - PCB_GB_ARGV_OWN - 1);
    c->gb_argv[c->gb_argc++] = argv[i];
    return PCB_CLI_RUN;
  }
  if (!pcb__cli_takes_value(o)) {
    if (eq)
      return ERR("pcbench: %s takes no value (see pcbench --help)", o->name);
    if (o->type == PCB_OPT_ACTION)
      return o->then;
    *FIELD(c, o, bool) = true;
    return PCB_CLI_RUN;
  }
  if (eq)
    return pcb__cli_take(o, eq + 1, c, err, errlen);
  if (i + 1 >= argc)
    return ERR("pcbench: %s needs a value (see pcbench --help)", o->name);
  *used = 2;
  return pcb__cli_take(o, argv[i + 1], c, err, errlen);
}

/* Physical memory in bytes, as the kernel reports it. */
static unsigned long long machine_memory(void)
{
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

  return pages > 0 && size > 0 ? (unsigned long long)pages * (unsigned long long)size
                               : ULLONG_MAX;
}

/* What no single row can check: a workload's minimum thread count, and
 * a mode this build lacks. */
static enum pcb_cli_action check_together(const struct pcb_config *c,
                                          char *err, size_t errlen)
{
  for (int i = 0; i < c->nworkloads; i++)
    if (c->threads != 0 && c->threads < c->workloads[i]->min_threads)
      return ERR("pcbench: --threads: %d is too few for workload '%s' "
                 "(allowed: %d..%d)", c->threads, c->workloads[i]->name,
                 c->workloads[i]->min_threads, PCB_THREADS_MAX);
  /* A storm costs a handler per signal on every thread; a workload that
   * blocks hands off through waits that each signal interrupts, and past
   * about 20 kHz its hand-offs starve (block: 0.07 s for 1000 storm events
   * at 20 kHz, 0.85 s at 40 kHz, over 20 s at 100 kHz on 2 vCPUs). */
  for (int i = 0; c->storm_hz > PCB_STORM_BLOCKING_HZ && i < c->nworkloads;
       i++)
    if (c->workloads[i]->real_time)
      return ERR("pcbench: --storm: %d Hz is more than workload '%s' can "
                 "take (allowed: 0..%d for workloads that block)",
                 c->storm_hz, c->workloads[i]->name, PCB_STORM_BLOCKING_HZ);
  /* An alternate stack smaller than the kernel's signal frame cannot take
   * a signal at all: the kernel kills the thread's process instead. */
  for (int i = 0; i < c->nsigstacks; i++)
    if (c->sigstacks[i] != 0 &&
        (c->sigstacks[i] < pcb_sigstack_min() ||
         c->sigstacks[i] % PCB_SIGSTACK_ALIGN != 0))
      return ERR("pcbench: --sigstack: %llu B is %s (allowed: none, or "
                 "multiples of %d from AT_MINSIGSTKSZ, %zu B on this "
                 "machine, to %d)", (unsigned long long)c->sigstacks[i],
                 c->sigstacks[i] % PCB_SIGSTACK_ALIGN != 0
                     ? "not a multiple of 64"
                     : "below AT_MINSIGSTKSZ, the kernel's signal frame",
                 PCB_SIGSTACK_ALIGN, pcb_sigstack_min(), PCB_SIGSTACK_MAX);
  if (c->paired && c->nstrategies < 2)
    return ERR("pcbench: --paired: compares strategies, and %d was given "
               "(allowed: two or more in --strategies)", c->nstrategies);
  if (c->paired && c->instructions)
    return ERR("pcbench: --paired: times, and --instructions counts "
               "instructions (allowed: one of the two)");
  if (c->interleave && c->instructions)
    return ERR("pcbench: --interleave: shuffles timed repetitions, and "
               "--instructions counts a fixed run of each entry under "
               "callgrind (allowed: one of the two)");
  if (c->working_set > machine_memory())
    return ERR("pcbench: --working-set: %llu is more than this machine's "
               "memory (allowed: bytes 1..%llu)",
               (unsigned long long)c->working_set, machine_memory());
  if (c->gb_list && c->out)
    return ERR("pcbench: --benchmark_list_tests=true (flag or "
               "BENCHMARK_LIST_TESTS): lists names and writes no results "
               "(allowed: without --out)");
  if (c->instructions && !PCB_ICOUNT_AVAILABLE)
    return ERR("pcbench: --instructions: this pcbench was built without "
               "valgrind/callgrind.h (allowed: install valgrind, rebuild)");
  return PCB_CLI_RUN;
}

enum pcb_cli_action pcb_cli_parse(int argc, char **argv, struct pcb_config *c,
                                  char *err, size_t errlen)
{
  static struct given g;
  enum pcb_cli_action a;

  memset(c, 0, sizeof(*c));
  g.n = 0;
  c->rate = PCB_RATE_POINT;  /* see config.h: a rate is a point's */
  for (size_t k = 0; k < pcb_noptions; k++)
    take_default(&pcb_options[k], c);
  c->gb_argv[c->gb_argc++] = argv[0];
  for (int i = 1; i < argc; i++)
    for (size_t k = 0; k < pcb_noptions; k++)
      if (pcb_options[k].type == PCB_OPT_PRESET &&
          strcmp(argv[i], pcb_options[k].name) == 0)
        take_preset(&pcb_options[k], c, &g);
  for (int i = 1, used = 1; i < argc; i += used) {
    used = 1;
    if (strcmp(argv[i], "-h") == 0)
      return PCB_CLI_HELP;
    if ((a = take_arg(argc, argv, i, &used, c, &g, err, errlen)) !=
        PCB_CLI_RUN)
      return a;
  }
  if ((a = pcb__cli_env(c, g.row, g.n, err, errlen)) != PCB_CLI_RUN)
    return a;
  return check_together(c, err, errlen);
}
