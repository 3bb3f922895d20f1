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
#include "pcbench/arch.h"
#include "pcbench/table.h"
#include "pcbench/unwind.h"

const struct pcb_unwinder pcb_unwinder_fp = {
  .name = "fp",
  .summary = "frame-pointer walk bounded by the thread's stack",
  .unwind = pcb_unwind_fp,
  .slack = 0,  /* starts at the anchor, stops when depth is full */
};

/*
 * A frame record is usable when all 16 bytes of it lie inside the stack,
 * above the previous record (floor), and it is 8-byte aligned.  The bounds
 * live in locals: stores into pcs[] may alias *b, and reloading them on
 * every frame would cost more than the walk itself.
 */
static inline bool frame_ok(uintptr_t fp, uintptr_t floor, uintptr_t top)
{
  return fp >= floor && fp <= top && (fp & 7) == 0;
}

/*
 * Not instrumented by ASan: walking frame records means reading stack
 * words the compiler did not write as objects -- from a signal handler,
 * the interrupted code's %rbp may point into another frame's redzone.
 * The walk's own bounds checks are what keep it inside the stack.
 */
__attribute__((no_sanitize("address")))
int pcb_unwind_fp(const void *start, int skip, const struct pcb_stack_bounds *b,
                  uintptr_t *pcs, int depth, bool *truncated)
{
  const uintptr_t top = b->hi - 16;
  uintptr_t fp = (uintptr_t)start, floor = b->lo, pc;
  int n = 0;

  *truncated = false;
  for (; frame_ok(fp, floor, top); floor = fp + 16, fp = *(uintptr_t *)fp) {
    pc = ((const uintptr_t *)fp)[1];
    if (pc == 0)
      break;
    if (skip > 0) {
      skip--;
      continue;
    }
    if (n == depth) {
      *truncated = true;  /* a valid frame remains beyond the buffer */
      break;
    }
    pcs[n++] = pc;
  }
  return n;
}

/* The unwinders, in the order of --list; each is defined beside its code
 * (this file, unwind_dwarf.c, unwind_libunwind.c).  One that does not
 * capture the true chain on this architecture (include/pcbench/arch/) is
 * absent from the table: not listed, refused by --unwinder, never run. */
static const struct pcb_unwinder *const unwinders[] = {
  &pcb_unwinder_fp,
  &pcb_unwinder_backtrace,
  &pcb_unwinder_libgcc,
#if PCB_ARCH_LIBUNWIND
  &pcb_unwinder_libunwind,
#endif
};

PCB_TABLE(pcb_unwinder, struct pcb_unwinder, unwinders)
