/*
 * pool -- a fixed pool of POOL_SLOTS buffers of `depth` PCs shared by all
 * threads, each claimed by a try-lock.
 *
 * Models: async-profiler's call-trace buffers: 16 heap buffers (its
 * concurrency level); a sampling thread starts at the slot a hash of its
 * thread id picks and tries three slots in turn with a try-lock; a sample
 * that finds all three busy is dropped.  Here the id is pthread_self(),
 * hashed multiplicatively (thread ids are stack addresses whose low bits
 * repeat), the probes are POOL_PROBES consecutive slots, and a drop
 * returns PCB_ECONTENDED, counted as lost.  A nested event on the same
 * thread (a signal handler) finds its own slot busy and takes the next:
 * the pool needs no per-thread guard, and nests as deep as it has free
 * probed slots.
 *
 * Trade-off: heap is POOL_SLOTS x depth PCs (each slot rounded up to 64
 * bytes) whatever the number of threads -- the point for a process with
 * thousands of threads of which few capture at once; an event pays a
 * hash, an atomic exchange, and a cache-line transfer when its slot was
 * last used on another CPU; when more captures run at once than probed
 * slots are free (threads preempted mid-capture, hash collisions), events
 * are dropped.
 */
#include <pthread.h>

#include "bufset.h"
#include "pcbench/error.h"
#include "pcbench/strategy.h"

enum { POOL_SLOTS = 16, POOL_PROBES = 3 };

static struct pcb__bufsets sets = PCB__BUFSETS_INIT;

static int pool_init(struct pcb_thread *t)
{
  return pcb__bufset_join(&sets, t, POOL_SLOTS);
}

static void pool_exit(struct pcb_thread *t)
{
  pcb__bufset_leave(&sets, t);
}

/* The first slot to try: the top bits of a Fibonacci hash of the id. */
static unsigned first_slot(void)
{
  uint64_t id = (uint64_t)(uintptr_t)pthread_self();

  return (unsigned)((id * 0x9e3779b97f4a7c15u) >> 60) % POOL_SLOTS;
}

static int pool_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  const struct pcb__bufset *set = t->buf;
  unsigned first = first_slot();

  for (unsigned p = 0; p < POOL_PROBES; p++) {
    if (pcb__slot_capture(t, pcb__bufset_slot(set, (first + p) % POOL_SLOTS),
                          ev))
      return 0;
  }
  return PCB_ECONTENDED;
}

const struct pcb_strategy pcb_strategy_pool = {
  .version = PCB_STRATEGY_VERSION,
  .name = "pool",
  .summary = "16 shared buffers claimed by try-lock, 3 probes (async-profiler)",
  .flags = PCB_F_ALLOC_INIT | PCB_F_MAY_DROP | PCB_F_SIGSAFE | PCB_F_SHARED |
           PCB_F_OPT_IN,
  .thread_init = pool_init,
  .thread_exit = pool_exit,
  .record = pool_record,
  .heap_bytes = pcb_thread_buf_bytes,
};
