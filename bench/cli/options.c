/*
 * pcbench's options, in the order --help lists them, and the questions
 * about one row.  The names a list may take come from the project's
 * tables (choices.c), so a new workload or strategy is allowed and
 * listed here with no edit.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/gbshim.h"
#include "cli/choices.h"
#include "cli/options.h"
#include "config.h"
#include "pcbench/clock.h"
#include "pcbench/sigprof.h"
#include "pcbench/thread.h"


#define AT(field) offsetof(struct pcb_config, field)
#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)
#ifndef PCB_LAYOUTS  /* CMake defines it: the layout modules it builds */
#define PCB_LAYOUTS 0
#endif

/* Printable text: a value Google Benchmark copies into the results or
 * matches with; no control character, quote or backslash can reach the
 * JSON or the terminal from here.  NULL if v is, else what is wrong. */
static const char *printable(const char *v)
{
  if (*v == '\0')
    return "is empty";
  for (; *v; v++)
    if ((unsigned char)*v < 0x20 || *v == 0x7f || *v == '"' || *v == '\\')
      return "has a control character, quote or backslash";
  return NULL;
}

/* --module: main loaded it before parsing (layout/modules.h); here
 * only its form is checked again, for --module PATH as for =PATH. */
static const char *module_path(const char *v)
{
  return printable(v);
}

/* --benchmark_filter: printable, and a regular expression as Google
 * Benchmark compiles it (a leading '-' keeps the names that do not
 * match); the shim asks the library's own engine. */
static const char *filter(const char *v)
{
  const char *why = printable(v);

  return why ? why : pcb_gb_filter_error(v);
}

/* --benchmark_context: key=value[,key=value...], each item one '=' after
 * a non-empty key, as Google Benchmark splits it (a second '=' or an
 * empty item it would not take). */
static const char *context_pairs(const char *v)
{
  const char *why = printable(v);

  if (why)
    return why;
  for (const char *item = v; item; item = strchr(item, ',') ?
                                              strchr(item, ',') + 1 : NULL) {
    size_t len = strcspn(item, ","), key = strcspn(item, "=");

    if (key == 0 || key >= len || memchr(item + key + 1, '=',
                                         len - key - 1) != NULL)
      return "is not key=value pairs";
  }
  return NULL;
}

const struct pcb_option pcb_options[] = {
  { .heading = "Matrix (comma-separated lists):",
    .name = "--workloads", .type = PCB_OPT_NAMES, .off = AT(workloads),
    .n_off = AT(nworkloads), .choices = &pcb_choices_workloads,
    .def = "malloc,block", .arg = "LIST", .help = "workloads to run" },
  { .name = "--strategies", .type = PCB_OPT_NAMES, .off = AT(strategies),
    .n_off = AT(nstrategies), .choices = &pcb_choices_strategies, .arg = "LIST",
    .help = "where the PC buffer lives (see --list; by default\n"
            "all but those marked [not in defaults] there)" },
  { .name = "--module", .type = PCB_OPT_TEXT, .valid = module_path,
    .repeat = true, .arg = "PATH",
    .note = "a module's file, printable, no quote or backslash",
    .help = "load an event-path module (repeatable): the strategies\n"
            "it brings that pcbench lacks join --strategies and\n"
            "--list, and run on the module's code (docs/extending.md);\n"
            "LABEL=PATH ([a-z_]+) names it: another build's layout\n"
            "modules (which bring none) make paired arms S@LABEL,\n"
            "each S's new/old S_over_S@LABEL (docs/ci.md)" },
  { .name = "--depths", .type = PCB_OPT_INTS, .off = AT(depths),
    .n_off = AT(ndepths), .lo = 1, .hi = PCB_DEPTH_MAX, .def = "32,128",
    .arg = "LIST", .unit = "integers", .help = "PCs per capture" },
  { .name = "--frames", .type = PCB_OPT_INTS, .off = AT(frames),
    .n_off = AT(nframes), .lo = 1, .hi = PCB_CLI_FRAMES_MAX, .def = "16,100,200",
    .arg = "LIST", .unit = "integers", .help = "call-chain depth at the event" },
  { .name = "--placement", .type = PCB_OPT_NAMES, .off = AT(places),
    .n_off = AT(nplaces), .choices = &pcb_choices_placements,
    .def = "cross_core", .arg = "LIST", .help = "where block/mutex/lock partners run" },
  { .name = "--cache", .type = PCB_OPT_NAMES, .off = AT(caches),
    .n_off = AT(ncaches), .choices = &pcb_choices_cache_states, .def = "warm",
    .arg = "LIST",
    .help = "warm: operations back to back; cold: each thread walks\n"
            "--working-set bytes of its own between two events\n"
            "(malloc, block; names gain /cache:cold)" },
  { .name = "--rate", .type = PCB_OPT_RATES, .off = AT(rates),
    .n_off = AT(nrates), .lo = 1, .hi = 1099511627776.0, .def = "1",
    .arg = "LIST", .unit = "integers", .words = "go",
    .note = "or go: Go's defaults",
    .help = "malloc: mean bytes between samples; block, mutex,\n"
            "lock: cycles of waiting (Go's rates); 1 = every event;\n"
            "go: malloc 524288 B (MemProfileRate), the others 10 us\n"
            "of waiting in cycles, always cold (names gain /rate:N,\n"
            "/rate:go)" },
  { .name = "--external", .type = PCB_OPT_NAMES, .off = AT(externals),
    .n_off = AT(nexternals), .choices = &pcb_choices_externals,
    .arg = "LIST",
    .help = "shipped heap profilers beside the strategies, each in a\n"
            "process of its own with its allocator preloaded: the\n"
            "malloc workload's event, profiler active against\n"
            "inactive (external/ entries; docs/shipped.md)" },
  { .name = "--unwinder", .type = PCB_OPT_NAME, .off = AT(unwinder),
    .choices = &pcb_choices_unwinders, .def = "fp", .arg = "NAME",
    .help = "how every event captures" },
  { .name = "--clock", .type = PCB_OPT_NAME, .off = AT(clock),
    .choices = &pcb_choices_clock_paths, .def = "auto", .arg = "NAME",
    .help = "the counter every timing reads; auto: rdtscp where\n"
            "CPUID advertises it (never under valgrind), else\n"
            "lfence;rdtsc, else clock_gettime (--list: this CPU's)" },
  { .heading = "Workload:",
    .name = "--threads", .type = PCB_OPT_INT, .off = AT(threads), .lo = 1,
    .hi = PCB_THREADS_MAX, .arg = "N", .unit = "integers",
    .help = "malloc: threads allocating at once; block, mutex,\n"
            "lock: threads in the ring, 2 or more (default: the\n"
            "workload's minimum)" },
  { .name = "--spin-ns", .type = PCB_OPT_U64, .off = AT(spin_ns), .lo = 0,
    .hi = 1000000000, .def = "50000", .arg = "NS", .unit = "nanoseconds",
    .note = "0 = park at once",
    .help = "block, mutex: a wait spins this long before it parks\n"
            "(where the partner can run at once; else it parks)" },
  { .name = "--working-set", .type = PCB_OPT_U64, .off = AT(working_set),
    .lo = 1, .hi = 1099511627776.0, .arg = "BYTES", .unit = "bytes",
    .note = "at most the machine's memory",
    .help = "cold entries: bytes each thread walks between two\n"
            "events (default: twice the L2 size hwloc reports)" },
  { .heading = "Measurement:",
    .name = "--repetitions", .type = PCB_OPT_INT, .off = AT(repetitions),
    .lo = 1, .hi = 1000, .def = "1", .arg = "N", .unit = "integers",
    .help = "repetitions per entry (9+ for scripts/compare's U test)" },
  { .name = "--min-time", .type = PCB_OPT_SECONDS, .off = AT(min_time),
    .lo = 0.001, .hi = 60, .def = "0.1", .arg = "SEC", .unit = "seconds",
    .help = "minimum time per repetition" },
  { .name = "--check-events", .type = PCB_OPT_INT, .off = AT(check_events),
    .lo = 1, .hi = 1000000, .def = "1000", .arg = "N", .unit = "integers",
    .help = "events per entry checked against the ground truth,\n"
            "in an untimed pass" },
  { .name = "--latency-events", .type = PCB_OPT_INT,
    .off = AT(latency_events), .lo = 1, .hi = 10000000, .def = "20000",
    .arg = "N", .unit = "integers",
    .help = "operations per entry timed one by one for p50, p99,\n"
            "p999 and max, in an untimed pass" },
  { .name = "--quick", .type = PCB_OPT_PRESET, .off = AT(quick),
    .def = "--frames=16,200 --min-time=0.02 --rounds=100 --cache=warm "
           "--rate=1",
    .help = "a subset that runs in well under a minute; options given\n"
            "beside it win" },
  { .name = "--interleave", .type = PCB_OPT_FLAG, .off = AT(interleave),
    .help = "run the repetitions of all entries in random order,\n"
            "so slow drift of the machine spreads over every entry" },
  { .name = "--paired", .type = PCB_OPT_FLAG, .off = AT(paired),
    .help = "add paired/ entries: per point, the strategies timed\n"
            "side by side in rounds of short batches, in random\n"
            "order, and each one's ratio to off and to stack with a\n"
            "95% interval (the figures to compare strategies by)" },
  { .name = "--rounds", .type = PCB_OPT_INT, .off = AT(rounds),
    .lo = 20, .hi = 100000, .def = "2000", .arg = "N", .unit = "integers",
    .help = "rounds of each paired entry: samples of every ratio\n"
            "(a cold entry's: at most --cold-rounds)" },
  { .name = "--cold-rounds", .type = PCB_OPT_INT, .off = AT(cold_rounds),
    .lo = 20, .hi = 100000, .def = "2000", .arg = "N", .unit = "integers",
    .help = "rounds of a cold paired entry, at most (each operation\n"
            "follows a walk of the working set: a round is ms)" },
  { .name = "--round-time", .type = PCB_OPT_SECONDS,
    .off = AT(round_time), .lo = 0, .hi = 600, .def = "0", .arg = "SEC",
    .unit = "seconds", .note = "0 = exactly --rounds",
    .help = "a warm paired entry keeps running rounds after --rounds\n"
            "until its rounds took SEC in all, up to "
            NUMBER_TEXT(PCB_ROUNDS_GROWTH) " times --rounds:\n"
            "cheap points get more rounds at the cost of dear ones" },
  { .name = "--layouts", .type = PCB_OPT_INT, .off = AT(layouts), .lo = 0,
    .hi = 64, .def = NUMBER_TEXT(PCB_LAYOUTS), .arg = "N",
    .unit = "integers", .note = "0 = pcbench's own code only",
    .help = "paired entries: each batch runs on a copy of the event\n"
            "path drawn from pcbench's own and N modules whose code\n"
            "and data are linked in other orders, so placement is\n"
            "sampled, not fixed per build" },
  { .name = "--seed", .type = PCB_OPT_U64, .off = AT(seed), .lo = 1,
    .hi = 999999999999999.0, .arg = "N", .unit = "integers",
    .help = "the seed of every random draw (paired orders and\n"
            "layouts): the same seed replays them (default: a fresh\n"
            "one per process, in the results' context)" },
  { .name = "--instructions", .type = PCB_OPT_INT, .off = AT(instructions),
    .lo = 1, .hi = 10000000, .arg = "N", .unit = "iterations per entry",
    .help = "instruction-count mode, for running under callgrind\n"
            "(scripts/bench-ci): matrix entries only, N iterations\n"
            "each (default: off)" },
  { .heading = "Hostile conditions:",
    .name = "--storm", .type = PCB_OPT_INT, .off = AT(storm_hz), .lo = 0,
    .hi = 100000, .def = "0", .arg = "HZ",
    .unit = "signals per second per thread", .note = "0 = no storm entries",
    .help = "add storm/ entries: each thread takes SIGPROF HZ\n"
            "times a second, and the handler records a nested\n"
            "event; every outer event is checked (workloads that\n"
            "block: at most 20000, past which their hand-offs starve)" },
  { .name = "--storm-events", .type = PCB_OPT_INT, .off = AT(storm_events),
    .lo = 1, .hi = 100000000, .def = "1000000", .arg = "N",
    .unit = "integers", .help = "iterations of each storm entry" },
  { .name = "--sigstack", .type = PCB_OPT_RATES, .off = AT(sigstacks),
    .n_off = AT(nsigstacks), .lo = 64, .hi = PCB_SIGSTACK_MAX,
    .arg = "LIST", .unit = "bytes", .words = "none",
    .note = "or none: the interrupted stack",
    .help = "add cpu/ entries: CPU-profile samples (SIGPROF from the\n"
            "thread's CPU-time timer) handled on an alternate stack\n"
            "of each size, multiples of 64 from AT_MINSIGSTKSZ (the\n"
            "kernel's signal frame on this CPU; --list says it)" },
  { .name = "--cpu-hz", .type = PCB_OPT_INT, .off = AT(cpu_hz), .lo = 1,
    .hi = 100000, .def = "1000", .arg = "HZ",
    .unit = "samples per second of CPU time",
    .help = "cpu/ entries: the timer's rate (the kernel delivers\n"
            "at most about one per scheduler tick)" },
  { .name = "--cpu-samples", .type = PCB_OPT_INT, .off = AT(cpu_samples),
    .lo = 1, .hi = 4096, .def = "64", .arg = "N", .unit = "integers",
    .help = "cpu/ entries: samples checked and timed per entry" },
  { .name = "--churn-threads", .type = PCB_OPT_INT, .off = AT(churn_threads),
    .lo = 0, .hi = 1000000, .def = "1000", .arg = "N", .unit = "integers",
    .note = "0 = no churn entries",
    .help = "churn/ entries: N threads start, record 3 events\n"
            "and exit, one after another" },
  { .name = "--fail-every", .type = PCB_OPT_INT, .off = AT(fail_every),
    .lo = 0, .hi = 1000000, .def = "0", .arg = "N", .unit = "integers",
    .note = "0 = no injected failures",
    .help = "in churn entries every Nth strategy allocation fails" },
  { .heading = "Output and other:",
    .name = "--out", .type = PCB_OPT_PATH, .off = AT(out), .arg = "PATH",
    .help = "write results JSON (a temporary file, then renamed;\n"
            "default: a new pcbench-<UTC time>-<commit>-<pid>.json\n"
            "in the current directory)" },
  { .name = "--counters", .type = PCB_OPT_NAME, .off = AT(counters),
    .choices = &pcb_choices_counters, .def = "compact", .arg = "SET",
    .help = "the console's columns: compact (entry, time, cost\n"
            "over off at the same point, p50, p99, correct, events;\n"
            "160 columns; then a scorecard, one row a strategy) or all\n"
            "(every counter, no scorecard; --out keeps them all either\n"
            "way)" },
  { .name = "--list", .type = PCB_OPT_ACTION, .then = PCB_CLI_LIST,
    .help = "print the strategies, workloads and unwinders, and exit" },
  { .name = "--version", .type = PCB_OPT_ACTION, .then = PCB_CLI_VERSION,
    .help = "print pcbench's version, and exit" },
  { .name = "--help", .type = PCB_OPT_ACTION, .then = PCB_CLI_HELP,
    .help = "print this, and exit (also -h)" },
  /* Google Benchmark 1.7.1's flags, each checked as strictly as pcbench's
   * own; any other --benchmark_* is an unknown option.  The first three
   * are pcbench's own settings under Google Benchmark's names. */
  { .heading = "Google Benchmark's flags (--benchmark_x=VALUE; checked "
               "here, others exit 2):",
    .name = "--benchmark_repetitions", .type = PCB_OPT_INT,
    .off = AT(repetitions), .lo = 1, .hi = 1000, .arg = "N",
    .unit = "integers", .help = "same as --repetitions" },
  { .name = "--benchmark_min_time", .type = PCB_OPT_SECONDS,
    .off = AT(min_time), .lo = 0.001, .hi = 60, .arg = "SEC",
    .unit = "seconds", .help = "same as --min-time (plain seconds)" },
  { .name = "--benchmark_enable_random_interleaving", .type = PCB_OPT_BOOL,
    .off = AT(interleave), .arg = "BOOL", .help = "same as --interleave" },
  { .name = "--benchmark_filter", .type = PCB_OPT_TEXT, .pass = true,
    .valid = filter, .arg = "REGEX",
    .note = "an extended regular expression of printable characters, "
            "no quote or backslash; a leading - keeps what does not match",
    .help = "run only the entries whose names match" },
  { .name = "--benchmark_list_tests", .type = PCB_OPT_BOOL, .pass = true,
    .off = AT(gb_list), .arg = "BOOL",
    .help = "print the entry names and run nothing (not with --out)" },
  { .name = "--benchmark_min_warmup_time", .type = PCB_OPT_SECONDS,
    .pass = true, .lo = 0, .hi = 60, .arg = "SEC", .unit = "seconds",
    .help = "untimed run before each entry's timed ones" },
  /* csv is not among the words: Google Benchmark 1.7.1's CSV reporter
   * aborts (a failed CHECK) on a run whose entries carry different
   * counters, and every pcbench run has such entries. */
  { .name = "--benchmark_format", .type = PCB_OPT_WORD, .pass = true,
    .words = "console,json", .arg = "FMT",
    .help = "what stdout shows (--out is always JSON)" },
  { .name = "--benchmark_color", .type = PCB_OPT_WORD, .pass = true,
    .words = "auto,true,false", .arg = "WHEN", .help = "colour on stdout" },
  { .name = "--benchmark_counters_tabular", .type = PCB_OPT_WORD,
    .pass = true, .words = "true,false", .arg = "BOOL",
    .help = "counters as columns on stdout (with --counters=all)" },
  { .name = "--benchmark_display_aggregates_only", .type = PCB_OPT_WORD,
    .pass = true, .words = "true,false", .arg = "BOOL",
    .help = "stdout shows aggregates only" },
  { .name = "--benchmark_report_aggregates_only", .type = PCB_OPT_WORD,
    .pass = true, .words = "true,false", .arg = "BOOL",
    .help = "stdout and --out keep aggregates only" },
  { .name = "--benchmark_time_unit", .type = PCB_OPT_WORD, .pass = true,
    .words = "ns,us,ms,s", .arg = "UNIT", .help = "time unit of the output" },
  { .name = "--benchmark_context", .type = PCB_OPT_TEXT, .pass = true,
    .valid = context_pairs, .arg = "K=V,...",
    .note = "key=value pairs, comma-separated, one = each, printable, no "
            "quote or backslash",
    .help = "extra context recorded in the results" },
  { .name = "--benchmark_out", .type = PCB_OPT_REFUSED, .arg = "PATH",
    .note = "use --out, which writes a temporary and renames it",
    .help = "refused: use --out" },
  { .name = "--benchmark_out_format", .type = PCB_OPT_REFUSED, .arg = "FMT",
    .note = "use --out, which always writes JSON",
    .help = "refused: use --out" },
  { .name = "--benchmark_perf_counters", .type = PCB_OPT_REFUSED,
    .arg = "LIST",
    .note = "this Google Benchmark is built without libpfm: it would "
            "record nothing",
    .help = "refused: no libpfm in this build" },
};

const size_t pcb_noptions = sizeof(pcb_options) / sizeof(pcb_options[0]);

/* The questions about one row, which the parser, the values, the
 * environment and --help all ask. */

const struct pcb_option *pcb__cli_find(const char *name, size_t len)
{
  for (size_t i = 0; i < pcb_noptions; i++)
    if (strlen(pcb_options[i].name) == len &&
        strncmp(pcb_options[i].name, name, len) == 0)
      return &pcb_options[i];
  return NULL;
}

/* A row that stores its value where `off` says (pcb__cli_take): not an
 * action or a refusal, and of Google Benchmark's pass rows only the
 * booleans; the others are checked and handed on, and their `off` means
 * nothing. */
static bool stores(const struct pcb_option *o)
{
  if (o->type == PCB_OPT_ACTION || o->type == PCB_OPT_REFUSED ||
      o->type == PCB_OPT_WORD || o->type == PCB_OPT_TEXT)
    return false;
  return !o->pass || o->type == PCB_OPT_BOOL;
}

bool pcb__cli_same_setting(const struct pcb_option *a,
                           const struct pcb_option *b)
{
  return a == b || (stores(a) && stores(b) && a->off == b->off);
}

bool pcb__cli_takes_value(const struct pcb_option *o)
{
  return o->type != PCB_OPT_FLAG && o->type != PCB_OPT_PRESET &&
         o->type != PCB_OPT_ACTION;
}

/* "a, b, c": a row's choices, for --help and error lines. */
const char *pcb__cli_choices_of(const struct pcb_choices *ch)
{
  static char buf[512];

  buf[0] = '\0';
  for (size_t i = 0; i < ch->count(); i++)
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
             i ? ", " : "", ch->name_at(i));
  return buf;
}

/* The range of a numeric row, as error lines give it. */
const char *pcb__cli_range_of(const struct pcb_option *o)
{
  static char buf[160];

  snprintf(buf, sizeof(buf), "%s %.15g..%.15g%s%s",
           o->unit ? o->unit : "values", o->lo, o->hi, o->note ? "; " : "",
           o->note ? o->note : "");
  return buf;
}
