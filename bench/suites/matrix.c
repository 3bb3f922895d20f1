/*
 * <workload>/<strategy>/depth:D/frames:F[/threads:T][/place:P] -- the
 * matrix: one entry per point of the configuration.  One timed run per
 * repetition; the first also runs the point's untimed passes (the
 * correctness check, the latency pass, the stack figures), whose figures
 * every repetition then reports beside its own time.
 *
 * In instruction-count mode nothing is timed or checked: the event probe
 * raises ICOUNT_WARM events (the first event's one-off work: a lazy
 * buffer, a new bucket), the counters are zeroed, the probe raises
 * --instructions events on the measuring thread alone (in a cold entry
 * each after a walk of the working set, which callgrind simulates but
 * does not count), and callgrind dumps them under the entry's name.  Callgrind collects only inside the
 * event sites (scripts/bench-ci), so every event of every workload --
 * block, mutex and lock included -- costs the same instructions, and no
 * partner's hand-off or spin is in the count or in the run's duration.
 */
#include "base/icount.h"
#include "base/progress.h"
#include "pcbench/error.h"
#include "run/floor.h"
#include "pass/entry.h"
#include "pass/pass.h"
#include "run/runner.h"
#include "suites/suite.h"

static const struct pcb_config *cfg;
static const struct pcb_point_set *set;

/* Google Benchmark needs iterations: one empty batch of them. */
enum { ICOUNT_WARM = 64, ICOUNT_LOOP = 64 };

static void count_events(struct pcb_point_entry *e)
{
  pcb_pass_probe(&e->p, ICOUNT_WARM, cfg->instructions);
  PCB_ICOUNT_DUMP(e->name);
}

static void matrix_body(pcb_gb_state *st, void *arg)
{
  struct pcb_point_entry *e = arg;
  struct pcb_run_view v;
  struct pcb_tally t;
  int64_t iters;
  uint64_t t0;

  pcb_progress_nth(e->name, "matrix", e->index, set->n);
  if (!pcb_runner_prepare(&e->p, st))
    return;
  pcb_runner_reset(&e->p, PCB_RATE_POINT, pcb_wl_consume_timed);
  if (cfg->instructions) {  /* under callgrind: the probe's events alone */
    while (pcb_gb_keep_running_batch(st, ICOUNT_LOOP))
      continue;
    count_events(e);
    return;
  }
  t0 = pcb_clock_read_mono();
  pcb_runner_run(&e->p, st, 0, NULL);
  iters = pcb_gb_iterations(st);
  e->figs.ns_per_iter = (double)(pcb_clock_read_mono() - t0) /
                        (double)(iters > 0 ? iters : 1);
  v = pcb_runner_view();
  t = pcb_tally(&v, &e->p);
  if (!e->figs.checked) {
    pcb_pass_check(&e->p, cfg->check_events, &e->figs);
    pcb_floor_ensure(e->p.depth, e->p.frames);  /* --interleave */
    pcb_pass_latency(&e->p, cfg->latency_events, NULL, &e->figs);
    pcb_pass_stack(&e->p, &e->figs);
  }
  pcb_point_counters(st, &e->p, &t, &e->figs);
}

static int matrix_setup(const struct pcb_config *c)
{
  struct pcb_gb_opts o = { 0 };

  cfg = c;
  if (c->instructions)
    o.iterations = ICOUNT_LOOP, o.repetitions = 1;  /* uncounted */
  set = pcb_point_register(c, NULL, matrix_body, &o);
  return set != NULL ? 0 : PCB_ENOMEM;
}

const struct pcb_suite pcb_suite_matrix = {
  .name = "matrix",
  .summary = "one entry per (workload, strategy, depth, frames) point",
  .kind = "point",
  .prefixes = NULL,
  .counts = true,
  .setup = matrix_setup,
};
