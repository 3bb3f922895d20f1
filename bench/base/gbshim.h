/*
 * A C interface to Google Benchmark 1.7.1 (bench/gbshim.cc).  All of
 * pcbench's timing goes through here: C cannot include benchmark.h.
 * Benchmarks are registered from a loop in main with a C callback and a
 * void *, not by static self-registration.
 */
#ifndef PCBENCH_GBSHIM_H
#define PCBENCH_GBSHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pcb_gb_state pcb_gb_state;  /* a benchmark::State */
typedef void (*pcb_gb_fn)(pcb_gb_state *st, void *arg);

struct pcb_gb_opts {
  bool real_time;    /* wall clock (blocking workloads) */
  bool manual_time;  /* the body reports each run's time itself */
  int repetitions;   /* 0: the command line's --benchmark_repetitions */
  double min_time;   /* seconds; 0: the command line's */
  int64_t iterations;/* fixed count; 0: Google Benchmark chooses */
};

/* Counter flags (benchmark::Counter::Flags). */
enum {
  PCB_GB_PLAIN = 0,
  PCB_GB_RATE = 1,
  PCB_GB_AVG_ITERATIONS = 8,
};

/* Forgets what Google Benchmark read from the environment while it
 * loaded (every flag back to its default: pcbench reads the variables
 * itself, cli/env.c), then parses and removes the --benchmark_* flags;
 * false if any are unrecognized (Google Benchmark has then printed
 * which).  Counters are shown as a table unless a flag says otherwise. */
bool pcb_gb_init(int *argc, char **argv);
/* NULL if `flag` (a --benchmark_filter value) compiles as Google
 * Benchmark compiles it, else what is wrong ("is not a regular expression
 * (...)"); may be called before pcb_gb_init. */
const char *pcb_gb_filter_error(const char *flag);
/* After pcb_gb_init and registration: how many registered entries the
 * filter selects, as Google Benchmark will select them. */
long pcb_gb_matched(void);
/* The filter in force (flag or environment, checked: printable). */
const char *pcb_gb_filter(void);
void pcb_gb_register(const char *name, pcb_gb_fn fn, void *arg,
                     const struct pcb_gb_opts *opts);
/* A key of the results' context: before the run, rendered with the rest;
 * once the run started (from the at-end hook), added when the results are
 * written.  value: printable text. */
void pcb_gb_context(const char *key, const char *value);
/* fn runs once when the last entry has run, before anything of the
 * results is written: where context keys that describe the run's end
 * are given. */
void pcb_gb_at_end(void (*fn)(void));
/* Runs what was registered; returns how many benchmarks ran.  Every JSON
 * it writes (stdout, --benchmark_out) is strict: a cv of a value that was
 * 0 in every repetition is written as 0, and any other non-finite value
 * is left out, named on stderr and counted by pcb_gb_left_out(). */
/* all_counters: the console shows every counter (Google Benchmark's
 * tabular console), else the compact table (gbconsole.cc). */
unsigned long pcb_gb_run(bool all_counters);
unsigned long pcb_gb_left_out(void);
/* fn runs once, after the last entry ran and before any JSON row is
 * written (gbreport.cc holds them till then): where a suite settles what
 * needs the whole run, and adds it with pcb_gb_amend. */
void pcb_gb_before_write(void (*fn)(void));
/* Every JSON row of the entry registered as `name` gains counter `key`:
 * `value` in its repetitions, mean and median, 0 in stddev and cv.  Only
 * from the before-write hook. */
void pcb_gb_amend(const char *name, const char *key, double value);
void pcb_gb_shutdown(void);

/* After pcb_gb_run: the rows the results file holds, one per entry as
 * Google Benchmark names it without its suffixes (its first repetition,
 * or its median where only aggregates were reported), in the order they
 * ran; 0 rows when the run wrote none.  The scorecard reads them. */
size_t pcb_gb_rows(void);
const char *pcb_gb_row_name(size_t i);
/* The row's counter `key` as written to the file, or NaN without it. */
double pcb_gb_row_counter(size_t i, const char *key);
/* Whether the run's display was the compact console (gbconsole.cc). */
bool pcb_gb_compact_shown(void);

/* In a body: the timing loop, in batches of n iterations (the timer runs
 * from the first call to the last). */
bool pcb_gb_keep_running_batch(pcb_gb_state *st, int64_t n);
/* Iterations run so far (after the loop: all of them). */
int64_t pcb_gb_iterations(const pcb_gb_state *st);
void pcb_gb_set_iteration_time(pcb_gb_state *st, double seconds);
void pcb_gb_counter(pcb_gb_state *st, const char *name, double value,
                    int flags);
void pcb_gb_skip_with_error(pcb_gb_state *st, const char *msg);

#ifdef __cplusplus
}
#endif

#endif
