/* Log-linear histogram; see include/pcbench/hist.h for the layout. */
#include <math.h>
#include <string.h>

#include "pcbench/hist.h"

void pcb_hist_reset(struct pcb_hist *h)
{
  memset(h, 0, sizeof(*h));
}

void pcb_hist_merge(struct pcb_hist *into, const struct pcb_hist *from)
{
  if (from->count == 0)
    return;
  if (into->count == 0 || from->min < into->min)
    into->min = from->min;
  if (from->max > into->max)
    into->max = from->max;
  into->count += from->count;
  for (unsigned i = 0; i < PCB_HIST_BUCKETS; i++)
    into->bucket[i] += from->bucket[i];
}

/* [low, low + width) of bucket i. */
static void bucket_range(unsigned i, uint64_t *low, uint64_t *width)
{
  unsigned e, sub;

  if (i < PCB_HIST_SUB) {
    *low = i;
    *width = 1;
    return;
  }
  e = i / PCB_HIST_SUB + PCB_HIST_SUB_BITS - 1;
  sub = i % PCB_HIST_SUB;
  *width = 1ull << (e - PCB_HIST_SUB_BITS);
  *low = (uint64_t)(PCB_HIST_SUB + sub) * *width;
}

uint64_t pcb_hist_quantile(const struct pcb_hist *h, double q)
{
  uint64_t rank, seen = 0, low, width, v;

  if (h->count == 0)
    return 0;
  if (q >= 1)
    return h->max;
  rank = q <= 0 ? 1 : (uint64_t)ceil(q * (double)h->count);
  for (unsigned i = 0; i < PCB_HIST_BUCKETS; i++) {
    seen += h->bucket[i];
    if (seen >= rank) {
      bucket_range(i, &low, &width);
      v = low + width / 2;
      return v < h->min ? h->min : v > h->max ? h->max : v;
    }
  }
  return h->max;
}
