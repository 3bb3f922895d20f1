/*
 * Buffer sets shared between threads, for strategies whose buffers belong
 * to no one thread (percpu, pool): one heap block of `nslots` slots, each
 * a try-lock word and `room` PCs (depth + the unwinder's slack), made when
 * the first thread registers at that depth and freed when the last one
 * leaves (perf's get_callchain_buffers / put_callchain_buffers).
 *
 * A set is kept per (depth, room, slot count, pcb_hooks allocator): a
 * thread joins the live set made at its depth and room through the same
 * allocator, and a set goes back to the allocator that made it, so an
 * entry or a test that swaps in a measuring or failing allocator sees its
 * own set.  Joining and leaving take a mutex (registration, never an
 * event); claiming a slot is one atomic exchange and never waits, so it is
 * async-signal-safe, and a busy slot is reported to the caller, never
 * waited for.
 */
#ifndef PCBENCH_BUFSET_H
#define PCBENCH_BUFSET_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcbench/thread.h"

struct pcb__slot {
  atomic_uint busy;  /* 0 free, 1 claimed */
  uintptr_t pcs[];   /* the set's room */
};

struct pcb__bufset {
  struct pcb__bufset *next;  /* in its strategy's list of live sets */
  int depth, room, refs;  /* room: PCs per slot, depth + slack */
  unsigned nslots;
  size_t stride;             /* bytes from slot to slot, a multiple of 64 */
  size_t bytes;              /* asked of the allocator: the exact account */
  void *(*alloc)(size_t);    /* the allocator that made it */
  void (*free)(void *);
  unsigned char *slots;      /* slot 0, on a 64-byte boundary */
};

/* One strategy's live sets. */
struct pcb__bufsets {
  pthread_mutex_t mu;
  struct pcb__bufset *live;
};

#define PCB__BUFSETS_INIT { PTHREAD_MUTEX_INITIALIZER, NULL }

/* Points t->buf at the set for (t->depth, t->room, nslots, pcb_hooks'
 * allocator), making it if there is none; t->buf_bytes is the set's size.
 * 0 or PCB_ENOMEM. */
int pcb__bufset_join(struct pcb__bufsets *sets, struct pcb_thread *t,
                     unsigned nslots);
/* Drops t's reference; the last one frees the set. */
void pcb__bufset_leave(struct pcb__bufsets *sets, struct pcb_thread *t);

static inline struct pcb__slot *pcb__bufset_slot(const struct pcb__bufset *s,
                                                 unsigned i)
{
  return (struct pcb__slot *)(s->slots + (size_t)i * s->stride);
}

/* Claims the slot for t's event if it is free, without waiting; *outer
 * keeps what t->held named before.  The plain load first keeps a busy
 * slot's line shared instead of pulling it over to write.  While claimed,
 * t->held names the slot's lock, so an event abandoned mid-capture (a
 * fiber overflow) is released by whoever abandons it. */
static inline bool pcb__slot_claim(struct pcb_thread *t, struct pcb__slot *sl,
                                   atomic_uint **outer)
{
  if (atomic_load_explicit(&sl->busy, memory_order_relaxed) != 0 ||
      atomic_exchange_explicit(&sl->busy, 1, memory_order_acquire) != 0)
    return false;
  *outer = t->held;
  t->held = &sl->busy;
  atomic_signal_fence(memory_order_seq_cst);
  return true;
}

static inline void pcb__slot_release(struct pcb_thread *t,
                                     struct pcb__slot *sl, atomic_uint *outer)
{
  atomic_signal_fence(memory_order_seq_cst);
  t->held = outer;
  atomic_store_explicit(&sl->busy, 0, memory_order_release);
}

/* The shared strategies' record: claim the slot, capture into it, release
 * it.  False, with nothing captured, when the slot was busy. */
static inline bool pcb__slot_capture(struct pcb_thread *t,
                                     struct pcb__slot *sl,
                                     const struct pcb_event *ev)
{
  atomic_uint *outer;

  if (!pcb__slot_claim(t, sl, &outer))
    return false;
  pcb_capture(t, ev, sl->pcs);
  pcb__slot_release(t, sl, outer);
  return true;
}

#endif
