/*
 * A small seedable random source for paired runs: the order of the arms
 * in each round and the layout drawn between rounds (layout.h).
 *
 * Model: xorshift64* (the generator the samplers use, pcb_rand64) behind a
 * seed scrambler, so that nearby seeds (1, 2, 3, ...) start far apart and
 * seed 0 is valid.  Deterministic for a seed on every platform: a run's
 * orders and layouts are reproduced by its seed.  One per thread; nothing
 * here locks or allocates, and every call is O(1) except the shuffle, O(n).
 *
 * Why a random order per round: a fixed order puts one arm always first
 * after the other's cache and branch state, and always at the same phase
 * of any periodic noise; a fresh uniform order makes such effects average
 * to zero across rounds instead of biasing one arm.
 */
#ifndef PCBENCH_RNG_H
#define PCBENCH_RNG_H

#include <stddef.h>
#include <stdint.h>

struct pcb_rng {
  uint64_t state; /* never 0 */
};

void pcb_rng_seed(struct pcb_rng *r, uint64_t seed);
uint64_t pcb_rng_next(struct pcb_rng *r);
/* Uniform in [0, bound) without modulo bias; bound 0 gives 0. */
uint64_t pcb_rng_below(struct pcb_rng *r, uint64_t bound);
/* Uniform in [0, 1), 53 random bits. */
double pcb_rng_unit(struct pcb_rng *r);
/* Fisher-Yates: idx[0..n) becomes a uniformly random permutation of
 * itself (of 0..n-1 when it held those), whatever order it was in. */
void pcb_rng_shuffle(struct pcb_rng *r, unsigned *idx, size_t n);

#endif
