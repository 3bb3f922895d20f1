/*
 * The ground-truth oracle.  A workload runs its event at the bottom of a
 * real call chain of `frames` non-inlined frames; each frame saves its own
 * return address, so what is really on the stack is known without asking
 * the unwinder under test.
 *
 * truth[0] is the return address of the bottom chain frame (the one that
 * calls the site), truth[frames-1] that of the top one.  The site is
 * expected to record with its own frame as the anchor and skip 1, which
 * makes PC 0 equal truth[0] for every strategy.
 */
#ifndef PCBENCH_ORACLE_H
#define PCBENCH_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#define PCB_FRAMES_MAX 4096

struct pcb_oracle {
  int frames;
  uintptr_t truth[PCB_FRAMES_MAX];
};

typedef int (*pcb_site_fn)(void *arg);

/* Runs site(arg) under `frames` chain frames (1..PCB_FRAMES_MAX) and
 * returns what it returned; PCB_EFRAMES for a bad frames value. */
int pcb_oracle_run(struct pcb_oracle *o, int frames, pcb_site_fn site,
                   void *arg);

/*
 * True when a capture of at most `depth` PCs taken at the site equals the
 * ground truth: the first min(frames, depth) PCs are the chain's return
 * addresses; a capture with frames >= depth is full and truncated; a
 * capture with frames < depth also holds the chain's caller, and is
 * truncated only if it filled the buffer.
 */
bool pcb_oracle_match(const struct pcb_oracle *o, int depth,
                      const uintptr_t *pcs, int n, bool truncated);

#endif
