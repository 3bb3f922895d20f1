/*
 * thread -- a per-thread heap slice of `depth` PCs, allocated eagerly when
 * the thread registers, used under a per-thread guard.
 *
 * Models: Go 1.23's mp.profStack, allocated in mcommoninit and used under
 * acquirem so the goroutine cannot move to another M mid-capture; the
 * guard here is the same promise for a nested event on the same thread (a
 * signal handler, a re-entrant malloc): it is refused, never handed the
 * buffer that the outer event is still filling.
 * Trade-off: constant, small stack cost at any depth; depth * 8 bytes of
 * heap on every thread whether or not it ever records; a nested event is
 * dropped.
 *
 * thread_unguarded, the negative control, is the same design with the
 * guard removed.  It lives here because it differs from `thread` by that
 * one check; it exists so the correctness check can be seen to fail.
 * Its record is the shared capture path and nothing else (unwinder and
 * consumer into its buffer), so old against new times it as the
 * shared-path arm (PCB_F_CAPTURE_ONLY; suites/paired.c).
 */
#include "guard.h"
#include "pcbench/error.h"
#include "pcbench/strategy.h"

static int thread_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  if (t->in_use)
    return PCB_EBUSY;
  pcb__guarded_capture(t, ev);
  return 0;
}

static int thread_unguarded_record(struct pcb_thread *t,
                                   const struct pcb_event *ev)
{
  pcb_capture(t, ev, t->buf);
  return 0;
}

const struct pcb_strategy pcb_strategy_thread = {
  .version = PCB_STRATEGY_VERSION,
  .name = "thread",
  .summary = "per-thread heap slice allocated at thread start (Go 1.23)",
  .flags = PCB_F_ALLOC_INIT | PCB_F_GUARDED | PCB_F_MAY_DROP | PCB_F_SIGSAFE,
  .thread_init = pcb_slice_alloc,
  .thread_exit = pcb_slice_free,
  .record = thread_record,
  .heap_bytes = pcb_thread_buf_bytes,
};

const struct pcb_strategy pcb_strategy_thread_unguarded = {
  .version = PCB_STRATEGY_VERSION,
  .name = "thread_unguarded",
  .summary = "negative control: per-thread slice shared with nested events",
  .flags = PCB_F_ALLOC_INIT | PCB_F_CONTROL | PCB_F_CAPTURE_ONLY,
  .thread_init = pcb_slice_alloc,
  .thread_exit = pcb_slice_free,
  .record = thread_unguarded_record,
  .heap_bytes = pcb_thread_buf_bytes,
};
