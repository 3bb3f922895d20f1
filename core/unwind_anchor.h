/*
 * What the unwinders that cannot start from an anchor frame share
 * (core/unwind_dwarf.c, core/unwind_libunwind.c): glibc's backtrace() and
 * libunwind's unw_backtrace() walk from where they are called, so they
 * capture into the caller's own buffer from there -- their frames, the
 * skipped ones, depth, and one more to tell truncation -- and the PCs
 * from the anchor frame's return address on are then moved to its start,
 * honouring skip, depth and truncation exactly as the frame-pointer walk
 * does.  The room beyond depth this takes is the unwinder's slack; no
 * scratch array of their own, so the capture's PCs live where the
 * strategy put its buffer.
 */
#ifndef PCBENCH_UNWIND_ANCHOR_H
#define PCBENCH_UNWIND_ANCHOR_H

#include <stdbool.h>
#include <stdint.h>

#include "pcbench/unwind.h"

enum {
  /* Our frames below the anchor, at most: the adapter, the capture step,
   * a strategy's record and a wrapper of it, with room to spare.  An
   * anchor not found among the first this many + 1 frames is not found. */
  PCB__UNWIND_FRAMES = 16,
  /* The slack of an unwinder that captures from where it is called. */
  PCB__UNWIND_SLACK = PCB__UNWIND_FRAMES + PCB_SKIP_MAX + 1,
};

_Static_assert(PCB__UNWIND_SLACK <= PCB_SLACK_MAX,
               "PCB_SLACK_MAX must cover every unwinder's slack");

/* Frames worth capturing: ours, the skipped ones, depth, and one more to
 * tell truncation -- never more than depth + PCB__UNWIND_SLACK, the room
 * the caller's buffer has. */
int pcb__unwind_cap(int skip, int depth);

/* pcs[0..n) holds a capture taken below the anchor: moves the PCs from the
 * anchor's return address on, after `skip`, to pcs[0..), at most depth of
 * them, and returns how many. */
int pcb__unwind_from_anchor(const void *fp, int skip, uintptr_t *pcs, int n,
                            int depth, bool *truncated);

#endif
