/*
 * paired/<workload>/depth:D/frames:F[/threads:T][/place:P][/cache:cold]
 * -- the run's strategies timed side by side (--paired), the figures to
 * compare them by; and per depth paired/thread_start/depth:D and
 * paired/first_event/depth:D, a thread's start and its first event in
 * the same arms and rounds, their batches paired_start.c's.
 *
 * Model (docs/design.md, "Paired timing"): separate entries are timed
 * seconds or minutes apart, and on a shared machine the drift between
 * them (another tenant, page-table scans, the layout a process drew at
 * start) is larger than the few-percent differences between strategies.
 * Here every strategy is an arm with a state of its own on the same
 * threads, and each round runs every arm for one short batch, in a fresh
 * random order, below a freshly drawn stack offset; a round gives one
 * sample of each arm's time over a reference's, in which the drift
 * cancels.  The median of those samples, with its order-statistic 95%
 * interval (core/paired.c), is the answer.
 *
 * Arms: every strategy of the run, plus an A/A control of the first
 * capturing one: its code clone (stack_clone: the same source compiled
 * again at another address), whose ratio to its original says how far
 * code placement, noise and data layout move a ratio; or, for a strategy
 * with no clone, its twin (the same strategy and code, a context of its
 * own), which sees noise and data layout alone.  Not both: a twin runs
 * its original's code, which then stays hotter in the instruction cache
 * than the clone's -- with cold caches that made stack_clone read 3%
 * slower than stack.  Ratios: each arm over `off`; `thread` and `lazy`
 * over `stack` (Go's question); the control over its original.
 *
 * Invariants: a batch's time is read by the measuring thread's loop
 * driver as its first operation starts and its last one ends, so neither
 * the descent to the event site nor the partners' start is in it -- or,
 * at a cold point, around each operation alone, the walk of the working
 * set between operations excluded (paired_batch.c says why); all arms of
 * a round run the same number of operations; nothing is allocated or
 * printed between a batch's reads.
 *
 * Cold points may run fewer rounds (--cold-rounds at most, 2000 by
 * default): each operation follows a walk of the working set, so a round
 * costs milliseconds (2 ms at malloc's points here).  At 200 a cold
 * interval across processes was useless (block's differences +-1-2 us);
 * docs/design.md ("Processes") has what 1000 and 2000 give.
 *
 * Warm points may run more (--round-time): a process's precision at a
 * warm point is limited by its own rounds, and a single-threaded round
 * costs a tenth of a two-threaded one's, so a time budget gives cheap
 * points more rounds (at most PCB_ROUNDS_GROWTH times --rounds) at no
 * cost to dear ones (docs/design.md, "Processes").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/name.h"
#include "base/progress.h"
#include "base/outfile.h"
#include "layout/layouts.h"
#include "layout/modules.h"
#include "pcbench/clock.h"
#include "pcbench/error.h"
#include "pcbench/layout.h"
#include "pcbench/paired.h"
#include "pcbench/rng.h"
#include "run/points.h"
#include "run/runner.h"
#include "suites/paired_arms.h"
#include "suites/paired_batch.h"
#include "suites/paired_report.h"
#include "suites/paired_start.h"
#include "suites/suite.h"

enum { MAX_ARMS = 3 * PCB_LIST_MAX + 4, MIN_COPY_ROUNDS = 5 };  /* the run's,
                                * two builds' and their shared paths, a control */

struct pentry {
  char name[160];
  struct pcb_point p;       /* p.s: the first arm's */
  int index;
  int rounds;               /* samples of every ratio, at least */
  int max_rounds;           /* ... and at most (--round-time) */
  bool faster_than_off;     /* a physics check failed (verdicts) */
  char why[160];
  const struct pcb__paired_kind *kind;  /* paired_start.h; NULL: p's
                                         * workload, paired_batch.c */
};

static const struct pcb_config *cfg;
static struct pentry *entries;
static int nentries;

/* The arms of one entry, and what a batch needs. */
static struct {
  struct pcb__arm arms[MAX_ARMS];
  int narms;
  int twin_of;              /* the arm the A/A control copies */
  int64_t iters;
  int cap;                  /* rounds the arms and copy[] have room for */
  struct pcb_rng rng;
  unsigned *copy;           /* per round: its copy's place in chosen[] */
  unsigned chosen[64 + 1];  /* the copies of the event path this entry runs */
  unsigned deck[64 + 1];    /* places in chosen[], in the order dealt */
  int ncopies, dealt;
  const struct pcb__paired_kind *kind;  /* the entry's (pentry) */
  int err;                  /* a kind's first failure (paired_start.h) */
} P;

/* The copies an entry runs on: all that are loaded, or as many as give
 * each at least MIN_COPY_ROUNDS rounds (a copy's median of fewer is one
 * preemption away from any value), drawn at random; a process of few
 * rounds samples a few layouts, and several processes sample others.
 * With old-against-new arms (modules_only) pcbench's own copy 0, linked
 * into the executable, is left out: the old arms run on modules alone,
 * so both sides draw their code from modules, neither from the
 * executable's placement (paired_arms.h). */
static void choose_copies(int rounds, bool modules_only)
{
  int first = modules_only && pcb_layouts_count() > 1;
  int n = pcb_layouts_count() - first, fit = rounds / MIN_COPY_ROUNDS;

  for (int i = 0; i < n; i++)
    P.chosen[i] = (unsigned)(i + first);
  pcb_rng_shuffle(&P.rng, P.chosen, (size_t)n);
  P.ncopies = n < fit ? n : fit < 2 ? (n < 2 ? n : 2) : fit;
  P.dealt = 0;
}

/* The next round's copy, as a place among the chosen ones: each once per
 * deck of P.ncopies rounds, in a fresh random order per deck, so every
 * chosen copy runs as many rounds as the others, give or take one. */
static unsigned next_copy(void)
{
  int n = P.ncopies;

  if (P.dealt % n == 0) {
    for (int i = 0; i < n; i++)
      P.deck[i] = (unsigned)i;
    pcb_rng_shuffle(&P.rng, P.deck, (size_t)n);
  }
  return P.deck[P.dealt++ % n];
}


static void arms_free(const struct pcb_point *p)
{
  for (int a = 0; a < P.narms; a++)
    pcb__arm_free(&P.arms[a], p);
  P.narms = 0;
}

static int arm_add(const struct pcb_point *p, const struct pcb_strategy *s,
                   const char *suffix)
{
  struct pcb__arm *arm = &P.arms[P.narms++];  /* arms_free undoes it all */

  return pcb__arm_add(arm, p, s, suffix, P.cap, cfg->rate);
}

static int arm_find(const char *name);

static int arms_setup(const struct pcb_point *p)
{
  const struct pcb_strategy *clone;
  int err = 0;

  P.narms = 0;
  P.twin_of = 0;
  for (int k = 0; k < cfg->nstrategies && err == 0; k++)
    err = arm_add(p, cfg->strategies[k], "");
  for (int a = P.narms - 1; a >= 0; a--)
    if (!(P.arms[a].s->flags & (PCB_F_NO_CAPTURE | PCB_F_CLONE)))
      P.twin_of = a;
  if (err == 0)
    err = pcb__arms_add_other_builds(P.arms, &P.narms, MAX_ARMS, p, P.cap,
                                     cfg->rate);
  clone = pcb_strategy_clone(P.arms[P.twin_of].s);
  if (err == 0 && clone != NULL && arm_find(clone->name) < 0)
    err = arm_add(p, clone, "");
  else if (err == 0 && clone == NULL)
    err = arm_add(p, P.arms[P.twin_of].s, "_twin");
  return err;
}

/* Operations per batch (paired_batch.c), every arm warmed up; a kind's
 * batch is fixed, each arm warmed up by one on its first copy. */
static int64_t calibrate(const struct pcb_point *p)
{
  struct pcb_wl_thread *const *arms[MAX_ARMS];

  for (int a = 0; a < P.narms && P.kind != NULL; a++)
    P.kind->batch_ns(&P.arms[a], p,
                     pcb__arm_on_copy(&P.arms[a], p->threads,
                                      (int)P.chosen[0]),
                     &P.rng, &P.err);
  if (P.kind != NULL)
    return PCB_START_BATCH;
  for (int a = 0; a < P.narms; a++)
    arms[a] = P.arms[a].ptr;
  return pcb__paired_batch_iters(p, arms, P.narms, &P.rng);
}

/* One round: every arm once, in a fresh random order, all on one copy
 * of the event path (a shared-buffer strategy on pcbench's own: its
 * buffers are that copy's); its time, in s. */
static double round_run(const struct pcb_point *p, int r)
{
  unsigned order[MAX_ARMS];
  double total = 0;

  P.copy[r] = next_copy();
  for (int a = 0; a < P.narms; a++) {
    order[a] = (unsigned)a;
    pcb__arm_relayout(&P.arms[a], &P.rng);
  }
  pcb_rng_shuffle(&P.rng, order, (size_t)P.narms);
  for (int k = 0; k < P.narms; k++) {
    struct pcb__arm *arm = &P.arms[order[k]];
    const struct pcb_event_module *m =
        pcb__arm_on_copy(arm, p->threads, (int)P.chosen[P.copy[r]]);

    arm->ns[r] = P.kind != NULL
                     ? P.kind->batch_ns(arm, p, m, &P.rng, &P.err)
                     : pcb__paired_batch_ns(p, arm->ptr, P.iters, &P.rng, m);
    total += arm->ns[r] * (double)P.iters;
  }
  return total * 1e-9;
}

static int arm_find(const char *name)
{
  for (int a = 0; a < P.narms; a++)
    if (strcmp(P.arms[a].label, name) == 0)
      return a;
  return -1;
}

/* The entry's counters, from its rounds (paired_report.c). */
static void report(pcb_gb_state *st, struct pentry *e, int rounds)
{
  struct pcb__paired_arm arms[MAX_ARMS];
  struct pcb__paired_rounds r = { arms, P.narms, P.twin_of, P.copy,
                                  P.ncopies, rounds,
                                  (double)P.iters };

  for (int a = 0; a < P.narms; a++)
    arms[a] = (struct pcb__paired_arm){ P.arms[a].label, P.arms[a].s,
                                        P.arms[a].ns };
  e->faster_than_off = !pcb__paired_report(st, &r, e->why, sizeof(e->why)) &&
                       (e->kind == NULL || e->kind->over_off_physical);
}

/* The entry's rounds: at least e->rounds, then (--round-time) more until
 * they took cfg->round_time in all, at most e->max_rounds.  The clock is
 * read between rounds, never inside a batch.  Stopping on a time budget
 * leaves no bias among arms: every round runs all of them, and the decks
 * of copies are dealt whole, so any prefix of rounds is balanced but for
 * the last deck.  Google Benchmark sees one iteration whose time is a
 * round's mean. */
static int rounds_run(const struct pcb_point *p, const struct pentry *e,
                      double *round_s)
{
  uint64_t t0 = pcb_clock_read_mono();
  double budget_ns = cfg->round_time * 1e9, sum = 0;
  int r = 0;

  while (r < e->rounds ||
         (r < e->max_rounds &&
          (double)(pcb_clock_read_mono() - t0) < budget_ns))
    sum += round_run(p, r++);
  *round_s = sum / r;
  return r;
}

static void paired_body(pcb_gb_state *st, void *arg)
{
  struct pentry *e = arg;
  double round_s;
  int err, rounds = 0;

  pcb_progress_nth(e->name, "paired", e->index, nentries);
  if (!pcb_runner_prepare(&e->p, st))
    return;
  /* the run's seed (--seed, or drawn per process), another stream per
   * entry: a process replays its orders and layouts from its seed */
  pcb_rng_seed(&P.rng, cfg->seed * 0x9e3779b97f4a7c15u + (uint64_t)e->index);
  P.kind = e->kind;
  P.err = 0;
  P.cap = e->max_rounds;
  P.copy = calloc((size_t)P.cap, sizeof(*P.copy));
  err = P.copy == NULL ? PCB_ENOMEM : arms_setup(&e->p);
  if (err == 0)
    choose_copies(e->rounds, pcb__arms_other_builds(P.arms, P.narms));
  if (err) {
    arms_free(&e->p);
    free(P.copy);
    if (err == PCB_ENOMEM)  /* the run ends (base/outfile.h) */
      pcb_out_of_memory("setting up a paired entry's arms");
    pcb_gb_skip_with_error(st, pcb_strerror(err));
    return;
  }
  P.iters = calibrate(&e->p);
  while (pcb_gb_keep_running_batch(st, 1)) {
    rounds = rounds_run(&e->p, e, &round_s);
    pcb_gb_set_iteration_time(st, round_s);
  }
  if (P.err == PCB_ENOMEM)  /* the run ends (base/outfile.h) */
    pcb_out_of_memory("a fresh context's buffer (thread start, first "
                      "event)");
  if (P.err != 0)
    pcb_gb_skip_with_error(st, pcb_strerror(P.err));
  else
    report(st, e, rounds);
  arms_free(&e->p);
  free(P.copy);
  P.copy = NULL;
}

static int add_entry(const struct pcb_point *p, void *arg)
{
  struct pentry *e = &entries[nentries];

  (void)arg;
  /* one entry per point, all arms (a cold point's batches time the
   * operations alone: paired_batch.c); rate 1 only: a batch of a few
   * operations at Go's rates holds no event */
  if (p->s != cfg->strategies[0] || p->rate != 1)
    return 0;
  *e = (struct pentry){ .p = *p, .index = nentries++,
                        .rounds = p->cache == PCB_CACHE_COLD &&
                                  cfg->rounds > cfg->cold_rounds
                                      ? cfg->cold_rounds : cfg->rounds };
  /* --round-time: warm entries only (a cold round is ms: their count is
   * --cold-rounds' to set) */
  e->max_rounds = cfg->round_time > 0 && p->cache != PCB_CACHE_COLD
                      ? e->rounds * PCB_ROUNDS_GROWTH : e->rounds;
  return pcb_point_name(e->name, sizeof(e->name), "paired", p, false);
}

/* paired/<kind>/depth:D (paired_start.h): per kind and depth, one entry
 * on a point of the run's first workload -- one thread, warm, rate 1,
 * the first event's frames -- that the runner prepares like any other;
 * its batches take the depth alone from it. */
static int add_start_entries(const struct pcb_config *c)
{
  int err = 0;

  for (int k = 0; pcb__paired_kinds[k] != NULL && c->nworkloads > 0; k++)
    for (int d = 0; d < c->ndepths && err == 0; d++) {
      struct pentry *e = &entries[nentries];

      *e = (struct pentry){
        .p = { .wl = c->workloads[0], .s = c->strategies[0],
               .depth = c->depths[d], .frames = PCB_START_FRAMES,
               .threads = 1, .place = c->places[0],
               .cache = PCB_CACHE_WARM, .rate = 1 },
        .index = nentries++, .rounds = c->rounds,
        .max_rounds = c->round_time > 0 ? c->rounds * PCB_ROUNDS_GROWTH
                                        : c->rounds,
        .kind = pcb__paired_kinds[k] };
      err = PCB_ENTRY_NAME(e->name, PCB_NAME_WORD("paired"),
                           PCB_NAME_WORD(e->kind->word),
                           PCB_NAME_INT("depth", e->p.depth));
    }
  return err;
}

static int paired_setup(const struct pcb_config *c)
{
  size_t nkinds = 0;
  int err;

  cfg = c;
  if (!c->paired)
    return 0;
  while (pcb__paired_kinds[nkinds] != NULL)
    nkinds++;
  entries = calloc((size_t)pcb_points_count(c) + 1 +
                        nkinds * (size_t)c->ndepths,
                    sizeof(*entries));
  if (entries == NULL)
    return PCB_ENOMEM;
  err = pcb_points_each(c, add_entry, NULL);
  if (err == 0)
    err = add_start_entries(c);
  if (err)
    return err;
  for (int i = 0; i < nentries; i++) {
    struct pcb_gb_opts o = { .manual_time = true, .repetitions = 1,
                             .iterations = 1 };

    pcb_gb_register(entries[i].name, paired_body, &entries[i], &o);
  }
  return 0;
}

/* A capture that timed faster than no capture is noise or a bug: say so
 * beside the figures, before anyone reads them as a finding. */
static int paired_verdicts(void)
{
  for (int i = 0; i < nentries; i++)
    if (entries[i].faster_than_off)
      fprintf(stderr, "pcbench: %s: warning: %s: below 1 is not physical "
              "(noise or a bug; look before quoting it)\n", entries[i].name,
              entries[i].why);
  return 0;
}

static void paired_fini(void)
{
  free(entries);
  entries = NULL;
  nentries = 0;
}

const struct pcb_suite pcb_suite_paired = {
  .name = "paired",
  .summary = "the strategies timed side by side in random order (--paired)",
  .kind = "paired",
  .prefixes = "paired",
  .counts = false,
  .setup = paired_setup,
  .verdicts = paired_verdicts,
  .fini = paired_fini,
};
