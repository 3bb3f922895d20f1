/*
 * The event site of an external row (child.h): 64-byte mallocs and
 * frees through the preloaded allocator -- the malloc workload's
 * operation -- and the oracle chain with them at its bottom.  Every
 * figure of the child runs these, so their frames are the same in each.
 */
#include <stdlib.h>

#include "shipped/child.h"

__attribute__((noinline, noipa)) void pcb__shipped_ops(int ops)
{
  for (int i = 0; i < ops; i++) {
    void *p = malloc(64);

    __asm__ volatile("" : "+r"(p) : : "memory");
    free(p);
  }
}

static int chain_bottom(void *arg)
{
  struct pcb_shipped_probe *p = arg;

  pcb__shipped_ops(p->ops);
  return 0;
}

void pcb__shipped_chain(struct pcb_shipped_probe *p)
{
  pcb_oracle_run(&p->oracle, p->frames, chain_bottom, p);
}

