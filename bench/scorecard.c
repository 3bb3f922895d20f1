/*
 * The scorecard at the end of a run: the answer at a glance, after the
 * compact console, in at most PCB_SCORECARD_COLS columns.
 *
 * Model: one row a strategy of the run (the registry's order; code clones,
 * which only paired entries time, left out), one column a cost:
 *
 *   stack@D   stack_bytes of the reference workload's warm, rate-1 matrix
 *             entry at depth D and the deepest frames measured, one column
 *             a depth (the shallowest and the deepest kept when all do not
 *             fit; the caption says so)
 *   heap@D    heap_bytes_per_thread at the deepest depth: the most any
 *             entry of the strategy reports (a thread that recorded; a
 *             lazy buffer is not there at thread start)
 *   cost      the reference workload's warm paired entry at its deepest
 *             point: <s>_minus_<off>_ns [_lo, _hi], the median per
 *             operation and its 95% interval ("run --paired for cost" in a
 *             run without paired entries)
 *   checked, wrong   over every matrix entry of the strategy: the sum of
 *             `checked`, and of checked x (1 - correct) rounded
 *
 * External rows (counter `external` 1: a shipped heap profiler measured
 * in a process of its own, <suite>/<allocator>/frames:F/rate:R) are no
 * strategy: every figure above skips them by that counter, whatever
 * their names, and each allocator gets one row of its own under the
 * strategies, named `<allocator>*` from its entry's name: its rate-1 row
 * (every allocation) at the strategies' frames where measured, else its
 * deepest; stack@D and heap@D only where D is the profiler's own depth
 * (its `depth` counter; "-" elsewhere); cost the profiler active over
 * inactive (active_minus_inactive_ns [_lo, _hi], paired in the child);
 * checked, wrong its rows whose capture was checked against the chain
 * (`correct`), wrong where it was not found or not right.
 *
 * Invariants: every figure is a row of the results file as written
 * (pcb_gb_rows: the first repetition of each entry), so a script can find
 * each one in the file; no strategy, workload or suite is named here: the
 * strategies come from the registry and their flags (the baseline is the
 * PCB_F_NO_CAPTURE one), the workload from the table's `reference` kind,
 * and entries are told apart by their name's parts (a workload, a
 * strategy, depth:, frames:, cache:, rate:) and their counters.
 */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gbshim.h"
#include "pcbench/strategy.h"
#include "scorecard.h"
#include "workloads/workload.h"

#define MAX_DEPTHS 16
#define NAME_W 8
#define STACK_W 9
#define COST_W 27
#define CHECKED_W 10
#define WRONG_W 7
#define EXT_MARK "*"

/* The `n`th '/'-separated part of name into buf (empty if none). */
static void part(const char *name, int n, char *buf, size_t len)
{
  const char *p = name, *e;

  for (; n > 0 && p; n--)
    p = (p = strchr(p, '/')) ? p + 1 : NULL;
  e = p ? strchr(p, '/') : NULL;
  if (!p)
    p = "";
  snprintf(buf, len, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
}

/* The value of name's key:value part as an integer, or -1; `present`
 * tells whether the key is there at all (cache:, rate:). */
static long param(const char *name, const char *key, bool *present)
{
  size_t k = strlen(key);

  for (const char *p = name; p; p = (p = strchr(p, '/')) ? p + 1 : NULL)
    if (strncmp(p, key, k) == 0 && p[k] == ':') {
      if (present)
        *present = true;
      return strtol(p + k + 1, NULL, 10);
    }
  if (present)
    *present = false;
  return -1;
}

/* An external row: a shipped profiler's, not a strategy's. */
static bool is_external(size_t i)
{
  return pcb_gb_row_counter(i, "external") == 1;
}

static bool is_warm_rate1(const char *name)
{
  bool cache, rate;

  param(name, "cache", &cache);
  param(name, "rate", &rate);
  return !cache && !rate;
}

static const struct pcb_workload *reference_workload(void)
{
  for (size_t i = 0; i < pcb_workload_count(); i++)
    if (pcb_workload_at(i)->reference)
      return pcb_workload_at(i);
  return pcb_workload_count() ? pcb_workload_at(0) : NULL;
}

static const char *baseline(void)
{
  for (size_t i = 0; i < pcb_strategy_count(); i++)
    if (pcb_strategy_at(i)->flags & PCB_F_NO_CAPTURE)
      return pcb_strategy_at(i)->name;
  return "";
}

/* A matrix entry: a workload, then `s` (any strategy for NULL). */
static bool is_matrix(const char *name, const char *s)
{
  char wl[64], st[64];

  part(name, 0, wl, sizeof(wl));
  part(name, 1, st, sizeof(st));
  return pcb_workload_find(wl) && pcb_strategy_find(st) &&
         (!s || strcmp(st, s) == 0);
}

/* The reference workload's warm, rate-1 entries: their depths (sorted)
 * and deepest frames. */
static int depths_of(const char *wl, long *depths, long *frames)
{
  int n = 0;
  char w[64];

  *frames = -1;
  for (size_t i = 0; i < pcb_gb_rows(); i++) {
    const char *name = pcb_gb_row_name(i);
    long d = param(name, "depth", NULL), f = param(name, "frames", NULL);
    int j;

    part(name, 0, w, sizeof(w));
    if (is_external(i) || !is_matrix(name, NULL) || strcmp(w, wl) ||
        !is_warm_rate1(name) || d < 0)
      continue;
    if (f > *frames)
      *frames = f;
    for (j = 0; j < n && depths[j] != d; j++)
      ;
    if (j == n && n < MAX_DEPTHS) {
      for (j = n++; j > 0 && depths[j - 1] > d; j--)
        depths[j] = depths[j - 1];
      depths[j] = d;
    }
  }
  return n;
}

/* The largest value of counter over the rows `match` accepts, or NaN. */
static double most(bool (*match)(const char *name, const void *arg),
                   const void *arg, const char *counter)
{
  double v = NAN;

  for (size_t i = 0; i < pcb_gb_rows(); i++) {
    double x = pcb_gb_row_counter(i, counter);

    if (!is_external(i) && match(pcb_gb_row_name(i), arg) &&
        isfinite(x) && !(x <= v))
      v = x;
  }
  return v;
}

struct at { const char *wl, *s; long depth, frames; };

static bool stack_row(const char *name, const void *arg)
{
  const struct at *a = arg;
  char w[64];

  part(name, 0, w, sizeof(w));
  return is_matrix(name, a->s) && !strcmp(w, a->wl) &&
         is_warm_rate1(name) && param(name, "depth", NULL) == a->depth &&
         param(name, "frames", NULL) == a->frames;
}

static bool heap_row(const char *name, const void *arg)
{
  const struct at *a = arg;
  char st[64];

  part(name, 1, st, sizeof(st));
  return !strcmp(st, a->s) && param(name, "depth", NULL) == a->depth;
}

/* The reference workload's warm paired entry at its deepest point with a
 * cost over the baseline: its row index, or -1. */
static long paired_row(const char *wl, const char *off, long *d, long *f)
{
  long best = -1;
  char w[64], key[96];

  *d = *f = -1;
  for (size_t i = 0; i < pcb_gb_rows(); i++) {
    const char *name = pcb_gb_row_name(i);
    long di = param(name, "depth", NULL), fi = param(name, "frames", NULL);
    bool cost = false;

    part(name, 1, w, sizeof(w));
    if (is_external(i) || is_matrix(name, NULL) || strcmp(w, wl) ||
        !is_warm_rate1(name))
      continue;
    for (size_t s = 0; s < pcb_strategy_count() && !cost; s++) {
      snprintf(key, sizeof(key), "%s_minus_%s_ns",
               pcb_strategy_at(s)->name, off);
      cost = isfinite(pcb_gb_row_counter(i, key));
    }
    if (cost && (di > *d || (di == *d && fi > *f))) {
      best = (long)i;
      *d = di;
      *f = fi;
    }
  }
  return best;
}

/* Row `row`'s counter `key` with its _lo and _hi as "median [lo, hi]",
 * one decimal, else whole ns, else four figures, to fit COST_W; "-"
 * where one is missing. */
static void interval_cell(char *buf, size_t len, size_t row, const char *key)
{
  char k[104];
  double v[3];
  const char *sfx[] = {"", "_lo", "_hi"};

  for (int i = 0; i < 3; i++) {
    snprintf(k, sizeof(k), "%s%s", key, sfx[i]);
    v[i] = pcb_gb_row_counter(row, k);
  }
  if (!isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]))
    snprintf(buf, len, "-");
  else if (snprintf(buf, len, "%+.1f [%+.1f, %+.1f]", v[0], v[1], v[2]) >
               COST_W &&  /* tens of microseconds: whole ns */
           snprintf(buf, len, "%+.0f [%+.0f, %+.0f]", v[0], v[1], v[2]) >
               COST_W)  /* longer still: four figures */
    snprintf(buf, len, "%+.4g [%+.4g, %+.4g]", v[0], v[1], v[2]);
}

static void cost_cell(char *buf, size_t len, long row, const char *s,
                      const char *off)
{
  char key[96];

  if (row < 0) {
    snprintf(buf, len, "%s", strcmp(s, off) ? "run --paired for cost" : "-");
    return;
  }
  snprintf(key, sizeof(key), "%s_minus_%s_ns", s, off);
  interval_cell(buf, len, (size_t)row, key);
}

static void bytes_cell(char *buf, size_t len, double v)
{
  if (isfinite(v))
    snprintf(buf, len, "%.0f B", v);
  else
    snprintf(buf, len, "-");
}

/* Sums of checked and of wrong events over s's matrix entries; false
 * when none carries them. */
static bool correctness(const char *s, double *checked, double *wrong)
{
  bool any = false;

  *checked = *wrong = 0;
  for (size_t i = 0; i < pcb_gb_rows(); i++) {
    double c = pcb_gb_row_counter(i, "checked");
    double ok = pcb_gb_row_counter(i, "correct");

    if (is_external(i) || !is_matrix(pcb_gb_row_name(i), s) ||
        !isfinite(c) || !isfinite(ok))
      continue;
    any = true;
    *checked += c;
    *wrong += round(c * (1 - ok));
  }
  return any;
}

/* The depths shown: all that fit in the line, else the shallowest and
 * the deepest. */
static int shown_depths(long *depths, int n, int name_w)
{
  int fixed = name_w + (STACK_W + 1) + (COST_W + 1) + (CHECKED_W + 1) +
              (WRONG_W + 1);

  if (fixed + n * (STACK_W + 1) <= PCB_SCORECARD_COLS || n <= 2)
    return n;
  depths[1] = depths[n - 1];
  return 2;
}

static void print_row(FILE *out, const struct pcb_strategy *st,
                      const char *wl, const long *depths, int nd,
                      long frames, long prow, const char *off, int name_w)
{
  char cell[64];
  double checked, wrong;
  struct at a = {wl, st->name, 0, frames};

  fprintf(out, "%-*s", name_w, st->name);
  for (int j = 0; j < nd; j++) {
    a.depth = depths[j];
    bytes_cell(cell, sizeof(cell), most(stack_row, &a, "stack_bytes"));
    fprintf(out, " %*s", STACK_W, cell);
  }
  a.depth = depths[nd - 1];
  bytes_cell(cell, sizeof(cell), most(heap_row, &a, "heap_bytes_per_thread"));
  fprintf(out, " %*s", STACK_W, cell);
  cost_cell(cell, sizeof(cell), prow, st->name, off);
  fprintf(out, " %-*s", COST_W, cell);
  if (correctness(st->name, &checked, &wrong))
    fprintf(out, " %*.0f %*.0f\n", CHECKED_W, checked, WRONG_W, wrong);
  else
    fprintf(out, " %*s %*s\n", CHECKED_W, "-", WRONG_W, "-");
}

/* Whether external row i is the one shown for its allocator: rate 1, at
 * `frames` if that allocator measured them, else its deepest, the first
 * of equals. */
static bool external_shown(size_t i, long frames)
{
  char a[64], b[64];
  long fi, fj;

  if (!is_external(i) || param(pcb_gb_row_name(i), "rate", NULL) != 1)
    return false;
  part(pcb_gb_row_name(i), 1, a, sizeof(a));
  fi = param(pcb_gb_row_name(i), "frames", NULL);
  fi = fi == frames ? LONG_MAX : fi;
  for (size_t j = 0; j < pcb_gb_rows(); j++) {
    if (j == i || !is_external(j) ||
        param(pcb_gb_row_name(j), "rate", NULL) != 1)
      continue;
    part(pcb_gb_row_name(j), 1, b, sizeof(b));
    fj = param(pcb_gb_row_name(j), "frames", NULL);
    fj = fj == frames ? LONG_MAX : fj;
    if (!strcmp(a, b) && (fj > fi || (fj == fi && j < i)))
      return false;
  }
  return true;
}

/* The name column of external row i: its allocator, marked. */
static void external_name(size_t i, char *buf, size_t len)
{
  char a[64];

  part(pcb_gb_row_name(i), 1, a, sizeof(a));
  snprintf(buf, len, "%.60s" EXT_MARK, a);
}

static void print_external(FILE *out, size_t i, const long *depths, int nd,
                           int name_w)
{
  char cell[64];
  double depth = pcb_gb_row_counter(i, "depth");
  double ok = pcb_gb_row_counter(i, "correct");
  double found = pcb_gb_row_counter(i, "check_found");

  external_name(i, cell, sizeof(cell));
  fprintf(out, "%-*s", name_w, cell);
  for (int j = 0; j < nd; j++) {
    bytes_cell(cell, sizeof(cell), depth == depths[j] ?
               pcb_gb_row_counter(i, "stack_bytes") : NAN);
    fprintf(out, " %*s", STACK_W, cell);
  }
  bytes_cell(cell, sizeof(cell), depth == depths[nd - 1] ?
             pcb_gb_row_counter(i, "heap_bytes_per_thread") : NAN);
  fprintf(out, " %*s", STACK_W, cell);
  interval_cell(cell, sizeof(cell), i, "active_minus_inactive_ns");
  fprintf(out, " %-*s", COST_W, cell);
  if (isfinite(ok))
    fprintf(out, " %*d %*d\n", CHECKED_W, 1, WRONG_W,
            !(ok == 1 && found == 1));
  else
    fprintf(out, " %*s %*s\n", CHECKED_W, "-", WRONG_W, "-");
}

/* The name column's width: the strategies' and external rows' names up
 * to 16 characters; whether any external row is shown. */
static int name_width(long frames, bool *external)
{
  int name_w = NAME_W;
  char name[80];

  *external = false;
  for (size_t i = 0; i < pcb_strategy_count(); i++) {
    const struct pcb_strategy *st = pcb_strategy_at(i);
    int n = (int)strlen(st->name);
    double c, x;

    if (n > name_w && n <= 16 && correctness(st->name, &c, &x))
      name_w = n;
  }
  for (size_t i = 0; i < pcb_gb_rows(); i++)
    if (external_shown(i, frames)) {
      int n;

      external_name(i, name, sizeof(name));
      n = (int)strlen(name);
      *external = true;
      if (n > name_w && n <= 16)
        name_w = n;
    }
  return name_w;
}

void pcb_scorecard_print(FILE *out)
{
  const struct pcb_workload *w = reference_workload();
  const char *off = baseline();
  long depths[MAX_DEPTHS], frames, pd, pf, prow;
  int nd, all, name_w;
  bool ext;
  char head[32];

  if (!w || (all = nd = depths_of(w->name, depths, &frames)) == 0)
    return;
  name_w = name_width(frames, &ext);
  nd = shown_depths(depths, nd, name_w);
  prow = paired_row(w->name, off, &pd, &pf);
  fprintf(out, "\nscorecard (this run's results file; one row a strategy)\n"
          "stack@D: stack per event at depth D (%.16s, %ld frames%s)\n"
          "heap@%ld: heap per thread that records\n", w->name, frames,
          nd < all ? "; the shallowest and deepest depths" : "",
          depths[nd - 1]);
  if (prow >= 0)
    fprintf(out, "cost over %s: ns per operation, paired %.16s at depth "
            "%ld, %ld frames: median [95%% interval]\n", off, w->name, pd,
            pf);
  else
    fprintf(out, "cost over %s: no paired entries in this run\n", off);
  fprintf(out, "checked, wrong: events checked against the ground truth, "
          "and those that did not match\n");
  if (ext)
    fprintf(out, "name" EXT_MARK ": a shipped heap profiler in its own "
            "process (docs/shipped.md), every allocation, at its own\n"
            "depth (- at the others); cost over its profiler inactive; "
            "one capture checked from its profile\n");
  fprintf(out, "%-*s", name_w, "strategy");
  for (int j = 0; j < nd; j++) {
    snprintf(head, sizeof(head), "stack@%ld", depths[j]);
    fprintf(out, " %*s", STACK_W, head);
  }
  snprintf(head, sizeof(head), "heap@%ld", depths[nd - 1]);
  fprintf(out, " %*s", STACK_W, head);
  snprintf(head, sizeof(head), "cost over %s", off);
  fprintf(out, " %-*s %*s %*s\n", COST_W, head, CHECKED_W, "checked",
          WRONG_W, "wrong");
  for (size_t i = 0; i < pcb_strategy_count(); i++) {
    const struct pcb_strategy *st = pcb_strategy_at(i);
    double c, x;

    if (!(st->flags & PCB_F_CLONE) && correctness(st->name, &c, &x))
      print_row(out, st, w->name, depths, nd, frames, prow, off, name_w);
  }
  for (size_t i = 0; ext && i < pcb_gb_rows(); i++)
    if (external_shown(i, frames))
      print_external(out, i, depths, nd, name_w);
}
