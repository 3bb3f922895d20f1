/*
 * Samplers: which events record a stack.
 *
 * Malloc (Go's nextSample / MemProfileRate): each thread counts down the
 * bytes to its next sample; the gap is drawn from an exponential
 * distribution with mean `rate`, so every byte has the same chance 1/rate
 * of being sampled.  Rate 1 samples every allocation (no draw), rate 0
 * none.
 *
 * Block (Go's blocksampled / SetBlockProfileRate): a wait of `cycles`
 * is sampled always when cycles >= rate, else with probability
 * cycles / rate; rate <= 0 samples nothing.
 *
 * State is per thread; nothing here locks or allocates.
 */
#ifndef PCBENCH_SAMPLE_H
#define PCBENCH_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcb_sampler {
  int64_t next;   /* bytes left before the next sample */
  uint64_t rate;  /* mean gap in bytes */
  uint64_t rng;   /* xorshift64* state, never 0 */
};

void pcb_sampler_init(struct pcb_sampler *s, uint64_t rate, uint64_t seed);
/* The next gap in bytes: 0 for rate 1, INT64_MAX for rate 0. */
int64_t pcb_sampler_gap(struct pcb_sampler *s);
uint64_t pcb_rand64(uint64_t *state);

/* True when an allocation of `size` bytes is to be sampled. */
static inline bool pcb_sampler_take(struct pcb_sampler *s, size_t size)
{
  s->next -= (int64_t)size;
  if (s->next > 0)
    return false;
  s->next = s->rate == 1 ? 0 : pcb_sampler_gap(s);  /* rate 1: no draw */
  return true;
}

bool pcb_block_sampled(uint64_t *rng, int64_t cycles, int64_t rate);

#endif
