/*
 * Ground-truth call chain (see include/pcbench/oracle.h).
 *
 * Each level is a real frame: `chain` is noinline and calls the next level
 * through a volatile pointer, with a compiler barrier on the result after
 * the call, so gcc can neither inline, tail-call nor turn the recursion
 * into a loop.  The saved return address is __builtin_return_address(0):
 * what the CPU pushed, independent of any unwinder.
 */
#include "pcbench/error.h"
#include "pcbench/oracle.h"

typedef int (*chain_fn)(struct pcb_oracle *, int, pcb_site_fn, void *);

static int chain(struct pcb_oracle *o, int level, pcb_site_fn site, void *arg);
static chain_fn volatile chain_next = chain;

__attribute__((noinline, noclone)) static int chain(struct pcb_oracle *o,
                                                    int level, pcb_site_fn site,
                                                    void *arg)
{
  int r;

  o->truth[level] = (uintptr_t)__builtin_return_address(0);
  if (level == 0)
    r = site(arg);
  else
    r = chain_next(o, level - 1, site, arg);
  __asm__ volatile("" : "+r"(r) : : "memory");
  return r;
}

int pcb_oracle_run(struct pcb_oracle *o, int frames, pcb_site_fn site,
                   void *arg)
{
  if (frames < 1 || frames > PCB_FRAMES_MAX)
    return PCB_EFRAMES;
  o->frames = frames;
  return chain_next(o, frames - 1, site, arg);
}

bool pcb_oracle_match(const struct pcb_oracle *o, int depth,
                      const uintptr_t *pcs, int n, bool truncated)
{
  int want = o->frames < depth ? o->frames : depth;

  for (int i = 0; i < want && i < n; i++)
    if (pcs[i] != o->truth[i])
      return false;
  if (o->frames >= depth)
    return n == depth && truncated;
  /* frames < depth: the chain plus at least its caller, truncated only
   * if the buffer was filled. */
  return n > o->frames && (n == depth || !truncated);
}
