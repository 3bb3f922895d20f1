/*
 * What the child's files share (child.c, heap.c, check.c, paired.c):
 * the probe they pass round and the chain with the event at its bottom.
 */
#ifndef PCBENCH_SHIPPED_CHILD_H
#define PCBENCH_SHIPPED_CHILD_H

#include <stdint.h>

#include "pcbench/oracle.h"

struct pcb_shipped;
struct pcb_prof_control;

struct pcb_shipped_probe {
  struct pcb_oracle oracle;
  int frames, ops;
  const struct pcb_shipped *a;
  const struct pcb_prof_control *c;
};

/* ops mallocs and frees of 64 bytes: the event site (event.c). */
void pcb__shipped_ops(int ops);
/* p->ops of them at the bottom of p->frames oracle frames. */
void pcb__shipped_chain(struct pcb_shipped_probe *p);

void pcb__shipped_heap(struct pcb_shipped_probe *p);
void pcb__shipped_check(struct pcb_shipped_probe *p);
void pcb__shipped_paired(struct pcb_shipped_probe *p, int rounds,
                         uint64_t seed, double rate);

#endif
