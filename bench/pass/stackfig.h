/*
 * The stack side of the trade-off, per matrix entry: what one event costs
 * the stack of the thread -- or goroutine-like task -- it happens on.
 */
#ifndef PCBENCH_STACKFIG_H
#define PCBENCH_STACKFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "workloads/workload.h"

struct pcb_stack_figs {
  bool ok;
  size_t stack_bytes;      /* below the event site */
  size_t min_fiber_stack;  /* smallest 2^k fiber for chain + event */
  bool headroom_ok;        /* false: the event alone overflows 2 KiB */
  size_t headroom_bytes;   /* task frames a 2 KiB fiber leaves beside it */
};

/* Measures the three figures for one event of wl on w (registered on the
 * calling thread, sampling everything), under a `frames`-deep chain for
 * min_fiber_stack.  Untimed; 0 or PCB_E*. */
int pcb_stack_figures(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                      int frames, struct pcb_stack_figs *out);

#endif
