/*
 * <workload>/<strategy>/depth:D/frames:F[/threads:T][/place:P] -- the
 * matrix: one entry per point of the configuration.  One timed run per
 * repetition; the first also runs the point's untimed passes (the
 * correctness check, the latency pass, the stack figures), whose figures
 * every repetition then reports beside its own time.  In instruction-
 * count mode each run is bracketed by callgrind client requests instead,
 * and nothing untimed runs but the check.
 */
/*
 * In instruction-count mode the entry's loop runs uncounted; then the
 * event probe raises ICOUNT_WARM events (the first event's one-off work:
 * a lazy buffer, a new bucket), the counters are zeroed, the probe raises
 * --instructions events on the measuring thread alone, and callgrind
 * dumps them under the entry's name.  Callgrind collects only inside the
 * event sites (scripts/bench-ci), so every event of every workload --
 * block, mutex and lock included -- costs the same instructions.
 */
#include <stdlib.h>

#include "base/icount.h"
#include "base/progress.h"
#include "pcbench/error.h"
#include "run/floor.h"
#include "run/runner.h"
#include "suites/suite.h"

static const struct pcb_config *cfg;
static struct pcb_point_entry *entries;
static int nentries;

/* The uncounted loop runs one batch: Google Benchmark needs iterations. */
enum { ICOUNT_WARM = 64, ICOUNT_LOOP = 64 };

static void count_events(struct pcb_point_entry *e)
{
  pcb_runner_probe(&e->p, ICOUNT_WARM);
  PCB_ICOUNT_ZERO();
  pcb_runner_probe(&e->p, cfg->instructions);
  PCB_ICOUNT_DUMP(e->name);
}

static void matrix_body(pcb_gb_state *st, void *arg)
{
  struct pcb_point_entry *e = arg;
  struct pcb_tally t;
  int64_t iters;
  uint64_t t0;

  pcb_progress_nth(e->name, "matrix", e->index, nentries);
  if (!pcb_runner_prepare(&e->p, st))
    return;
  pcb_runner_reset(&e->p, cfg->rate, pcb_wl_consume_timed);
  t0 = pcb_clock_read_mono();
  pcb_runner_run(&e->p, st, 0, false);
  iters = pcb_gb_iterations(st);
  e->figs.ns_per_iter = (double)(pcb_clock_read_mono() - t0) /
                        (double)(iters > 0 ? iters : 1);
  t = pcb_runner_tally(&e->p);
  if (cfg->instructions)
    count_events(e);
  if (!e->figs.checked) {
    pcb_runner_check(&e->p, &e->figs);
    pcb_floor_ensure(e->p.depth, e->p.frames);  /* --interleave */
    if (!cfg->instructions) {  /* under callgrind: counts, not times */
      pcb_runner_latency(&e->p, NULL, &e->figs);
      pcb_runner_stack(&e->p, &e->figs);
    }
  }
  pcb_runner_counters(st, &e->p, &t, &e->figs);
}

static int matrix_setup(const struct pcb_config *c)
{
  cfg = c;
  entries = pcb_point_entries(c, NULL, &nentries);
  if (entries == NULL)
    return PCB_ENOMEM;
  for (int i = 0; i < nentries; i++) {
    struct pcb_gb_opts o = { .real_time = entries[i].p.wl->real_time };

    if (c->instructions)
      o.iterations = ICOUNT_LOOP, o.repetitions = 1;  /* uncounted */
    pcb_gb_register(entries[i].name, matrix_body, &entries[i], &o);
  }
  return 0;
}

static void matrix_fini(void)
{
  free(entries);
  entries = NULL;
  nentries = 0;
}

const struct pcb_suite pcb_suite_matrix = {
  .name = "matrix",
  .summary = "one entry per (workload, strategy, depth, frames) point",
  .counts = true,
  .setup = matrix_setup,
  .fini = matrix_fini,
};
