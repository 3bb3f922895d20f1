/*
 * Suites: one per kind of entry, each in its own file, listed in one
 * ordered table (table.c), as libuv lists its benchmarks: the runner and
 * main know none of them by name.  A suite turns the configuration into
 * Google Benchmark entries (named through base/name.h) whose bodies use
 * the runner (run/); its setup runs once, in table order, so entries run
 * in that order unless --interleave shuffles them.
 */
#ifndef PCBENCH_SUITE_H
#define PCBENCH_SUITE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

struct pcb_suite {
  const char *name;      /* the first word of its entries' names */
  const char *summary;
  bool counts;           /* also runs in instruction-count mode */
  /* What its entries are, for the results' context (suite_kinds):
   * "point" (one per matrix point and strategy, with the point's
   * figures), "paired" (one per point, across the strategies) or
   * "companion" (beside the matrix's points); and the first words of
   * their names, '+'-separated (NULL: the workload's name). */
  const char *kind;
  const char *prefixes;
  /* Registers the suite's entries for c; 0 or PCB_E*.  Required. */
  int (*setup)(const struct pcb_config *c);
  /* After the last entry, before any results row is written: what the
   * suite makes of the whole run, added to its entries' rows
   * (pcb_gb_amend).  Optional. */
  void (*settle)(void);
  /* After the run: one line per entry whose verdict the suite gives, on
   * stderr; returns how many failed.  Optional. */
  int (*verdicts)(void);
  /* Frees what setup allocated that the runner does not keep.  Optional. */
  void (*fini)(void);
};

/* Every suite of the table, in order (only the counting ones in
 * instruction-count mode); 0 or the first error. */
size_t pcb_suite_count(void);
const struct pcb_suite *pcb_suite_at(size_t i);
const struct pcb_suite *pcb_suite_find(const char *name);
int pcb_suites_setup(const struct pcb_config *c);
void pcb_suites_settle(void);
int pcb_suites_verdicts(void);
void pcb_suites_fini(void);

#endif
