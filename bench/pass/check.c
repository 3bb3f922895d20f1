/*
 * The correctness pass: events at rate 1 with the checking consumer, each
 * capture compared with the truth its chain saved (pass.h).
 */
#include "pass/pass.h"
#include "run/runner.h"

/* A workload whose operations raise an event only under contention (lock,
 * mutex) may check few events in `events` operations, none on a busy
 * machine where the partner seldom runs alongside: the pass is repeated,
 * up to CHECK_PASSES times, until `events` events have been checked.
 * Where every operation is an event one pass suffices. */
enum { CHECK_PASSES = 64 };

void pcb_pass_check(const struct pcb_point *p, int64_t events,
                    struct pcb_point_figs *f)
{
  for (int pass = 0; pass < CHECK_PASSES && f->nchecked < (uint64_t)events;
       pass++) {
    struct pcb_run_view v;
    struct pcb_tally t;

    pcb_runner_reset(p, 1, pcb_wl_consume_check);
    pcb_runner_run(p, NULL, events, NULL);
    v = pcb_runner_view();
    t = pcb_tally(&v, p);
    f->nchecked += t.events;
    f->ncorrect += t.correct;
    f->ntruncated += t.truncated;
  }
  f->checked = true;
}
