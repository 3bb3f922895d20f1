/*
 * paired/<workload>/depth:D/frames:F[/threads:T][/place:P][/cache:cold]
 * -- the run's strategies timed side by side (--paired), the figures to
 * compare them by.
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
 * Arms: every strategy of the run, plus a twin of the first capturing one
 * (the same strategy, a context of its own): twin over original is an
 * A/A comparison, whose interval says how far noise and layout alone
 * move a ratio.  Ratios: each arm over `off`; `thread` and `lazy` over
 * `stack` (Go's question); the twin over its original.
 *
 * Invariants: a batch's time is read by the measuring thread's loop
 * driver as its first operation starts and its last one ends, so neither
 * the descent to the event site nor the partners' start is in it -- or,
 * at a cold point, around each operation alone, the walk of the working
 * set between operations excluded (paired_batch.c says why); all arms of
 * a round run the same number of operations; nothing is allocated or
 * printed between a batch's reads.
 *
 * Cold points run fewer rounds (COLD_ROUNDS at most): each operation
 * follows a walk of the working set, so a round costs milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "base/outfile.h"
#include "pcbench/error.h"
#include "pcbench/layout.h"
#include "pcbench/paired.h"
#include "pcbench/rng.h"
#include "run/runner.h"
#include "suites/paired_batch.h"
#include "suites/suite.h"

enum { MAX_ARMS = PCB_LIST_MAX + 1, COLD_ROUNDS = 200 };

/* An arm: a strategy with a state of its own on every thread.  The
 * measuring thread's state moves, each round, to a fresh offset within
 * `region` (and a private heap buffer to a fresh offset within `heap`),
 * so that no arm keeps a layout the others do not have. */
struct arm {
  const struct pcb_strategy *s;
  char label[40];
  struct pcb_wl_thread w[PCB_THREADS_MAX];  /* [0]: where it registered */
  struct pcb_wl_thread *ptr[PCB_THREADS_MAX];
  unsigned char *region, *heap;
  size_t heap_bytes;
  void *own_buf;            /* the buffer thread_init allocated */
  int registered;           /* threads registered with its strategy */
  double *ns;               /* per round: ns per operation */
};

struct pentry {
  char name[160];
  struct pcb_point p;       /* p.s: the first arm's */
  int index;
  int rounds;               /* samples of every ratio */
  bool faster_than_off;     /* a physics check failed (verdicts) */
  char why[160];
};

static const struct pcb_config *cfg;
static struct pentry *entries;
static int nentries;

/* The arms of one entry, and what a batch needs. */
static struct {
  struct arm arms[MAX_ARMS];
  int narms;
  int twin_of;              /* the arm the twin duplicates */
  int64_t iters;
  struct pcb_rng rng;
} P;

struct reg {
  const struct pcb_strategy *s;
  int depth;
};

static int arm_register(struct pcb_wl_thread *w, void *arg)
{
  const struct reg *r = arg;

  return pcb_thread_register(&w->thread, r->s, r->depth);
}

static int arm_unregister(struct pcb_wl_thread *w, void *arg)
{
  (void)arg;
  pcb_thread_unregister(&w->thread);
  return 0;
}

/* The measuring thread's state back where it registered, with the
 * buffer its strategy allocated, so that thread_exit frees that one. */
static void arm_home(struct arm *arm)
{
  if (arm->ptr[0] != NULL && arm->ptr[0] != &arm->w[0])
    memcpy(&arm->w[0], arm->ptr[0], sizeof(arm->w[0]));
  arm->ptr[0] = &arm->w[0];
  if (arm->own_buf != NULL)
    arm->w[0].thread.buf = arm->own_buf;
  arm->own_buf = NULL;
}

static void arms_free(const struct pcb_point *p)
{
  for (int a = 0; a < P.narms; a++) {
    struct arm *arm = &P.arms[a];

    arm_home(arm);
    for (int i = 0; i < arm->registered && i < p->threads; i++)
      pcb_runner_call_on(i, arm_unregister, &arm->w[i], NULL);
    free(arm->ns);
    free(arm->region);
    free(arm->heap);
    *arm = (struct arm){ 0 };
  }
  P.narms = 0;
}

/* A fresh layout for the arm's measuring-thread state: the state at a
 * random 16-byte step within its region, and a per-thread heap buffer
 * (not a shared one) at a random 8-byte step within its own. */
static void arm_relayout(struct arm *arm)
{
  struct pcb_thread *t;
  struct pcb_layout lay;
  unsigned char *to;

  pcb_layout_draw(&P.rng, &lay);
  to = arm->region + lay.stack_offset;
  memmove(to, arm->ptr[0], sizeof(arm->w[0]));
  arm->ptr[0] = (struct pcb_wl_thread *)(void *)to;
  t = &arm->ptr[0]->thread;
  if (t->buf == NULL || t->buf_bytes == 0 || (arm->s->flags & PCB_F_SHARED) ||
      t->buf_bytes > arm->heap_bytes / 2)
    return;
  if (arm->own_buf == NULL)
    arm->own_buf = t->buf;
  t->buf = pcb_layout_place(arm->heap, arm->heap_bytes, t->buf_bytes,
                            lay.heap_offset);
}

static int arm_add(const struct pcb_point *p, const struct pcb_strategy *s,
                   const char *suffix)
{
  struct arm *arm = &P.arms[P.narms];
  struct reg r = { s, p->depth };
  int err = 0;

  arm->s = s;
  snprintf(arm->label, sizeof(arm->label), "%s%s", s->name, suffix);
  arm->ns = calloc((size_t)cfg->rounds, sizeof(double));
  arm->region = aligned_alloc(64, (PCB_LAYOUT_SPAN + sizeof(arm->w[0]) + 63) /
                                      64 * 64);
  arm->heap_bytes = pcb_layout_region_bytes((size_t)p->depth *
                                            sizeof(uintptr_t));
  arm->heap = malloc(arm->heap_bytes);
  P.narms++;  /* arms_free frees what was allocated */
  if (arm->ns == NULL || arm->region == NULL || arm->heap == NULL)
    return PCB_ENOMEM;
  for (int i = 0; i < p->threads && err == 0; i++) {
    pcb_runner_arm_state(i, &arm->w[i], cfg->rate);
    arm->ptr[i] = &arm->w[i];
    err = pcb_runner_call_on(i, arm_register, &arm->w[i], &r);
    arm->registered += err == 0;
  }
  return err;
}

static int arms_setup(const struct pcb_point *p)
{
  int err = 0;

  P.narms = 0;
  P.twin_of = 0;
  for (int k = 0; k < cfg->nstrategies && err == 0; k++)
    err = arm_add(p, cfg->strategies[k], "");
  for (int a = P.narms - 1; a >= 0; a--)
    if (!(P.arms[a].s->flags & PCB_F_NO_CAPTURE))
      P.twin_of = a;
  if (err == 0)
    err = arm_add(p, P.arms[P.twin_of].s, "_twin");
  return err;
}

/* Operations per batch (paired_batch.c), every arm warmed up. */
static int64_t calibrate(const struct pcb_point *p)
{
  struct pcb_wl_thread *const *arms[MAX_ARMS];

  for (int a = 0; a < P.narms; a++)
    arms[a] = P.arms[a].ptr;
  return pcb__paired_batch_iters(p, arms, P.narms, &P.rng);
}

/* One round: every arm once, in a fresh random order; its time, in s. */
static double round_run(const struct pcb_point *p, int r)
{
  unsigned order[MAX_ARMS];
  double total = 0;

  for (int a = 0; a < P.narms; a++) {
    order[a] = (unsigned)a;
    arm_relayout(&P.arms[a]);
  }
  pcb_rng_shuffle(&P.rng, order, (size_t)P.narms);
  for (int k = 0; k < P.narms; k++) {
    struct arm *arm = &P.arms[order[k]];

    arm->ns[r] = pcb__paired_batch_ns(p, arm->ptr, P.iters, &P.rng);
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

/* One counter named after arm a and its reference. */
static void pair_counter(pcb_gb_state *st, const char *fmt, int a, int ref,
                         double v)
{
  char key[96];

  snprintf(key, sizeof(key), fmt, P.arms[a].label, P.arms[ref].label);
  pcb_gb_counter(st, key, v, PCB_GB_PLAIN);
}

/* The counters of one ratio: a over ref, and a minus ref in ns. */
static void ratio_counters(pcb_gb_state *st, struct pentry *e, int a,
                           int ref, double *scratch)
{
  struct pcb_paired s;

  if (pcb_paired_summarise(P.arms[ref].ns, P.arms[a].ns, (size_t)e->rounds,
                           PCB_PAIRED_ALPHA, scratch, &s) != 0)
    return;
  pair_counter(st, "%s_over_%s", a, ref, s.ratio.median);
  pair_counter(st, "%s_over_%s_lo", a, ref, s.ratio.lo);
  pair_counter(st, "%s_over_%s_hi", a, ref, s.ratio.hi);
  pair_counter(st, "%s_minus_%s_ns", a, ref, s.diff.median);
  pair_counter(st, "%s_minus_%s_ns_lo", a, ref, s.diff.lo);
  pair_counter(st, "%s_minus_%s_ns_hi", a, ref, s.diff.hi);
  /* physics: a capture is never cheaper than no capture at all */
  if (strcmp(P.arms[ref].label, "off") == 0 && s.ratio.hi < 1.0 &&
      !(P.arms[a].s->flags & PCB_F_NO_CAPTURE)) {
    e->faster_than_off = true;
    snprintf(e->why, sizeof(e->why), "%s over off %.4f [%.4f, %.4f]",
             P.arms[a].label, s.ratio.median, s.ratio.lo, s.ratio.hi);
  }
}

static void report(pcb_gb_state *st, struct pentry *e)
{
  double *scratch = malloc(sizeof(double) * (size_t)e->rounds);
  int off = arm_find("off"), stack = arm_find("stack");

  if (scratch == NULL)  /* the run ends (base/outfile.h) */
    pcb_out_of_memory("summarising a paired entry");
  for (int a = 0; a < P.narms; a++) {
    char key[64];
    struct pcb_median_ci m;

    memcpy(scratch, P.arms[a].ns, sizeof(double) * (size_t)e->rounds);
    if (pcb_median_ci(scratch, (size_t)e->rounds, PCB_PAIRED_ALPHA, &m) == 0) {
      snprintf(key, sizeof(key), "%s_ns", P.arms[a].label);
      pcb_gb_counter(st, key, m.median, PCB_GB_PLAIN);
    }
    if (off >= 0 && a != off && strcmp(P.arms[a].label, "off_twin") != 0)
      ratio_counters(st, e, a, off, scratch);
  }
  for (int a = 0; stack >= 0 && a < P.narms; a++)
    if (a != stack && (strcmp(P.arms[a].label, "thread") == 0 ||
                       strcmp(P.arms[a].label, "lazy") == 0))
      ratio_counters(st, e, a, stack, scratch);
  ratio_counters(st, e, P.narms - 1, P.twin_of, scratch);
  pcb_gb_counter(st, "rounds", e->rounds, PCB_GB_PLAIN);
  pcb_gb_counter(st, "batch_ops", (double)P.iters, PCB_GB_PLAIN);
  free(scratch);
}

static void paired_body(pcb_gb_state *st, void *arg)
{
  struct pentry *e = arg;
  int err;

  pcb_progress_nth(e->name, "paired", e->index, nentries);
  if (!pcb_runner_prepare(&e->p, st))
    return;
  pcb_rng_seed(&P.rng, 0x5eedu + (uint64_t)e->index);
  err = arms_setup(&e->p);
  if (err) {
    arms_free(&e->p);
    if (err == PCB_ENOMEM)  /* the run ends (base/outfile.h) */
      pcb_out_of_memory("setting up a paired entry's arms");
    pcb_gb_skip_with_error(st, pcb_strerror(err));
    return;
  }
  P.iters = calibrate(&e->p);
  for (int r = 0; pcb_gb_keep_running_batch(st, 1); r++)
    pcb_gb_set_iteration_time(st, round_run(&e->p, r));
  report(st, e);
  arms_free(&e->p);
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
                                  cfg->rounds > COLD_ROUNDS ? COLD_ROUNDS
                                                            : cfg->rounds };
  return pcb_point_name(e->name, sizeof(e->name), "paired", p, false);
}

static int paired_setup(const struct pcb_config *c)
{
  int err;

  cfg = c;
  if (!c->paired)
    return 0;
  entries = calloc((size_t)pcb_points_count(c) + 1, sizeof(*entries));
  if (entries == NULL)
    return PCB_ENOMEM;
  err = pcb_points_each(c, add_entry, NULL);
  if (err)
    return err;
  for (int i = 0; i < nentries; i++) {
    struct pcb_gb_opts o = { .manual_time = true, .repetitions = 1,
                             .iterations = entries[i].rounds };

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
  .counts = false,
  .setup = paired_setup,
  .verdicts = paired_verdicts,
  .fini = paired_fini,
};
