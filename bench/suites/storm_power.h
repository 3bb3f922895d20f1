/*
 * The storm's power (suites/storm.c), as plain arithmetic on an entry's
 * counts: no state, so that a test can feed it any counts.
 *
 * A nested event that arrives while an outer record call is in progress
 * on the same thread is an overlap, the only kind that can corrupt the
 * outer capture.  The negative control corrupts it with some rate q per
 * overlap; a strategy as broken as the control would be caught by n
 * overlaps with probability 1 - (1 - q)^n.  q is bounded from below by the
 * control's own entry at the same point: k wrong captures in m overlaps,
 * k taken as Poisson, its exact one-sided 99.9% lower bound lambda
 * (P(Poisson(lambda) >= k) = 0.001), over m.  The bound rises with k and
 * falls with m; with k = 0 (or no control, or m = 0) there is none, and
 * the entry cannot be judged.
 */
#ifndef PCBENCH_STORM_POWER_H
#define PCBENCH_STORM_POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCB_STORM_POWER 0.999       /* wanted: catch the control's rate */
#define PCB_STORM_CONFIDENCE 0.999  /* of the lower bound on that rate */

/* What storm_verdict holds (and the verdict line says): > 0 judged or
 * left aside, 0 cannot judge, < 0 a FAIL. */
enum pcb_storm_verdict {
  PCB_STORM_DEFERRED = 2,   /* not judged: handlers run at safe points */
  PCB_STORM_OK = 1,         /* correct with enough overlaps; the control
                             * caught; off (nothing to corrupt) */
  PCB_STORM_UNBOUNDED = 0,  /* cannot judge: q has no lower bound */
  PCB_STORM_TOO_FEW = -1,   /* FAIL: fewer overlaps than needed */
  PCB_STORM_WRONG = -2,     /* FAIL: a strategy other than the control
                             * went wrong */
  PCB_STORM_MISSED = -3,    /* FAIL: the control was not caught */
  PCB_STORM_NO_STORM = -4,  /* FAIL: no nested event arrived */
};

/* One storm entry's counts. */
struct pcb_storm_counts {
  bool control, no_capture;
  uint64_t checked, correct;     /* outer events checked, right */
  uint64_t nested, nested_lost;  /* nested events recorded, refused */
  uint64_t overlaps;
};

struct pcb_storm_judgement {
  enum pcb_storm_verdict verdict;
  double q;          /* the lower bound on the control's rate; 0: none */
  uint64_t needed;   /* overlaps for PCB_STORM_POWER against q; 0: none */
  double power;      /* 1 - (1 - q)^overlaps; 0 without q */
};

/* lambda such that P(Poisson(lambda) >= k) = alpha (0 for k = 0). */
double pcb__poisson_lower(uint64_t k, double alpha);
/* The bound on q from k wrong in m overlaps; 0 if there is none. */
double pcb__storm_q(uint64_t wrong, uint64_t overlaps);
/* Overlaps needed for PCB_STORM_POWER against q (> 0). */
uint64_t pcb__storm_needed(double q);
/* e's judgement, against its point's control (NULL: none ran there);
 * `deferred`: this build runs signal handlers at safe points (TSan). */
struct pcb_storm_judgement pcb__storm_judge(const struct pcb_storm_counts *e,
                                            const struct pcb_storm_counts *c,
                                            bool deferred);
/* The verdict's words, for the entry's line ("ok: ...", "FAIL: ...",
 * "cannot judge: ..."); `control_name` names the strategy to add. */
void pcb__storm_say(const struct pcb_storm_counts *e,
                    const struct pcb_storm_counts *c,
                    const struct pcb_storm_judgement *j,
                    const char *control_name, char *buf, size_t len);

#endif
