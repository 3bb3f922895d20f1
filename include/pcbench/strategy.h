/*
 * The strategy interface: where a profiler keeps the PC buffer it fills
 * when an event (a sampled allocation, a blocking wait) captures a stack.
 *
 * A strategy owns the buffer's placement and nothing else.  Unwinding
 * (pcb_capture), bucketing and timing are shared, so every strategy runs the
 * identical workload.  Each strategy is one file under strategies/ filling
 * one struct pcb_strategy, listed in strategies/registry.c.
 *
 * Record contract (docs/design.md): obtain a buffer of t->room PCs --
 * t->depth plus the slack t's unwinder declares, 0 for the frame-pointer
 * walk (include/pcbench/unwind.h) -- call pcb_capture() on it, which
 * unwinds from the event's anchor frame straight into it and hands (pcs,
 * n, truncated) to the event's consumer while the buffer is valid, then
 * release the buffer.  The buffer is the only room a capture takes that
 * grows with depth: where the strategy keeps it is where the PCs live.
 */
#ifndef PCBENCH_STRATEGY_H
#define PCBENCH_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "pcbench/thread.h"

#define PCB_STRATEGY_VERSION 2

/* Capabilities, as flag bits (not optional hooks). */
enum pcb_strategy_flags {
  PCB_F_NO_CAPTURE = 1u << 0,  /* never captures: the `off` baseline */
  PCB_F_ALLOC_INIT = 1u << 1,  /* allocates its buffer in thread_init */
  PCB_F_ALLOC_LAZY = 1u << 2,  /* allocates its buffer inside record */
  PCB_F_GUARDED    = 1u << 3,  /* nested events on a thread are refused */
  PCB_F_MAY_DROP   = 1u << 4,  /* record may return EBUSY/ENOMEM/ECONTENDED */
  PCB_F_SIGSAFE    = 1u << 5,  /* record may run in a signal handler */
  PCB_F_CONTROL    = 1u << 6,  /* negative control: excluded from defaults
                                  and recommendations, expected to fail */
  PCB_F_SHARED     = 1u << 7,  /* one set of buffers for all threads at a
                                  depth (per CPU, a pool): heap_bytes is the
                                  whole set on each -- count it once */
  PCB_F_SPILL      = 1u << 8,  /* PCB_SPILL_PCS PCs on the capturing frame
                                  first, the heap slice only for deeper
                                  stacks; no slice when depth <= that */
  PCB_F_OPT_IN     = 1u << 9,  /* beyond Go's three: left out of the
                                  default matrix, run when named */
  PCB_F_CLONE      = 1u << 10, /* the same source as `clone_of`, compiled
                                  again at another address: the timing
                                  control for code placement, never a
                                  design of its own (not in defaults) */
  PCB_F_STACK_BUF  = 1u << 11, /* the whole buffer is an array on the
                                  capturing frame: the stack an event takes
                                  grows by 8 bytes per PC of depth */
  PCB_F_CAPTURE_ONLY = 1u << 12, /* record is the shared capture path alone
                                  (unwinder and consumer into a buffer of
                                  its own, nothing of a design's): old
                                  against new, the shared-path arm */
};

/* PCs a PCB_F_SPILL strategy keeps on the capturing frame. */
#define PCB_SPILL_PCS 16

struct pcb_strategy {
  int version;          /* PCB_STRATEGY_VERSION; the registry refuses others */
  const char *name;     /* unique, [a-z_]+ */
  const char *summary;  /* one line for `pcbench --list` */
  unsigned flags;       /* enum pcb_strategy_flags */
  const char *clone_of; /* PCB_F_CLONE: the strategy it is a copy of */

  /*
   * Required.  Called once on the thread when it registers, with
   * t->depth, t->unwinder and t->room set.  May allocate (through pcb_hooks).  Returns 0 or PCB_E*;
   * on failure the thread is not registered and thread_exit is not called.
   */
  int (*thread_init)(struct pcb_thread *t);

  /* Required.  Called on the thread when it unregisters; frees what
   * thread_init or record allocated.  Never called in a signal handler. */
  void (*thread_exit)(struct pcb_thread *t);

  /*
   * Required.  Record one event on the calling thread `t`.  Must follow the
   * record contract above; must not allocate unless PCB_F_ALLOC_LAZY, and
   * then only through pcb_hooks, never for an ev->async event (drop it
   * with ENOMEM: the handler may have interrupted malloc), and with the
   * thread guarded so that an event raised by the allocation itself is
   * refused (EBUSY), not recursed into.  Returns 0 when the consumer was called (or, with
   * PCB_F_NO_CAPTURE, when nothing was meant to be), PCB_EBUSY when a
   * nested event was refused, PCB_ENOMEM when the buffer could not be had,
   * PCB_ECONTENDED when every shared buffer it may try was held.
   */
  int (*record)(struct pcb_thread *t, const struct pcb_event *ev);

  /* Required.  Heap bytes the strategy holds for thread t right now (its
   * own accounting, slack included; the memory figures cross-check it with
   * the allocator). */
  size_t (*heap_bytes)(const struct pcb_thread *t);
};

/* Dispatches one event to the thread's strategy.  Inline, so the harness
 * adds no call of its own to what it measures. */
static inline int pcb_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  return t->strategy->record(t, ev);
}

/* Registry (strategies/registry.c): an explicit table, in --list order. */
size_t pcb_strategy_count(void);
const struct pcb_strategy *pcb_strategy_at(size_t i);
/* NULL when no strategy has that name. */
const struct pcb_strategy *pcb_strategy_find(const char *name);
/* The registered code clone of s (PCB_F_CLONE, clone_of s), or NULL. */
const struct pcb_strategy *pcb_strategy_clone(const struct pcb_strategy *s);
/* 0, or PCB_EVERSION / PCB_EINCOMPLETE / PCB_EINVAL for a bad ops struct. */
int pcb_strategy_check(const struct pcb_strategy *s);
/* A strategy from elsewhere (a module, pcbench --module) after the
 * table's rows: 0, or what pcb_strategy_check says, PCB_EINVAL for a
 * name already taken, not [a-z_]+, or a clone, PCB_ENOMEM past 32.  Run
 * before any thread registers; pcb_strategy_drop_added forgets them. */
int pcb_strategy_add(const struct pcb_strategy *s);
void pcb_strategy_drop_added(void);
/* Checks every strategy of the table; on failure *bad names the culprit. */
int pcb_registry_check(const struct pcb_strategy **bad);

#endif
