/*
 * A log-linear latency histogram (the HDR histogram's layout): values
 * below 2^SUB_BITS are counted exactly; above, each power of two is split
 * into 2^SUB_BITS equal buckets, so a quantile read back is within
 * 1/2^(SUB_BITS+1) of the true value (1.6% with SUB_BITS = 5).  Fixed
 * memory, no allocation, O(1) record; histograms of one shape merge by
 * adding counts.  Not thread-safe: one per thread, merged afterwards.
 */
#ifndef PCBENCH_HIST_H
#define PCBENCH_HIST_H

#include <stdint.h>

#define PCB_HIST_SUB_BITS 5
#define PCB_HIST_SUB (1u << PCB_HIST_SUB_BITS)
#define PCB_HIST_BUCKETS ((64 - PCB_HIST_SUB_BITS + 1) * PCB_HIST_SUB)

struct pcb_hist {
  uint64_t count;
  uint64_t min, max;  /* exact */
  uint64_t bucket[PCB_HIST_BUCKETS];
};

void pcb_hist_reset(struct pcb_hist *h);
void pcb_hist_merge(struct pcb_hist *into, const struct pcb_hist *from);
/* The value at quantile q in [0, 1]: the middle of its bucket, clamped to
 * [min, max]; q = 1 gives max exactly.  0 for an empty histogram. */
uint64_t pcb_hist_quantile(const struct pcb_hist *h, double q);

static inline unsigned pcb_hist_index(uint64_t v)
{
  unsigned e;

  if (v < PCB_HIST_SUB)
    return (unsigned)v;
  e = 63u - (unsigned)__builtin_clzll(v);  /* >= SUB_BITS */
  return (e - PCB_HIST_SUB_BITS + 1) * PCB_HIST_SUB +
         (unsigned)((v >> (e - PCB_HIST_SUB_BITS)) & (PCB_HIST_SUB - 1));
}

static inline void pcb_hist_record(struct pcb_hist *h, uint64_t v)
{
  h->bucket[pcb_hist_index(v)]++;
  if (h->count++ == 0 || v < h->min)
    h->min = v;
  if (v > h->max)
    h->max = v;
}

#endif
