/*
 * A paired entry's counters (paired_report.h).
 *
 * Two intervals per ratio, for two questions.  Within the process, the
 * rounds: the median of per-round ratios with its order-statistic 95%
 * interval (core/paired.c), `<a>_over_<b>_rounds`, `_rounds_lo`,
 * `_rounds_hi`.  It is precise, and holds for this process's code
 * placement alone: a build that puts the code elsewhere moves the ratio
 * by more than that interval (a clone of `stack`, the same source at
 * another address, "differed" from `stack` at a quarter of points).
 * Across layouts: the rounds grouped by the copy of the event path they
 * ran on, each copy's median, and the Student-t interval of their mean
 * (core/spread.c), `<a>_over_<b>`, `_lo`, `_hi`: the answer averaged
 * over code placements, with an interval that covers what moves between
 * them.  That is the one to compare strategies by, and the code clone
 * over its original says whether it is wide enough.  With one copy
 * there is no across-layout interval, and the round interval takes its
 * place (`layouts` = 1 says so).  `_layout_sd` is the copies' own spread
 * (the standard deviation of their medians less those medians' sampling
 * noise), for a summary over several processes (scripts/paired-runs),
 * where the noise is already in the spread between processes.  Differences in ns (`_minus_`) likewise.
 *
 * Old against new (--module=LABEL=PATH): an arm `<s>@<label>` runs s on
 * another build's copies; `<s>_over_<s>@<label>` is the run's own s over it, and
 * with several labels `<s>@<first>_over_<s>@<label>` (the first label
 * loaded over each other), paired round by round like any other ratio.
 * Those ratios also give each copy's median, `_copy<k>` (copy_medians).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "pcbench/paired.h"
#include "pcbench/spread.h"
#include "suites/paired_report.h"

struct report {
  pcb_gb_state *st;
  const struct pcb__paired_rounds *r;
  double *scratch, *v;
  bool physical;
  char *why;
  size_t whylen;
};

static int arm_find(const struct pcb__paired_rounds *r, const char *name)
{
  for (int a = 0; a < r->narms; a++)
    if (strcmp(r->arms[a].label, name) == 0)
      return a;
  return -1;
}

static void counter(struct report *R, const char *fmt, int a, int ref,
                    const char *suffix, double v)
{
  char key[128];

  snprintf(key, sizeof(key), fmt, R->r->arms[a].label, R->r->arms[ref].label,
           suffix);
  pcb_gb_counter(R->st, key, v, PCB_GB_PLAIN);
}

/* Across layouts: per-round values v grouped by copy; false if fewer
 * than two copies ran. */
static bool across(struct report *R, struct pcb_groups_ci *ci)
{
  return R->r->ncopies > 1 &&
         pcb_groups_ci(R->v, R->r->copy, (size_t)R->r->rounds,
                       (unsigned)R->r->ncopies, PCB_PAIRED_ALPHA, R->scratch,
                       ci) == 0;
}

/* One quantity (fmt: "%s_over_%s%s"), v[] its per-round values, `w` its
 * within-process summary. */
static void quantity(struct report *R, const char *fmt, int a, int ref,
                     const struct pcb_median_ci *w, struct pcb_groups_ci *x)
{
  counter(R, fmt, a, ref, "_rounds", w->median);
  counter(R, fmt, a, ref, "_rounds_lo", w->lo);
  counter(R, fmt, a, ref, "_rounds_hi", w->hi);
  if (!across(R, x))
    *x = (struct pcb_groups_ci){ w->median, w->lo, w->hi, 0, 0, 1 };
  counter(R, fmt, a, ref, "", x->mean);
  counter(R, fmt, a, ref, "_lo", x->lo);
  counter(R, fmt, a, ref, "_hi", x->hi);
  /* the copies' own spread, their rounds' noise taken out: what several
   * processes pool into the layouts' share of an interval across them */
  counter(R, fmt, a, ref, "_layout_sd", x->between_sd);
}

/* Each copy's median of v[], `<q>_copy<k>` for the copies that ran:
 * several processes ran the same copies, so a summary over them
 * (scripts/compare --in-process) can average each copy over the
 * processes and take the copies' spread from those averages, where
 * each process's own noise is divided by the processes -- rather than
 * from `_layout_sd`, which is each process's spread of about a dozen
 * rounds per copy less an estimate of their noise, clipped at 0. */
static void copy_medians(struct report *R, const char *fmt, int a, int ref)
{
  double med[PCB_GROUPS_MAX];
  char suffix[24];

  if (R->r->ncopies < 2 ||
      pcb_groups_medians(R->v, R->r->copy, (size_t)R->r->rounds,
                         (unsigned)R->r->ncopies, R->scratch, med) != 0)
    return;
  for (int k = 0; k < R->r->ncopies; k++)
    if (!isnan(med[k])) {
      snprintf(suffix, sizeof(suffix), "_copy%d", k);
      counter(R, fmt, a, ref, suffix, med[k]);
    }
}

/* Arm a over arm ref, and their difference; with `copies`, each copy's
 * median of the ratio too (another build's ratios). */
static void ratio(struct report *R, int a, int ref, bool copies)
{
  const double *an = R->r->arms[a].ns, *rn = R->r->arms[ref].ns;
  size_t n = (size_t)R->r->rounds;
  struct pcb_paired s;
  struct pcb_groups_ci x;

  if (pcb_paired_summarise(rn, an, n, PCB_PAIRED_ALPHA, R->scratch, &s) != 0)
    return;
  for (size_t i = 0; i < n; i++)
    R->v[i] = an[i] / rn[i];
  quantity(R, "%s_over_%s%s", a, ref, &s.ratio, &x);
  if (copies)
    copy_medians(R, "%s_over_%s%s", a, ref);
  /* physics: a capture is never cheaper than no capture at all */
  if (strcmp(R->r->arms[ref].label, "off") == 0 && x.hi < 1.0 &&
      !(R->r->arms[a].s->flags & PCB_F_NO_CAPTURE) && R->physical) {
    R->physical = false;
    snprintf(R->why, R->whylen, "%s over off %.4f [%.4f, %.4f]",
             R->r->arms[a].label, x.mean, x.lo, x.hi);
  }
  for (size_t i = 0; i < n; i++)
    R->v[i] = an[i] - rn[i];
  quantity(R, "%s_minus_%s_ns%s", a, ref, &s.diff, &x);
}

static void arm_medians(struct report *R)
{
  for (int a = 0; a < R->r->narms; a++) {
    struct pcb_median_ci m;
    char key[64];

    memcpy(R->scratch, R->r->arms[a].ns, sizeof(double) * (size_t)R->r->rounds);
    if (pcb_median_ci(R->scratch, (size_t)R->r->rounds, PCB_PAIRED_ALPHA,
                      &m) == 0) {
      snprintf(key, sizeof(key), "%s_ns", R->r->arms[a].label);
      pcb_gb_counter(R->st, key, m.median, PCB_GB_PLAIN);
    }
  }
}

/* An arm `<s>@<label>` (another build's copies): the run's own arm s
 * over it, and the arm of s on the first label loaded over it, if that
 * is another -- new over old with both on modules (docs/ci.md). */
static void other_builds(struct report *R, int a)
{
  const char *label = R->r->arms[a].label;
  int n = (int)strcspn(label, "@"), host, first = -1;
  char own[40];

  snprintf(own, sizeof(own), "%.*s", n, label);
  host = arm_find(R->r, own);
  if (host >= 0)
    ratio(R, host, a, true);
  for (int b = 0; b < R->r->narms && first < 0; b++)
    if (strncmp(R->r->arms[b].label, label, (size_t)n + 1) == 0)
      first = b;
  if (first >= 0 && first != a)
    ratio(R, first, a, true);
}

bool pcb__paired_report(pcb_gb_state *st, const struct pcb__paired_rounds *r,
                        char *why, size_t whylen)
{
  struct report R = { st, r, malloc(sizeof(double) * (size_t)r->rounds),
                      malloc(sizeof(double) * (size_t)r->rounds), true, why,
                      whylen };
  int off = arm_find(r, "off"), stack = arm_find(r, "stack");

  if (R.scratch == NULL || R.v == NULL)  /* the run ends (base/outfile.h) */
    pcb_out_of_memory("summarising a paired entry");
  {
    arm_medians(&R);
    for (int a = 0; a < r->narms; a++) {
      const char *label = r->arms[a].label;
      int orig = r->arms[a].s->clone_of ? arm_find(r, r->arms[a].s->clone_of)
                                        : -1;

      if (off >= 0 && a != off && strcmp(label, "off_twin") != 0)
        ratio(&R, a, off, false);  /* each arm over off */
      if (stack >= 0 && (!strcmp(label, "thread") || !strcmp(label, "lazy")))
        ratio(&R, a, stack, false);  /* Go's question */
      if (orig >= 0)
        ratio(&R, a, orig, false);  /* each code clone over its original */
      if (strchr(label, '@') != NULL)
        other_builds(&R, a);
    }
    if (!r->arms[r->narms - 1].s->clone_of)  /* a twin: over its original */
      ratio(&R, r->narms - 1, r->twin_of, false);
  }
  pcb_gb_counter(st, "rounds", r->rounds, PCB_GB_PLAIN);
  pcb_gb_counter(st, "layouts", r->ncopies, PCB_GB_PLAIN);
  pcb_gb_counter(st, "batch_ops", r->batch_ops, PCB_GB_PLAIN);
  free(R.scratch);
  free(R.v);
  return R.physical;
}
