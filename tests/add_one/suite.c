/*
 * dummysuite -- tests/add_one_of_each.sh's suite, copied into a scratch
 * tree as bench/suites/dummy.c: dummysuite/<strategy>/depth:D/frames:F
 * (F the first of --frames), one bare event per iteration on a registered
 * thread, beside the matrix (a companion).  Its names have a matrix
 * point's shape, so a script that took every first word it does not know
 * for a workload's would read it as one.  Not part of pcbench; it exists
 * to show that a suite is one file and one table line.
 */
#include <stdio.h>

#include "base/name.h"
#include "base/progress.h"
#include "run/runner.h"
#include "suites/suite.h"

struct entry {
  char name[96];
  const struct pcb_strategy *s;
  int depth;
};

static struct entry entries[PCB_LIST_MAX * PCB_LIST_MAX];

static void consume_nothing(void *arg, const uintptr_t *pcs, int n, bool t)
{
  (void)arg;
  (void)pcs;
  (void)n;
  (void)t;
}

static void dummy_body(pcb_gb_state *st, void *arg)
{
  const struct entry *e = arg;
  struct pcb_thread t;
  double events = 0;

  pcb_progress(e->name);
  if (pcb_thread_register(&t, e->s, e->depth) != 0) {
    pcb_gb_skip_with_error(st, "register failed");
    return;
  }
  while (pcb_gb_keep_running_batch(st, 1))
    events += pcb_wl_bare_event(&t, consume_nothing, NULL, false) == 0;
  pcb_thread_unregister(&t);
  pcb_gb_counter(st, "events", events, PCB_GB_PLAIN);
}

static int dummy_setup(const struct pcb_config *c)
{
  struct pcb_gb_opts o = { 0 };
  size_t n = 0;
  int err = 0;

  for (int i = 0; i < c->nstrategies && !err; i++)
    for (int j = 0; j < c->ndepths && !err; j++, n++) {
      entries[n].s = c->strategies[i];
      entries[n].depth = c->depths[j];
      err = PCB_ENTRY_NAME(entries[n].name, PCB_NAME_WORD("dummysuite"),
                           PCB_NAME_WORD(c->strategies[i]->name),
                           PCB_NAME_INT("depth", c->depths[j]),
                           PCB_NAME_INT("frames", c->frames[0]));
      if (!err)
        pcb_gb_register(entries[n].name, dummy_body, &entries[n], &o);
    }
  return err;
}

const struct pcb_suite pcb_suite_dummy = {
  .name = "dummysuite",
  .summary = "a test's suite: one bare event per iteration",
  .kind = "companion",
  .prefixes = "dummysuite",
  .setup = dummy_setup,
};
