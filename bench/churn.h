/* Thread churn and allocation-failure injection entries (churn.c). */
#ifndef PCBENCH_CHURN_H
#define PCBENCH_CHURN_H

#include "cli.h"

struct pcb_churn_entry {
  char name[96];
  const struct pcb_strategy *s;
  int depth, fail_every;
};

/* Registers churn/<strategy>/depth:D entries unless --churn-threads=0. */
void pcb_churn_register(const struct pcb_config *cfg);

#endif
