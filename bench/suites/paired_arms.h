/*
 * The arms of a paired entry (suites/paired.c): a strategy with a state
 * of its own on every thread of the point.  Internal to suites/.
 *
 * Layout (docs/design.md, "Layouts"): before each round the arm's
 * measuring-thread state, and its per-thread heap buffer, move to a
 * fresh offset within a cache line and page, in one of PCB_ARM_PAGES
 * regions that are each a mapping of their own -- other physical pages,
 * not only another offset in the same ones -- so no arm keeps a data
 * layout the others lack; and its strategy and consumer come from the
 * round's copy of the event path (layout/layouts.h).
 */
#ifndef PCBENCH_PAIRED_ARMS_H
#define PCBENCH_PAIRED_ARMS_H

#include <stdbool.h>

#include "layout/module.h"
#include "pcbench/rng.h"
#include "run/runner.h"

#define PCB_ARM_PAGES 8  /* separately mapped regions an arm's state and
                          * buffer are drawn from, round by round */
#define PCB_ARM_HOMES 32 /* modules one labelled arm runs on */

struct pcb__arm {
  const struct pcb_strategy *s;
  char label[40];
  struct pcb_wl_thread w[PCB_THREADS_MAX];  /* [0]: where it registered */
  struct pcb_wl_thread *ptr[PCB_THREADS_MAX];
  unsigned char *region[PCB_ARM_PAGES], *heap[PCB_ARM_PAGES];
  size_t region_bytes, heap_bytes;
  void *own_buf;            /* the buffer thread_init allocated */
  int registered;           /* threads registered with its strategy */
  double *ns;               /* per round: ns per operation */
  /* An arm `<strategy>@<label>` (another build): its strategy's copy
   * in each module of that label; round on copy c runs on home
   * (c + shift) mod nhomes (a shared-buffer strategy on home 0 alone),
   * shift being the label's place among the labels (0, 1, ...).  Such
   * an entry draws c from pcbench's modules alone (1..n, paired.c), so
   * with two builds' n modules numbered alike each label runs every
   * layout equally often and no two labels run the same shuffle in one
   * round.  nhomes 0: the arm runs on pcbench's copies, as any other. */
  const struct pcb_event_module *home[PCB_ARM_HOMES];
  const struct pcb_strategy *home_s[PCB_ARM_HOMES];
  int nhomes, shift;
};

/* Sets up `arm` for strategy s (label: s's name and suffix) on p's
 * threads, registered, with room for `rounds` samples; 0 or PCB_E*, and
 * then pcb__arm_free still undoes what was done. */
int pcb__arm_add(struct pcb__arm *arm, const struct pcb_point *p,
                 const struct pcb_strategy *s, const char *suffix,
                 int rounds, uint64_t rate);
/* Sets up `arm` as `<name>@<label>`: the strategy `name` of every module
 * labelled `label` (modules.h), the label's place among the labels
 * `shift`; PCB_ENOENT if one of them lacks it (the arm is then
 * untouched), else as pcb__arm_add. */
int pcb__arm_add_labelled(struct pcb__arm *arm, const struct pcb_point *p,
                          const char *name, const char *label, int shift,
                          int rounds, uint64_t rate);
/* Old against new (layout/modules.h): after the run's own arms
 * arms[0..*narms), each of their strategies again as `<name>@<label>`,
 * and the shared-path arm (the first strategy flagged PCB_F_CAPTURE_ONLY,
 * unless the run times it), for every module label whose modules bring
 * no strategy of their own and carry it (the label's place among such
 * labels its shift), *narms counting them, up to max - 1 arms in all
 * (the last slot stays the A/A control's).  0 or PCB_E*; the arms added
 * are freed by pcb__arm_free like any other. */
int pcb__arms_add_other_builds(struct pcb__arm *arms, int *narms, int max,
                               const struct pcb_point *p, int rounds,
                               uint64_t rate);
/* Whether any of arms[0..narms) runs on another build's modules. */
bool pcb__arms_other_builds(const struct pcb__arm *arms, int narms);
/* Unregisters the threads it registered and frees; the arm is zeroed. */
void pcb__arm_free(struct pcb__arm *arm, const struct pcb_point *p);
/* A fresh data layout for the next round (see above). */
void pcb__arm_relayout(struct pcb__arm *arm, struct pcb_rng *rng);
/* The arm's states on copy `copy` of the event path: its strategy's
 * record and the consumer from that copy (a shared-buffer strategy's, or
 * a strategy the copy lacks, stay pcbench's own, copy 0); the copy to run
 * the batch's loops and chain on, NULL for pcbench's own. */
const struct pcb_event_module *pcb__arm_on_copy(struct pcb__arm *arm,
                                                int threads, int copy);

#endif
