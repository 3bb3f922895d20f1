/*
 * stack -- the PC buffer is an array of exactly `depth` PCs in the frame
 * that performs the capture.
 *
 * Models: Go up to 1.22 (`var stk [maxStack]uintptr` in mProf_Malloc and
 * saveblockevent, 32 PCs = 256 B); also tcmalloc, gperftools and Chromium's
 * heap profilers (on-stack arrays of 31 to 256 PCs).
 * Trade-off: no heap, no guard, naturally re-entrant (a nested event gets
 * its own frame), but every event costs depth * 8 bytes of stack below the
 * event site: at depth 128 that is 1 KiB, half a fresh goroutine's stack.
 */
#include "pcbench/strategy.h"

/* stack_clone.c compiles this file a second time under other names. */
#ifndef STACK_STRATEGY
#define STACK_STRATEGY pcb_strategy_stack
#define STACK_RECORD stack_record
#endif

/* noinline: the array must live in this frame, whose size is what the
 * stack figures measure. */
__attribute__((noinline)) static int STACK_RECORD(struct pcb_thread *t,
                                                  const struct pcb_event *ev)
{
  uintptr_t pcs[t->depth];  /* exactly depth PCs, as Go's stk[maxStack] */

  pcb_capture(t, ev, pcs);
  return 0;
}

#ifndef STACK_CLONE
const struct pcb_strategy STACK_STRATEGY = {
  .version = PCB_STRATEGY_VERSION,
  .name = "stack",
  .summary = "array of depth PCs on the capturing frame (Go <= 1.22)",
  .flags = PCB_F_SIGSAFE,
  .thread_init = pcb_nobuf_init,
  .thread_exit = pcb_nobuf_exit,
  .record = STACK_RECORD,
  .heap_bytes = pcb_nobuf_bytes,
};
#endif
