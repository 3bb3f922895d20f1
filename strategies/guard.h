/*
 * The guard of a strategy whose buffer is its thread's own slice (thread,
 * lazy, hybrid): t->in_use is raised before the slice is used and lowered
 * after, so an event nested on the same thread -- a signal handler that
 * interrupted the capture -- finds it raised and is refused (EBUSY)
 * instead of writing over the outer capture.  The handler runs on the
 * interrupted thread, so compiler fences (atomic_signal_fence) are enough
 * to keep the slice's use between raise and lower; no hardware fence.
 *
 * Static inline, on the record path: each record compiles to the code it
 * would be if the sequence were written out in it.
 */
#ifndef PCBENCH_GUARD_H
#define PCBENCH_GUARD_H

#include <stdatomic.h>

#include "pcbench/thread.h"

static inline void pcb__guard_raise(struct pcb_thread *t)
{
  t->in_use = 1;
  atomic_signal_fence(memory_order_seq_cst);  /* guard before slice use */
}

static inline void pcb__guard_lower(struct pcb_thread *t)
{
  atomic_signal_fence(memory_order_seq_cst);  /* slice use before release */
  t->in_use = 0;
}

/* Captures ev into t's slice under the raised guard; the caller has
 * checked that the guard was down. */
static inline void pcb__guarded_capture(struct pcb_thread *t,
                                        const struct pcb_event *ev)
{
  pcb__guard_raise(t);
  pcb_capture(t, ev, t->buf);
  pcb__guard_lower(t);
}

#endif
