/*
 * lazy -- a per-thread heap slice of `depth` PCs, allocated on the thread's
 * first event.
 *
 * Models: jemalloc's per-thread backtrace buffer (created on the first
 * sampled allocation through its internal allocator) and the TODO that Go
 * left in mcommoninit.  The guard is raised *before* the allocation, so an
 * event raised by the allocation itself (the profiled malloc sampling its
 * own buffer) is refused with EBUSY instead of recursing or deadlocking.
 * A failed allocation drops the event (ENOMEM, counted as lost) and the
 * next event tries again.  An event raised in a signal handler (ev->async)
 * before the buffer exists is dropped the same way: malloc is not
 * async-signal-safe, and the handler may have interrupted it.
 * Trade-off: heap only on threads that record; the first event on a thread
 * pays for an allocation; the record path may call the allocator, so it is
 * not async-signal-safe until the buffer exists.
 */
#include "guard.h"
#include "pcbench/error.h"
#include "pcbench/strategy.h"

static int lazy_init(struct pcb_thread *t)
{
  t->buf = NULL;
  t->buf_bytes = 0;
  return 0;
}


static int lazy_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  if (t->in_use)
    return PCB_EBUSY;
  pcb__guard_raise(t);
  /* the allocation is out of line (core/thread.c): the warm record stays
   * small */
  if (t->buf == NULL && (ev->async || pcb_slice_alloc(t) != 0)) {
    t->in_use = 0;
    return PCB_ENOMEM;
  }
  pcb_capture(t, ev, t->buf);
  pcb__guard_lower(t);
  return 0;
}

const struct pcb_strategy pcb_strategy_lazy = {
  .version = PCB_STRATEGY_VERSION,
  .name = "lazy",
  .summary = "per-thread heap slice allocated on the first event",
  .flags = PCB_F_ALLOC_LAZY | PCB_F_GUARDED | PCB_F_MAY_DROP | PCB_F_SIGSAFE,
  .thread_init = lazy_init,
  .thread_exit = pcb_slice_free,
  .record = lazy_record,
  .heap_bytes = pcb_thread_buf_bytes,
};
