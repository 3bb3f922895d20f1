/*
 * Unwinders: fill a PC buffer from a live frame chain.  The default walks
 * frame pointers (x86-64 System V: [fp] = caller's fp, [fp+8] = return
 * address), which is what Go's fpTracebackPCs and Linux perf do.  More
 * unwinders may be added behind struct pcb_unwinder.
 */
#ifndef PCBENCH_UNWIND_H
#define PCBENCH_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcbench/thread.h"

/*
 * Walks from frame `fp`, drops the first `skip` return addresses, stores at
 * most `depth` PCs in pcs[] and returns how many.  *truncated is set when
 * a further valid frame exists after pcs[depth-1].  Every frame read must
 * lie inside `b`, frames must move strictly towards b->hi, and a frame
 * pointer must be 8-byte aligned; the walk stops cleanly at the first
 * violation, at a zero return address or at a zero frame pointer, so a
 * corrupt or cyclic chain never faults or loops.  Never allocates, never
 * locks: async-signal-safe.
 *
 * pcs[] holds depth + the unwinder's `slack` PCs, and the unwinder works
 * in it and nowhere else: it keeps no array of its own that grows with
 * depth, so where the caller put pcs[] -- its stack or the heap -- is
 * where the capture's PCs live.  pcs[depth..depth+slack) is scratch.
 */
typedef int (*pcb_unwind_fn)(const void *fp, int skip,
                             const struct pcb_stack_bounds *b,
                             uintptr_t *pcs, int depth, bool *truncated);

/* No unwinder's slack is larger: a buffer of PCB_DEPTH_MAX + PCB_SLACK_MAX
 * PCs serves any depth under any unwinder. */
#define PCB_SLACK_MAX 32

struct pcb_unwinder {
  const char *name;
  const char *summary;
  pcb_unwind_fn unwind;
  /* PCs it needs beyond depth: 0 for a walk that can start at the anchor
   * and stop when depth is full (fp, libgcc's callback); for one that
   * captures from where it is called (backtrace(), unw_backtrace()), its
   * own frames below the anchor, up to PCB_SKIP_MAX skipped ones, and one
   * more to tell truncation -- as Go sizes its per-M buffer 1 + maxSkip +
   * maxStack.  Every buffer a strategy keeps is sized depth + slack. */
  int slack;
};

int pcb_unwind_fp(const void *fp, int skip, const struct pcb_stack_bounds *b,
                  uintptr_t *pcs, int depth, bool *truncated);

extern const struct pcb_unwinder pcb_unwinder_fp;
extern const struct pcb_unwinder pcb_unwinder_backtrace;
extern const struct pcb_unwinder pcb_unwinder_libgcc;
extern const struct pcb_unwinder pcb_unwinder_libunwind;

/* The unwinder table (core/unwind_dwarf.c). */
size_t pcb_unwinder_count(void);
const struct pcb_unwinder *pcb_unwinder_at(size_t i);
const struct pcb_unwinder *pcb_unwinder_find(const char *name);

#endif
