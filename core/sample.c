/*
 * Samplers (Go's nextSample and blocksampled); see include/pcbench/sample.h.
 * The random source is xorshift64* per thread: fast, no locks, and
 * seedable so tests are repeatable.
 */
#include <math.h>

#include "pcbench/sample.h"

uint64_t pcb_rand64(uint64_t *state)
{
  uint64_t x = *state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545f4914f6cdd1dull;
}

void pcb_sampler_init(struct pcb_sampler *s, uint64_t rate, uint64_t seed)
{
  s->rate = rate;
  s->rng = seed ? seed : 0x853c49e6748fea9bull;
  s->next = pcb_sampler_gap(s);
}

int64_t pcb_sampler_gap(struct pcb_sampler *s)
{
  double u;

  if (s->rate == 0)
    return INT64_MAX;
  if (s->rate == 1)
    return 0;
  /* u in (0, 1]: 53 random bits, never 0, so log(u) is finite. */
  u = (double)((pcb_rand64(&s->rng) >> 11) + 1) * 0x1p-53;
  return (int64_t)(-log(u) * (double)s->rate);
}

bool pcb_block_sampled(uint64_t *rng, int64_t cycles, int64_t rate)
{
  if (rate <= 0)
    return false;
  if (cycles >= rate)
    return true;
  if (cycles <= 0)
    return false;
  return (int64_t)(pcb_rand64(rng) % (uint64_t)rate) < cycles;
}
