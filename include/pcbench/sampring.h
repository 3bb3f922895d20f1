/*
 * A CPU profile's consumer in a signal handler (core/sampring.c): a ring
 * of preallocated slots, one writer (the handler on the profiled thread)
 * and one reader (outside any handler).  A push copies the interrupted PC
 * and the capture into the next free slot, or, when every slot holds an
 * unread sample, drops it and counts the drop: it never allocates, never
 * waits and never locks, so it is async-signal-safe.  Go's sigprof hands
 * its stack to the profBuf the same way, and counts what the buffer
 * cannot take as "lost" samples.
 */
#ifndef PCBENCH_SAMPRING_H
#define PCBENCH_SAMPRING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct pcb_sampring {
  uint32_t slots;      /* a power of two */
  int width;           /* PCs a slot holds besides the PC and the count */
  uintptr_t *mem;      /* slots * (2 + width) words */
  _Atomic uint32_t head, tail;  /* written by the writer, the reader */
  _Atomic uint64_t drops;
};

/* Allocates; 0, PCB_EINVAL or PCB_ENOMEM. */
int pcb_sampring_init(struct pcb_sampring *r, uint32_t slots, int width);
void pcb_sampring_fini(struct pcb_sampring *r);
/* The writer: false (and a drop counted) when full. */
bool pcb_sampring_push(struct pcb_sampring *r, uintptr_t pc,
                       const uintptr_t *pcs, int n);
/* The reader: the oldest unread sample into pcs[0..width) (n PCs), or
 * false when there is none. */
bool pcb_sampring_pop(struct pcb_sampring *r, uintptr_t *pc, uintptr_t *pcs,
                      int *n);

#endif
