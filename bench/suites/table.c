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

extern const struct pcb_suite pcb_suite_overhead;
extern const struct pcb_suite pcb_suite_floor;
extern const struct pcb_suite pcb_suite_matrix;
extern const struct pcb_suite pcb_suite_paired;
extern const struct pcb_suite pcb_suite_storm;
extern const struct pcb_suite pcb_suite_churn;
extern const struct pcb_suite pcb_suite_memory;

static const struct pcb_suite *const suites[] = {
  &pcb_suite_overhead,
  &pcb_suite_floor,
  &pcb_suite_matrix,
  &pcb_suite_paired,
  &pcb_suite_storm,
  &pcb_suite_churn,
  &pcb_suite_memory,
};

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
