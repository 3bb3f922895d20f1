/*
 * The suites, in the order their entries run: the harness's own cost and
 * the floors first (the matrix reads the floors), then the matrix and its
 * hostile variants, then the thread-lifetime and memory entries.  A new
 * suite is one file and one line here.
 */
#include <stddef.h>

#include "pass/entry.h"
#include "pcbench/table.h"
#include "suites/suite.h"

#define SUITES(X) \
  X(overhead)     \
  X(floor)        \
  X(matrix)       \
  X(paired)       \
  X(storm)        \
  X(churn)        \
  X(memory)       \
  X(cpu)          \
  X(external)     \
  /* the rows: one line each, in the table's order */

/* Each row names pcb_suite_<row>, defined in a file of its own. */
#define ROW_EXTERN(n) extern const struct pcb_suite pcb_suite_##n;
#define ROW_REF(n) &pcb_suite_##n,
SUITES(ROW_EXTERN)

static const struct pcb_suite *const suites[] = { SUITES(ROW_REF) };

enum { NSUITES = sizeof(suites) / sizeof(suites[0]) };

PCB_TABLE(pcb_suite, struct pcb_suite, suites)

int pcb_suites_setup(const struct pcb_config *c)
{
  for (size_t i = 0; i < NSUITES; i++) {
    int err;

    if (c->instructions && !suites[i]->counts)
      continue;
    err = suites[i]->setup(c);
    if (err)
      return err;
  }
  return 0;
}

void pcb_suites_settle(void)
{
  for (size_t i = 0; i < NSUITES; i++)
    if (suites[i]->settle)
      suites[i]->settle();
}

int pcb_suites_verdicts(void)
{
  int failed = 0;

  for (size_t i = 0; i < NSUITES; i++)
    if (suites[i]->verdicts)
      failed += suites[i]->verdicts();
  return failed;
}

void pcb_suites_fini(void)
{
  for (size_t i = 0; i < NSUITES; i++)
    if (suites[i]->fini)
      suites[i]->fini();
  pcb_point_sets_fini();
}
