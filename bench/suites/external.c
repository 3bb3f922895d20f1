/*
 * external/<allocator>/frames:F/rate:R -- a shipped heap profiler
 * (jemalloc's, gperftools') measured by the malloc workload's event in a
 * process of its own (shipped/shipped.h, docs/shipped.md), one row per
 * allocator of --external, frames of --frames and rate: every allocation
 * (1) and the allocator's default where it samples.
 *
 * An entry's child runs in its first repetition (later ones report the
 * same figures: they are the child's, over its rounds), so an entry a
 * filter leaves out starts no process; the context gains each
 * allocator's version and settings when the run has ended (settle).  A
 * child that fails ends the run (status 1, the child's line on stderr,
 * no results file): no row without its figures.  An entry's time is
 * one operation (malloc and free at the bottom of the chain) with the
 * profiler active, from the child's paired rounds; every figure is a
 * counter, and `external` is 1 on every row.  No entries in instruction-count mode, nor when
 * --external is not given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gbshim.h"
#include "base/name.h"
#include "base/progress.h"
#include "pcbench/error.h"
#include "shipped/shipped.h"
#include "suites/suite.h"

struct ext_entry {
  char name[96];
  const struct pcb_shipped *a;
  int frames;
  uint64_t rate;
  int rounds;
  uint64_t seed;
  struct pcb_shipped_figs figs;
  bool ok;
};

/* The run's entries, allocated by setup for exactly the rows it
 * registers (allocators x frames x at most two rates) and freed by fini:
 * nothing of them is static, and no allocation happens in a body. */
static struct ext_entry *entries;
static int nentries, maxentries;

static double fig(const struct pcb_shipped_figs *f, const char *key)
{
  for (int i = 0; i < f->n; i++)
    if (strcmp(f->key[i], key) == 0)
      return f->value[i];
  return 0;
}

static void external_body(pcb_gb_state *st, void *arg)
{
  struct ext_entry *e = arg;
  const struct pcb_shipped_figs *f = &e->figs;

  pcb_progress(e->name);
  if (!e->ok && pcb_shipped_run(e->a, e->frames, e->rate, e->rounds,
                                e->seed, &e->figs) != 0) {
    fprintf(stderr, "pcbench: %s: its process failed (said above)\n",
            e->name);
    exit(1);  /* the results' temporary goes (base/outfile.h) */
  }
  e->ok = true;
  while (pcb_gb_keep_running_batch(st, 1))
    pcb_gb_set_iteration_time(st, fig(f, "op_ns_active") * 1e-9);
  pcb_gb_counter(st, "external", 1, PCB_GB_PLAIN);
  pcb_gb_counter(st, "depth", e->a->depth, PCB_GB_PLAIN);
  for (int i = 0; i < f->n; i++)
    pcb_gb_counter(st, f->key[i], f->value[i], PCB_GB_PLAIN);
}

static int add(const struct pcb_config *c, const struct pcb_shipped *a,
               int frames, uint64_t rate)
{
  struct pcb_gb_opts o = { .manual_time = true, .iterations = 1 };
  struct ext_entry *e;
  int err;

  if (nentries >= maxentries)
    return PCB_EINVAL;
  e = &entries[nentries++];
  *e = (struct ext_entry){ .a = a, .frames = frames, .rate = rate,
                           .rounds = c->rounds, .seed = c->seed };
  err = PCB_ENTRY_NAME(e->name, PCB_NAME_WORD("external"),
                       PCB_NAME_WORD(a->name), PCB_NAME_INT("frames", frames),
                       PCB_NAME_INT("rate", (long long)rate));
  if (err)
    return err;
  pcb_gb_register(e->name, external_body, e, &o);
  return 0;
}

/* external_<name>: what each allocator that ran and its profiler were. */
static void external_settle(void)
{
  char key[48], value[512];

  for (int i = 0; i < nentries; i++) {
    const struct pcb_shipped *a = entries[i].a;
    bool first = true;

    for (int k = 0; k < i; k++)
      first = first && !(entries[k].a == a && entries[k].ok);
    if (entries[i].ok && first) {
      snprintf(key, sizeof(key), "external_%s", a->name);
      snprintf(value, sizeof(value), "version=%s; library=%s; depth=%d; "
               "design=%s; unwinder=%s; default_rate=%llu; settings=%s",
               entries[i].figs.version, a->library, a->depth, a->design,
               a->unwinder, (unsigned long long)a->rate_default,
               entries[i].figs.settings);
      pcb_gb_context(key, value);
    }
  }
}

static void external_fini(void)
{
  free(entries);
  entries = NULL;
  nentries = maxentries = 0;
}

static int external_setup(const struct pcb_config *c)
{
  int err = 0;

  if (c->instructions > 0 || c->nexternals == 0)
    return 0;
  maxentries = c->nexternals * c->nframes * 2;
  entries = calloc((size_t)maxentries, sizeof(*entries));
  if (!entries)
    return PCB_ENOMEM;
  for (int i = 0; i < c->nexternals && !err; i++) {
    const struct pcb_shipped *a = c->externals[i];

    for (int f = 0; f < c->nframes && !err; f++) {
      err = add(c, a, c->frames[f], 1);
      if (!err && a->rate_default != 1)
        err = add(c, a, c->frames[f], a->rate_default);
    }
  }
  return err;
}

const struct pcb_suite pcb_suite_external = {
  .name = "external",
  .summary = "shipped heap profilers (jemalloc, gperftools) in their own "
             "processes, the malloc workload's event",
  .kind = "companion",
  .prefixes = "external",
  .setup = external_setup,
  .settle = external_settle,
  .fini = external_fini,
};
