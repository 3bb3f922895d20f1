/*
 * The bucket table: Go's stkbucket.  Maps a captured stack (its PCs) to a
 * bucket of counts.  It copies the PCs, so the strategy's buffer is free
 * again as soon as pcb_bucket_add returns.
 *
 * Lock-free and allocation-free after init: buckets and PC storage are
 * preallocated, slots are claimed with compare-and-swap and counts added
 * atomically, so concurrent threads -- and a signal handler that
 * interrupts an insert on its own thread -- never wait on each other.
 */
#ifndef PCBENCH_BUCKET_H
#define PCBENCH_BUCKET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct pcb_bucket {
  _Atomic uint64_t key;   /* 0 empty, 1 being written, else the stack hash */
  uint32_t n;             /* PCs in the stack */
  uint32_t off;           /* where they start in the table's pool */
  _Atomic uint64_t events, bytes, cycles;
};

struct pcb_bucket_table {
  struct pcb_bucket *slots;
  size_t nslots;          /* power of two */
  uintptr_t *pool;
  size_t pool_words;
  _Atomic size_t pool_used;
  _Atomic uint64_t full;  /* events that found no room */
};

/* nslots is rounded up to a power of two.  0 or PCB_ENOMEM/PCB_EINVAL. */
int pcb_bucket_table_init(struct pcb_bucket_table *bt, size_t nslots,
                          size_t pool_words);
void pcb_bucket_table_destroy(struct pcb_bucket_table *bt);

/* Adds one event of `bytes` and `cycles` to the stack's bucket.  0, or
 * PCB_EFULL when neither a matching bucket nor room for a new one exists.
 * Async-signal-safe. */
int pcb_bucket_add(struct pcb_bucket_table *bt, const uintptr_t *pcs, int n,
                   uint64_t bytes, uint64_t cycles);

/* The published bucket holding exactly this stack, or NULL. */
const struct pcb_bucket *pcb_bucket_find(const struct pcb_bucket_table *bt,
                                         const uintptr_t *pcs, int n);
/* Number of published buckets (a scan; not for hot paths). */
size_t pcb_bucket_count(const struct pcb_bucket_table *bt);

#endif
