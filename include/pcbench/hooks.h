/*
 * What tests must be able to control (after jemalloc's test hooks): the
 * allocator behind strategy buffers and the unwinder behind pcb_capture.
 * Defaults are malloc/free and the frame-pointer unwinder.  Tests swap
 * them to feed a failing allocator, an allocator that re-enters the
 * profiled malloc path, or a fixed stack.  Change them only while no
 * thread is recording, and the unwinder only while no thread is
 * registered: a thread's buffers are sized when it registers for the
 * slack of the unwinder then in force (pcb_thread.room), and one that
 * needs more would write past them.  pcbench sets it once, before its
 * first thread registers.
 */
#ifndef PCBENCH_HOOKS_H
#define PCBENCH_HOOKS_H

#include <stddef.h>

#include "pcbench/unwind.h"

struct pcb_hooks {
  void *(*alloc)(size_t size);
  void (*free)(void *p);
  const struct pcb_unwinder *unwinder;
};

extern struct pcb_hooks pcb_hooks;

/* Restores the defaults. */
void pcb_hooks_reset(void);

#endif
