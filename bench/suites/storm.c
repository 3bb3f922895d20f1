/*
 * storm/<workload>/<strategy>/depth:D/frames:F[/...] -- a matrix point
 * under a profiling-signal storm.  Every thread of the entry has its own
 * timer (SIGPROF at --storm Hz, directed at that thread) whose handler
 * records a nested event through the thread's strategy while the
 * workload's own events run.  A guarded strategy refuses the nested event
 * (nested_lost); the negative control hands it the outer event's buffer,
 * which the outer event's ground-truth check catches.  The timed loop
 * runs with the checking consumer, each outer event compared with the
 * truth; a short warm run first lets `lazy` allocate outside the storm;
 * the latency pass runs under the storm too.  After the run, one verdict
 * per entry: guarded strategies all correct, the control caught, and
 * enough nested events overlapped a capture for either to mean something.
 *
 * The power of the check (storm_power.h).  Only a nested event that
 * arrives while an outer record call is in progress on the same thread
 * (an overlap) can touch the outer capture.  The control corrupts it at
 * some rate q per overlap, bounded from below by the control's own entry
 * at the same point (k wrong in m overlaps, an exact Poisson 99.9% lower
 * bound); an entry's n overlaps would catch a strategy as broken with
 * probability 1 - (1 - q)^n, and it is judged only with n >= N, 99.9%.
 * Without a control there, or with one that never went wrong, q has no
 * bound and the entry cannot be judged.  Overlaps are counted by a flag
 * raised around the record call: storm entries run their strategy
 * through a copy whose record is wrapped (counted_record), so the storm's
 * timed path carries one more call and two stores, and the matrix's none.
 * The judgements need the whole run (the control may run last): they are
 * made once it ended, before any results row is written, and added to
 * each entry's rows (storm_settle, pcb_gb_amend).
 *
 * The handler is async-signal-safe: it touches only its thread's own
 * workload state, handed to it when the thread's timer is armed, its
 * thread's `capturing` flag, the lock-free bucket table, and errno, which
 * it saves and restores.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "base/progress.h"
#include "pcbench/error.h"
#include "pass/entry.h"
#include "pass/pass.h"
#include "run/runner.h"
#include "suites/storm_power.h"
#include "suites/suite.h"

static const struct pcb_config *cfg;
static const struct pcb_point_set *set;

/* The calling thread's timer, and the state its handler records into:
 * set before the timer exists, cleared after it is gone. */
static __thread timer_t timer;
static __thread struct pcb_wl_thread *volatile target;

/* Raised on a thread while a record call of a storm entry is in progress
 * on it; restored, not lowered, so that a nested record leaves the outer
 * one's flag as it found it. */
static __thread volatile sig_atomic_t capturing;

/* The entry's strategy, and the copy of it that its threads run while
 * their timers are armed: the same but for record. */
static const struct pcb_strategy *inner;
static struct pcb_strategy counted;

/* Each entry's judgement, once made (judged_all). */
static struct pcb_storm_judgement *judged;
static bool judged_all;

static int counted_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  sig_atomic_t was = capturing;
  int rc;

  capturing = 1;
  atomic_signal_fence(memory_order_seq_cst);  /* flag before the record */
  rc = inner->record(t, ev);
  atomic_signal_fence(memory_order_seq_cst);  /* the record before flag */
  capturing = was;
  return rc;
}

static void consume_nested(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  struct pcb_wl_thread *w = arg;

  (void)trunc;
  pcb_bucket_add(w->buckets, pcs, n, 0, 0);
}

static void on_sigprof(int sig)
{
  int saved = errno;
  struct pcb_wl_thread *w = target;

  (void)sig;
  if (w != NULL) {
    w->overlaps += capturing != 0;
    if (pcb_wl_bare_event(&w->thread, consume_nested, w, true) == 0)
      w->nested++;
    else
      w->nested_lost++;
  }
  errno = saved;
}

/* Arms (*hz > 0) or disarms the calling thread's timer; 0 or PCB_ESYS. */
static int arm_thread(struct pcb_wl_thread *w, void *arg)
{
  int hz = *(int *)arg;
  struct sigevent sev;
  struct itimerspec its;

  if (hz <= 0) {
    if (target != NULL)
      timer_delete(timer);
    target = NULL;
    if (w->thread.strategy == &counted)
      w->thread.strategy = inner;
    return 0;
  }
  memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGPROF;
  sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
    return PCB_ESYS;
  w->thread.strategy = &counted;
  target = w;
  its.it_interval.tv_sec = (1000000000L / hz) / 1000000000L;  /* hz = 1 */
  its.it_interval.tv_nsec = (1000000000L / hz) % 1000000000L;
  its.it_value = its.it_interval;
  return timer_settime(timer, 0, &its, NULL) == 0 ? 0 : PCB_ESYS;
}

/* Every thread of p at once; on a failure all are disarmed. */
static int arm(const struct pcb_point *p, bool on)
{
  int hz = on ? cfg->storm_hz : 0, off = 0;
  int err;

  if (on) {
    inner = p->s;
    counted = *p->s;
    counted.record = counted_record;
  }
  err = pcb_runner_each(p, arm_thread, &hz);
  if (err && on)
    pcb_runner_each(p, arm_thread, &off);
  return err;
}

static void storm_body(pcb_gb_state *st, void *arg)
{
  struct pcb_point_entry *e = arg;
  struct pcb_run_view v;
  struct pcb_tally t;

  pcb_progress_nth(e->name, "storm", e->index, set->n);
  if (!pcb_runner_prepare(&e->p, st))
    return;
  pcb_runner_reset(&e->p, PCB_RATE_POINT, pcb_wl_consume_timed);
  pcb_runner_run(&e->p, NULL, 100, NULL);
  pcb_runner_reset(&e->p, PCB_RATE_POINT, pcb_wl_consume_check);
  if (arm(&e->p, true) != 0) {
    pcb_gb_skip_with_error(st, "set-up failed: the profiling timer could "
                               "not be armed");
    return;
  }
  pcb_runner_run(&e->p, st, 0, NULL);
  arm(&e->p, false);
  v = pcb_runner_view();
  t = pcb_tally(&v, &e->p);
  pcb_pass_latency(&e->p, cfg->latency_events, arm, &e->figs);
  e->figs.nchecked = t.events;
  e->figs.ncorrect = t.correct;
  e->figs.checked = true;
  e->figs.nested = t.nested;
  e->figs.nested_lost = t.nested_lost;
  e->figs.overlaps = t.overlaps;
  pcb_point_counters(st, &e->p, &t, &e->figs);
  pcb_gb_counter(st, "nested", (double)t.nested, PCB_GB_PLAIN);
  pcb_gb_counter(st, "nested_lost", (double)t.nested_lost, PCB_GB_PLAIN);
  pcb_gb_counter(st, "overlaps", (double)t.overlaps, PCB_GB_PLAIN);
}

static int storm_setup(const struct pcb_config *c)
{
  struct pcb_gb_opts o = { .iterations = c->storm_events };
  struct sigaction sa;

  cfg = c;
  if (c->storm_hz == 0)
    return 0;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_sigprof;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGPROF, &sa, NULL) != 0)
    return PCB_ESYS;
  set = pcb_point_register(c, "storm", storm_body, &o);
  if (set != NULL)
    judged = calloc((size_t)set->n, sizeof(*judged));
  return set != NULL && judged != NULL ? 0 : PCB_ENOMEM;
}

/* The control's entry at e's point (all but the strategy equal), or
 * NULL. */
static const struct pcb_point_entry *control_of(const struct pcb_point_entry *e)
{
  for (int i = 0; i < set->n; i++) {
    const struct pcb_point_entry *c = &set->at[i];
    const struct pcb_point *a = &c->p, *b = &e->p;

    if (c->figs.checked && (a->s->flags & PCB_F_CONTROL) && a->wl == b->wl &&
        a->depth == b->depth && a->frames == b->frames &&
        a->threads == b->threads && a->place == b->place &&
        a->cache == b->cache)
      return c;
  }
  return NULL;
}

/* TSan runs an asynchronous signal's handler at the thread's next safe
 * point, never inside a capture: a storm there has no overlaps and can
 * judge nothing about nesting, which the verdict says instead of failing. */
#if defined(__SANITIZE_THREAD__)
#define DEFERRED_SIGNALS true
#else
#define DEFERRED_SIGNALS false
#endif

static struct pcb_storm_counts counts_of(const struct pcb_point_entry *e)
{
  const struct pcb_point_figs *f = &e->figs;

  return (struct pcb_storm_counts){
    .control = e->p.s->flags & PCB_F_CONTROL,
    .no_capture = e->p.s->flags & PCB_F_NO_CAPTURE,
    .checked = f->nchecked, .correct = f->ncorrect, .nested = f->nested,
    .nested_lost = f->nested_lost, .overlaps = f->overlaps };
}

/* Every entry that ran, judged against its point's control, once. */
static void judge_all(void)
{
  if (judged_all)
    return;
  for (int i = 0; set != NULL && judged != NULL && i < set->n; i++) {
    const struct pcb_point_entry *e = &set->at[i], *c = control_of(e);
    struct pcb_storm_counts ec = counts_of(e), cc;

    if (c != NULL)
      cc = counts_of(c);
    if (e->figs.checked)
      judged[i] = pcb__storm_judge(&ec, c ? &cc : NULL, DEFERRED_SIGNALS);
  }
  judged_all = true;
}

/* The judgements into every storm row (the names: docs/design.md). */
static void storm_settle(void)
{
  judge_all();
  for (int i = 0; set != NULL && judged != NULL && i < set->n; i++) {
    const struct pcb_point_entry *e = &set->at[i], *c = control_of(e);
    const struct pcb_storm_judgement *j = &judged[i];

    if (!e->figs.checked)
      continue;
    pcb_gb_amend(e->name, "storm_verdict", j->verdict);
    pcb_gb_amend(e->name, "storm_q_lo", j->q);
    pcb_gb_amend(e->name, "storm_overlaps_needed", (double)j->needed);
    pcb_gb_amend(e->name, "storm_power", j->power);
    pcb_gb_amend(e->name, "storm_control_wrong",
                 c ? (double)(c->figs.nchecked - c->figs.ncorrect) : 0);
    pcb_gb_amend(e->name, "storm_control_overlaps",
                 c ? (double)c->figs.overlaps : 0);
  }
}

/* The first registered negative control's name, for "add it" advice. */
static const char *a_control(void)
{
  for (size_t i = 0; i < pcb_strategy_count(); i++)
    if (pcb_strategy_at(i)->flags & PCB_F_CONTROL)
      return pcb_strategy_at(i)->name;
  return "a negative control";
}

static int storm_verdicts(void)
{
  int failures = 0;

  judge_all();
  for (int i = 0; set != NULL && judged != NULL && i < set->n; i++) {
    const struct pcb_point_entry *e = &set->at[i], *c = control_of(e);
    struct pcb_storm_counts ec = counts_of(e), cc;
    char v[320];

    if (!e->figs.checked)
      continue;
    if (c != NULL)
      cc = counts_of(c);
    pcb__storm_say(&ec, c ? &cc : NULL, &judged[i], a_control(), v,
                   sizeof(v));
    failures += judged[i].verdict < 0;
    fprintf(stderr, "pcbench: %s: correct %llu/%llu (%.6f), %llu nested, "
            "%llu overlaps: %s\n", e->name,
            (unsigned long long)e->figs.ncorrect,
            (unsigned long long)e->figs.nchecked,
            e->figs.nchecked ? (double)e->figs.ncorrect /
                               (double)e->figs.nchecked : 0.0,
            (unsigned long long)e->figs.nested,
            (unsigned long long)e->figs.overlaps, v);
  }
  return failures;
}

static void storm_fini(void)
{
  free(judged);
  judged = NULL;
  judged_all = false;
}

const struct pcb_suite pcb_suite_storm = {
  .name = "storm",
  .summary = "matrix points under a SIGPROF storm of nested events",
  .kind = "point",
  .prefixes = "storm",
  .setup = storm_setup,
  .settle = storm_settle,
  .verdicts = storm_verdicts,
  .fini = storm_fini,
};
