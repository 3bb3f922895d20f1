/*
 * Layout randomisation between the rounds of a paired run.
 *
 * Model (Stabilizer, Curtsinger & Berger, ASPLOS 2013; Mytkowicz et al.,
 * ASPLOS 2009): where the stack and the buffers sit relative to cache-line,
 * cache-set and page boundaries moves a timing by a few percent, and a
 * process draws that layout once at start.  A paired round cancels drift
 * in time but not a layout that stays fixed for the process; drawing a new
 * one between rounds makes the layout one more source of round-to-round
 * variation, which the median and its interval then average over, instead
 * of a bias that differs from process to process.
 *
 * Between rounds the runner calls pcb_layout_draw() and then
 *  - runs the round's batches through pcb_layout_call(), which calls the
 *    batch function with its frame layout.stack_offset bytes lower than
 *    offset 0 would put it: 0..4080 in 16-byte steps (the x86-64 ABI's
 *    stack alignment), so the whole event chain moves together;
 *  - for a heap strategy, places its buffer with pcb_layout_place() at
 *    layout.heap_offset bytes after a 4 KiB boundary inside a region
 *    allocated once at setup (pcb_layout_region_bytes): 0..4088 in 8-byte
 *    steps, so the offset within the cache line (offset % 64) and within
 *    the page both vary.
 * Invariants: nothing here allocates; offsets are always in range and
 * aligned; a placed buffer always lies inside its region.
 */
#ifndef PCBENCH_LAYOUT_H
#define PCBENCH_LAYOUT_H

#include <stddef.h>

#include "pcbench/rng.h"

#define PCB_LAYOUT_SPAN 4096      /* offsets are in [0, SPAN) */
#define PCB_LAYOUT_STACK_STEP 16  /* the ABI's stack alignment */
#define PCB_LAYOUT_HEAP_STEP 8    /* alignment of a PC (uintptr_t) */

struct pcb_layout {
  size_t stack_offset; /* multiple of PCB_LAYOUT_STACK_STEP, < SPAN */
  size_t heap_offset;  /* multiple of PCB_LAYOUT_HEAP_STEP, < SPAN */
};

/* Draws both offsets uniformly from their steps. */
void pcb_layout_draw(struct pcb_rng *r, struct pcb_layout *out);

/* Calls fn(arg) below a touched stack pad of stack_offset bytes (plus a
 * fixed 16): fn's frame is exactly stack_offset lower than with offset 0.
 * 0, or PCB_EINVAL (offset out of range or misaligned, fn NULL) without
 * calling fn.  Costs a call and a stack adjustment: call it around a
 * batch, not around each iteration. */
int pcb_layout_call(size_t stack_offset, void (*fn)(void *), void *arg);

/* Region size (to allocate once) that fits buf_bytes at any heap offset;
 * 0 if it would overflow size_t. */
size_t pcb_layout_region_bytes(size_t buf_bytes);

/* The first 4 KiB boundary at or after region, plus heap_offset; NULL
 * when heap_offset is out of range or misaligned, or the buffer would not
 * end inside [region, region + region_bytes). */
void *pcb_layout_place(void *region, size_t region_bytes, size_t buf_bytes,
                       size_t heap_offset);

#endif
