/*
 * The paired runs' random source (see include/pcbench/rng.h).
 *
 * Seeding runs the seed through a 64-bit mixing finalizer (add an odd
 * constant, then xor-shift-multiply twice) so that seeds differing in one
 * bit give unrelated states; xorshift64* needs a state that is not 0, and
 * the mix of any seed that lands on 0 is replaced by a fixed odd value.
 * pcb_rng_below rejects the lowest 2^64 mod bound draws, so every residue
 * is equally likely.
 */
#include "pcbench/rng.h"
#include "pcbench/sample.h"

void pcb_rng_seed(struct pcb_rng *r, uint64_t seed)
{
  uint64_t z = seed + 0x9e3779b97f4a7c15ull;

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  r->state = z ? z : 0x853c49e6748fea9bull;
}

uint64_t pcb_rng_next(struct pcb_rng *r)
{
  return pcb_rand64(&r->state);
}

uint64_t pcb_rng_below(struct pcb_rng *r, uint64_t bound)
{
  uint64_t floor_ok, x;

  if (bound == 0)
    return 0;
  floor_ok = (0 - bound) % bound;  /* 2^64 mod bound */
  do
    x = pcb_rng_next(r);
  while (x < floor_ok);
  return x % bound;
}

double pcb_rng_unit(struct pcb_rng *r)
{
  return (double)(pcb_rng_next(r) >> 11) * 0x1p-53;
}

void pcb_rng_shuffle(struct pcb_rng *r, unsigned *idx, size_t n)
{
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)pcb_rng_below(r, i);
    unsigned t = idx[i - 1];

    idx[i - 1] = idx[j];
    idx[j] = t;
  }
}
