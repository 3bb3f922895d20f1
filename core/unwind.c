/*
 * Frame-pointer unwinder: Go's fpTracebackPCs, perf's
 * perf_callchain_user, in their simplest bounded form.
 *
 * Model: with -fno-omit-frame-pointer every frame starts with the pair
 * {saved caller fp, return address}.  The chain is only trusted as far as
 * it stays inside the thread's stack, 8-byte aligned and strictly moving
 * towards the stack base; anything else (a cycle, a pointer out of the
 * stack, a misaligned value left in %rbp by code built without frame
 * pointers) ends the walk instead of faulting.
 *
 * Promises: no allocation, no locks, no global state; async-signal-safe.
 * Cost is about one load pair per frame.
 */
#include "pcbench/unwind.h"

const struct pcb_unwinder pcb_unwinder_fp = {
  .name = "fp",
  .summary = "frame-pointer walk bounded by the thread's stack",
  .unwind = pcb_unwind_fp,
};

/* A frame record is usable when all 16 bytes of it lie inside the stack. */
static inline int frame_ok(uintptr_t fp, uintptr_t floor,
                           const struct pcb_stack_bounds *b)
{
  return fp >= floor && fp >= b->lo && fp <= b->hi - 16 && (fp & 7) == 0;
}

int pcb_unwind_fp(const void *start, int skip, const struct pcb_stack_bounds *b,
                  uintptr_t *pcs, int depth, bool *truncated)
{
  uintptr_t fp = (uintptr_t)start;
  uintptr_t floor = 0;  /* each next frame must lie strictly above this */
  int n = 0;

  *truncated = false;
  while (frame_ok(fp, floor, b)) {
    const uintptr_t *frame = (const uintptr_t *)fp;
    uintptr_t pc = frame[1];

    if (pc == 0)
      break;
    if (skip > 0) {
      skip--;
    } else if (n == depth) {
      *truncated = true;  /* a valid frame remains beyond the buffer */
      break;
    } else {
      pcs[n++] = pc;
    }
    floor = fp + 16;
    fp = frame[0];
  }
  return n;
}
