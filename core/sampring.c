/*
 * The signal-safe sample ring (include/pcbench/sampring.h).  The writer
 * owns `head`, the reader `tail`; a slot belongs to the writer while
 * head - tail < slots.  The release store of head publishes a slot's
 * words to the reader, the release store of tail hands it back.
 */
#include <stdlib.h>
#include <string.h>

#include "pcbench/error.h"
#include "pcbench/sampring.h"

int pcb_sampring_init(struct pcb_sampring *r, uint32_t slots, int width)
{
  memset(r, 0, sizeof(*r));
  if (slots == 0 || (slots & (slots - 1)) != 0 || width < 1)
    return PCB_EINVAL;
  r->mem = calloc((size_t)slots * (size_t)(2 + width), sizeof(uintptr_t));
  if (r->mem == NULL)
    return PCB_ENOMEM;
  r->slots = slots;
  r->width = width;
  return 0;
}

void pcb_sampring_fini(struct pcb_sampring *r)
{
  free(r->mem);
  r->mem = NULL;
}

static uintptr_t *slot(struct pcb_sampring *r, uint32_t i)
{
  return r->mem + (size_t)(i & (r->slots - 1)) * (size_t)(2 + r->width);
}

bool pcb_sampring_push(struct pcb_sampring *r, uintptr_t pc,
                       const uintptr_t *pcs, int n)
{
  uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
  uint32_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
  uintptr_t *s;

  if (h - t >= r->slots) {
    atomic_fetch_add_explicit(&r->drops, 1, memory_order_relaxed);
    return false;
  }
  if (n > r->width)
    n = r->width;
  s = slot(r, h);
  s[0] = pc;
  s[1] = (uintptr_t)n;
  for (int i = 0; i < n; i++)  /* no memcpy: not promised signal-safe */
    s[2 + i] = pcs[i];
  atomic_store_explicit(&r->head, h + 1, memory_order_release);
  return true;
}

bool pcb_sampring_pop(struct pcb_sampring *r, uintptr_t *pc, uintptr_t *pcs,
                      int *n)
{
  uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
  uint32_t h = atomic_load_explicit(&r->head, memory_order_acquire);
  const uintptr_t *s;

  if (t == h)
    return false;
  s = slot(r, t);
  *pc = s[0];
  *n = (int)s[1];
  memcpy(pcs, s + 2, (size_t)*n * sizeof(uintptr_t));
  atomic_store_explicit(&r->tail, t + 1, memory_order_release);
  return true;
}
