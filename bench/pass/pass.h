/*
 * A point's untimed passes, each in a file of its own, each driving the
 * runner through run/runner.h and reading its threads through the
 * read-only view (run/view.h), and the counters that report what they
 * found with every repetition of the point's entry:
 *   check    -- `events` events at rate 1 with the checking consumer
 *               (check.c);
 *   latency  -- `events` operations at the point's rate, each timed, and
 *               each record call alone (latency.c);
 *   stack    -- the three stack figures of one event (stackfig.c);
 *   probe    -- instruction mode's counted events (probe.c).
 * Each runs after pcb_runner_prepare(p) and leaves the threads prepared.
 */
#ifndef PCBENCH_PASS_H
#define PCBENCH_PASS_H

#include "base/gbshim.h"
#include "pass/figs.h"
#include "run/point.h"
#include "run/tally.h"

void pcb_pass_check(const struct pcb_point *p, int64_t events,
                    struct pcb_point_figs *f);
/* With `arm(p, true)` before and `arm(p, false)` after when arm is given
 * (it may refuse: the pass then runs without). */
typedef int (*pcb_pass_arm_fn)(const struct pcb_point *p, bool on);
void pcb_pass_latency(const struct pcb_point *p, int64_t events,
                      pcb_pass_arm_fn arm, struct pcb_point_figs *f);
void pcb_pass_stack(const struct pcb_point *p, struct pcb_point_figs *f);
/* `warm` events at rate 1, callgrind's counters zeroed, then `count`
 * more, each after a walk of the working set if p is cold (probe.h). */
int pcb_pass_probe(const struct pcb_point *p, int64_t warm, int64_t count);

/* The counters of one timed run (t) with the point's figures (f). */
void pcb_point_counters(pcb_gb_state *st, const struct pcb_point *p,
                        const struct pcb_tally *t,
                        const struct pcb_point_figs *f);

#endif
