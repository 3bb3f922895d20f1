/*
 * hybrid -- PCB_SPILL_PCS (16) PCs on the capturing frame, spilling to a
 * per-thread heap slice of `depth` PCs only when the stack is deeper (each
 * with the unwinder's slack beside it: 16 + slack on the frame, bounded
 * by PCB_SLACK_MAX whatever the depth).
 *
 * Models: the two designs Go chose between, joined by a small-buffer
 * optimisation.  tcmalloc, gperftools and Chromium keep their PCs in an
 * on-stack array (31 to 256 PCs), Go up to 1.22 too; Go 1.23 moved them
 * to a per-M heap slice.  This keeps a small array on the stack for the
 * common shallow event and the per-thread slice, allocated when the
 * thread starts as in `thread`, for the deep one.  It is not taken from
 * a shipping profiler; it is the design the comparison invites.
 *
 * Spill: the unwinder interface cannot resume a walk, so a deep event is
 * walked twice -- first into the 16 on-stack PCs, and when that walk
 * comes back truncated, again from the anchor into the slice.  Redoing
 * rather than continuing: a continued walk would have to step over the
 * first frames again to find where to resume, and the consumer wants the
 * PCs in one array, so it would copy the first 16 across as well.  The
 * redo costs the first 16 (plus skip) frames twice: some 16 ns with frame
 * pointers, and with a DWARF unwinder a second walk's head.
 *
 * Guard: only the slice needs one.  A deep event raises the thread's
 * in-use guard before it writes the slice; an event nested in it (a
 * signal handler, a re-entrant malloc) finds the guard raised and is
 * refused with EBUSY, as in `thread` -- shallow or not, so what is
 * dropped does not depend on where the nested walk happens to stop.  An
 * event nested in a shallow one, or in a deep one's first walk, finds no
 * guard and goes ahead on its own frame (and the slice if it needs it):
 * it ends before the event it interrupted goes on.
 *
 * Trade-off: stack cost flat at 128 bytes (and the unwinder's slack)
 * plus a frame at any depth, where `stack` grows by depth * 8; heap as
 * `thread` (none at depth <= 16, where hybrid is `stack`); shallow events
 * never touch the slice, deep ones pay the second walk.  "Shallow" is the
 * whole walk, callers of the workload included: under pcbench's own
 * frames only chains of up to about 8 frames fit, and every headline
 * point spills.  Measured under callgrind: 3 instructions over `thread`
 * when the stack fits, 375 more (the second walk) at a 16-frame chain;
 * with a DWARF unwinder the second walk about doubles the event.
 */
#include "guard.h"
#include "pcbench/error.h"
#include "pcbench/strategy.h"

static int hybrid_init(struct pcb_thread *t)
{
  t->buf = NULL;
  t->buf_bytes = 0;
  if (t->depth <= PCB_SPILL_PCS)
    return 0;  /* the on-stack array holds every capture */
  return pcb_slice_alloc(t);
}

/* noinline: the small array must live in this frame, whose size is what
 * the stack figures measure.  The spill runs in the same frame. */
__attribute__((noinline)) static int hybrid_record(struct pcb_thread *t,
                                                   const struct pcb_event *ev)
{
  int small = t->depth < PCB_SPILL_PCS ? t->depth : PCB_SPILL_PCS;
  uintptr_t pcs[small + t->room - t->depth];  /* 16 + slack at most */
  bool truncated;
  int n;

  if (t->in_use)
    return PCB_EBUSY;
  n = pcb_unwind_event(t, ev, pcs, small, &truncated);
  if (!truncated || t->depth <= PCB_SPILL_PCS) {
    ev->consume(ev->arg, pcs, n, truncated);
    return 0;
  }
  pcb__guarded_capture(t, ev);
  return 0;
}

const struct pcb_strategy pcb_strategy_hybrid = {
  .version = PCB_STRATEGY_VERSION,
  .name = "hybrid",
  .summary = "16 PCs on the stack, spilling to a per-thread slice when deeper",
  .flags = PCB_F_ALLOC_INIT | PCB_F_GUARDED | PCB_F_MAY_DROP | PCB_F_SIGSAFE |
           PCB_F_SPILL | PCB_F_OPT_IN,
  .thread_init = hybrid_init,
  .thread_exit = pcb_slice_free,
  .record = hybrid_record,
  .heap_bytes = pcb_thread_buf_bytes,
};
