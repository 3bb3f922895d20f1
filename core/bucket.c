/*
 * Bucket table (Go's stkbucket / buckhash): open addressing over a fixed
 * array of buckets, PCs copied into a fixed pool.
 *
 * Invariants: a slot's key goes 0 -> 1 (claimed by one writer, by CAS)
 * -> hash (published with release after n/off/PCs are written) and never
 * changes again.  Readers only trust a slot whose key they loaded with
 * acquire and found >= 2.  A slot being written (key 1) is passed over,
 * never waited on: waiting could deadlock against a signal handler that
 * interrupted the writer.  The price is a rare duplicate bucket for the
 * same stack, which only splits its counts.
 */
#include <stdlib.h>
#include <string.h>

#include "pcbench/bucket.h"
#include "pcbench/error.h"

enum { KEY_EMPTY = 0, KEY_BUSY = 1 };

static uint64_t stack_hash(const uintptr_t *pcs, int n)
{
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;

  for (int i = 0; i < n; i++) {
    h ^= pcs[i];
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  return h < 2 ? h + 2 : h;  /* 0 and 1 are slot states */
}

int pcb_bucket_table_init(struct pcb_bucket_table *bt, size_t nslots,
                          size_t pool_words)
{
  size_t n = 1;

  if (nslots == 0 || pool_words == 0 || pool_words > UINT32_MAX)
    return PCB_EINVAL;
  while (n < nslots)
    n <<= 1;
  memset(bt, 0, sizeof(*bt));
  bt->slots = calloc(n, sizeof(*bt->slots));
  bt->pool = calloc(pool_words, sizeof(*bt->pool));
  if (bt->slots == NULL || bt->pool == NULL) {
    pcb_bucket_table_destroy(bt);
    return PCB_ENOMEM;
  }
  bt->nslots = n;
  bt->pool_words = pool_words;
  return 0;
}

void pcb_bucket_table_destroy(struct pcb_bucket_table *bt)
{
  free(bt->slots);
  free(bt->pool);
  memset(bt, 0, sizeof(*bt));
}

static int same_stack(const struct pcb_bucket_table *bt,
                      const struct pcb_bucket *b, const uintptr_t *pcs, int n)
{
  return b->n == (uint32_t)n &&
         memcmp(bt->pool + b->off, pcs, (size_t)n * sizeof(*pcs)) == 0;
}

/* Claims an empty slot for this stack; 0 on success, else PCB_EFULL. */
static int publish(struct pcb_bucket_table *bt, struct pcb_bucket *b,
                   uint64_t h, const uintptr_t *pcs, int n)
{
  size_t off = atomic_fetch_add_explicit(&bt->pool_used, (size_t)n,
                                         memory_order_relaxed);

  if (off + (size_t)n > bt->pool_words) {
    /* The slot stays claimed but unpublished: the pool is full anyway. */
    return PCB_EFULL;
  }
  memcpy(bt->pool + off, pcs, (size_t)n * sizeof(*pcs));
  b->n = (uint32_t)n;
  b->off = (uint32_t)off;
  atomic_store_explicit(&b->key, h, memory_order_release);
  return 0;
}

int pcb_bucket_add(struct pcb_bucket_table *bt, const uintptr_t *pcs, int n,
                   uint64_t bytes, uint64_t cycles)
{
  uint64_t h = stack_hash(pcs, n);
  size_t mask = bt->nslots - 1;

  for (size_t i = 0; i < bt->nslots; i++) {
    struct pcb_bucket *b = &bt->slots[(h + i) & mask];
    uint64_t key = atomic_load_explicit(&b->key, memory_order_acquire);

    if (key == KEY_EMPTY) {
      uint64_t expect = KEY_EMPTY;

      if (!atomic_compare_exchange_strong_explicit(&b->key, &expect, KEY_BUSY,
                                                   memory_order_acq_rel,
                                                   memory_order_acquire)) {
        key = expect;  /* lost the race: look at what the winner wrote */
      } else if (publish(bt, b, h, pcs, n) == 0) {
        key = h;
      } else {
        break;
      }
    }
    if (key == h && same_stack(bt, b, pcs, n)) {
      /* Each locked add costs; skip the one a workload never feeds. */
      atomic_fetch_add_explicit(&b->events, 1, memory_order_relaxed);
      if (bytes)
        atomic_fetch_add_explicit(&b->bytes, bytes, memory_order_relaxed);
      if (cycles)
        atomic_fetch_add_explicit(&b->cycles, cycles, memory_order_relaxed);
      return 0;
    }
  }
  atomic_fetch_add_explicit(&bt->full, 1, memory_order_relaxed);
  return PCB_EFULL;
}

const struct pcb_bucket *pcb_bucket_find(const struct pcb_bucket_table *bt,
                                         const uintptr_t *pcs, int n)
{
  uint64_t h = stack_hash(pcs, n);
  size_t mask = bt->nslots - 1;

  for (size_t i = 0; i < bt->nslots; i++) {
    const struct pcb_bucket *b = &bt->slots[(h + i) & mask];
    uint64_t key = atomic_load_explicit(&b->key, memory_order_acquire);

    if (key == KEY_EMPTY)
      return NULL;
    if (key == h && same_stack(bt, b, pcs, n))
      return b;
  }
  return NULL;
}

size_t pcb_bucket_count(const struct pcb_bucket_table *bt)
{
  size_t count = 0;

  for (size_t i = 0; i < bt->nslots; i++)
    if (atomic_load_explicit(&bt->slots[i].key, memory_order_acquire) > KEY_BUSY)
      count++;
  return count;
}
