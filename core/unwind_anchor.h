/*
 * What the unwinders that cannot start from an anchor frame share
 * (core/unwind_dwarf.c, core/unwind_libunwind.c): they walk from where
 * they are called into a scratch buffer on the stack, then keep the PCs
 * from the anchor frame's return address on, honouring skip, depth and
 * truncation exactly as the frame-pointer walk does.
 */
#ifndef PCBENCH_UNWIND_ANCHOR_H
#define PCBENCH_UNWIND_ANCHOR_H

#include <stdbool.h>
#include <stdint.h>

#include "pcbench/thread.h"

enum {
  PCB__UNWIND_SLACK = 16,  /* our frames below the anchor, at most */
  PCB__UNWIND_SCRATCH = PCB_DEPTH_MAX + PCB__UNWIND_SLACK + 64,
};

/* Frames worth capturing into the scratch buffer: ours, the skipped
 * ones, depth, and one more to tell truncation.  The buffer is sized by
 * this (a bounded VLA), so the stack a DWARF capture takes grows with
 * depth as a real adapter's would, and the stack figures show it. */
int pcb__unwind_cap(int skip, int depth);

/* Copies tmp[0..n) from the anchor's return address on, after `skip`;
 * returns the PCs stored in pcs[0..depth). */
int pcb__unwind_from_anchor(const void *fp, int skip, const uintptr_t *tmp,
                            int n, uintptr_t *pcs, int depth,
                            bool *truncated);

#endif
