/* Companion entries for heap memory and first-event cost (memory.c). */
#ifndef PCBENCH_MEMORY_H
#define PCBENCH_MEMORY_H

#include "cli.h"

struct pcb_heap_entry {
  char name[128];
  const struct pcb_strategy *s;
  int depth, threads, percent;
};

struct pcb_first_entry {
  char name[96];
  const struct pcb_strategy *s;
  int depth;
  struct pcb_stack_bounds stack;  /* the measuring thread's */
};

/* Registers heap/... and first_event/... entries for cfg's strategies and
 * depths; events go to `buckets`.  0 or PCB_E*. */
int pcb_memory_register(const struct pcb_config *cfg,
                        struct pcb_bucket_table *buckets);

#endif
