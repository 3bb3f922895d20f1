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
 */
typedef int (*pcb_unwind_fn)(const void *fp, int skip,
                             const struct pcb_stack_bounds *b,
                             uintptr_t *pcs, int depth, bool *truncated);

struct pcb_unwinder {
  const char *name;
  const char *summary;
  pcb_unwind_fn unwind;
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
