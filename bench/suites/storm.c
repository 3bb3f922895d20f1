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
 * The power of the check.  A nested event that arrives while an outer
 * record call is in progress on the same thread is an overlap; no other
 * nested event can touch the outer capture.  A guarded strategy refuses
 * an overlap (nested_lost); the control corrupts the outer capture with
 * some probability q per overlap (it may land after the copy to the
 * buckets, or write the same PCs).  With n overlaps the check catches
 * the control with probability 1 - (1 - q)^n, so an entry's verdict
 * counts only when n >= N = ceil(ln(0.001) / ln(1 - q)): 99.9% power.
 * q is estimated from the control's own entry at the same point (wrong
 * outer events / overlaps, taken at a one-sided 99.9% lower bound), or
 * is Q_FLOOR when that entry is absent or too few of its events went
 * wrong to bound q.  Overlaps are counted by a flag raised around the
 * record call: storm entries run their strategy through a copy whose
 * record is wrapped (counted_record), so the storm's timed path carries
 * one more call and two stores, and the matrix's none.
 *
 * The handler is async-signal-safe: it touches only its thread's own
 * workload state, handed to it when the thread's timer is armed, its
 * thread's `capturing` flag, the lock-free bucket table, and errno, which
 * it saves and restores.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "base/progress.h"
#include "pcbench/error.h"
#include "run/runner.h"
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

/* Power: the probability the check must have of catching the control. */
#define POWER 0.999
/* q when the control's entry cannot bound it: below every bound the
 * control gave on malloc (0.18 to 0.40 at the README's storm). */
#define Q_FLOOR 0.05
/* z of a one-sided 99.9% bound, and the fewest wrong events for it. */
#define Z_999 3.09
#define Q_MIN_WRONG 10

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
  struct pcb_tally t;

  pcb_progress_nth(e->name, "storm", e->index, set->n);
  if (!pcb_runner_prepare(&e->p, st))
    return;
  pcb_runner_reset(&e->p, PCB_RATE_POINT, pcb_wl_consume_timed);
  pcb_runner_run(&e->p, NULL, 100, false);
  pcb_runner_reset(&e->p, PCB_RATE_POINT, pcb_wl_consume_check);
  if (arm(&e->p, true) != 0) {
    pcb_gb_skip_with_error(st, "set-up failed: the profiling timer could "
                               "not be armed");
    return;
  }
  pcb_runner_run(&e->p, st, 0, false);
  arm(&e->p, false);
  t = pcb_runner_tally(&e->p);
  pcb_runner_latency(&e->p, arm, &e->figs);
  e->figs.nchecked = t.events;
  e->figs.ncorrect = t.correct;
  e->figs.checked = true;
  e->figs.nested = t.nested;
  e->figs.nested_lost = t.nested_lost;
  e->figs.overlaps = t.overlaps;
  pcb_runner_counters(st, &e->p, &t, &e->figs);
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
  return set != NULL ? 0 : PCB_ENOMEM;
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

/* q for e's point: the control's wrong events per overlap at a one-sided
 * 99.9% lower bound (the wrong events taken as Poisson), or Q_FLOOR. */
static double q_of(const struct pcb_point_entry *e)
{
  const struct pcb_point_entry *c = control_of(e);
  double k, lo;

  if (c == NULL || c->figs.overlaps == 0)
    return Q_FLOOR;
  k = (double)(c->figs.nchecked - c->figs.ncorrect);
  if (k < Q_MIN_WRONG)
    return Q_FLOOR;
  lo = (k - Z_999 * sqrt(k)) / (double)c->figs.overlaps;
  return lo > 1 ? 1 : lo;
}

/* Overlaps needed to catch the control with probability POWER. */
/* TSan runs an asynchronous signal's handler at the thread's next safe
 * point, never inside a capture: a storm there has no overlaps and can
 * judge nothing about nesting, which the verdict says instead of failing. */
#if defined(__SANITIZE_THREAD__)
#define DEFERRED_SIGNALS true
#else
#define DEFERRED_SIGNALS false
#endif

static uint64_t needed(double q)
{
  return q >= 1 ? 1 : (uint64_t)ceil(log(1 - POWER) / log1p(-q));
}

/* Writes e's verdict into buf ("ok...", or "FAIL: ..."). */
static void verdict(const struct pcb_point_entry *e, char *buf, size_t len)
{
  const struct pcb_point_figs *f = &e->figs;
  bool all = f->nchecked > 0 && f->ncorrect == f->nchecked;
  bool control = e->p.s->flags & PCB_F_CONTROL;
  double q = q_of(e);
  uint64_t need = needed(q);

  if (f->nested + f->nested_lost == 0)  /* no storm: nothing was tested */
    snprintf(buf, len, "FAIL: no nested event arrived (raise --storm or "
                       "--storm-events)");
  else if (control && !all)
    snprintf(buf, len, "ok: the check caught the negative control (%llu "
                       "overlaps, q %.4f)",
             (unsigned long long)f->overlaps, q);
  else if (!control && !all)
    snprintf(buf, len, "FAIL: a guarded strategy lost correctness");
  else if (!(e->p.s->flags & PCB_F_NO_CAPTURE) && f->overlaps < need &&
           DEFERRED_SIGNALS)
    snprintf(buf, len, "not judged: this build defers signal handlers to "
                       "safe points (%llu overlaps)",
             (unsigned long long)f->overlaps);
  else if (!(e->p.s->flags & PCB_F_NO_CAPTURE) && f->overlaps < need)
    snprintf(buf, len, "FAIL: too few nested events to judge (%llu "
                       "overlaps, need %llu for q %.4f)",
             (unsigned long long)f->overlaps, (unsigned long long)need, q);
  else if (control)
    snprintf(buf, len, "FAIL: the check did not catch the negative control");
  else if (e->p.s->flags & PCB_F_NO_CAPTURE)
    snprintf(buf, len, "ok");
  else
    snprintf(buf, len, "ok (%llu overlaps, need %llu for q %.4f)",
             (unsigned long long)f->overlaps, (unsigned long long)need, q);
}

static int storm_verdicts(void)
{
  int failures = 0;

  for (int i = 0; set != NULL && i < set->n; i++) {
    const struct pcb_point_entry *e = &set->at[i];
    char v[160];

    if (!e->figs.checked)
      continue;
    verdict(e, v, sizeof(v));
    failures += v[0] == 'F';
    fprintf(stderr, "pcbench: %s: correct %llu/%llu (%.6f), %llu nested: %s\n",
            e->name, (unsigned long long)e->figs.ncorrect,
            (unsigned long long)e->figs.nchecked,
            e->figs.nchecked ? (double)e->figs.ncorrect /
                               (double)e->figs.nchecked : 0.0,
            (unsigned long long)e->figs.nested, v);
  }
  return failures;
}

const struct pcb_suite pcb_suite_storm = {
  .name = "storm",
  .summary = "matrix points under a SIGPROF storm of nested events",
  .setup = storm_setup,
  .verdicts = storm_verdicts,
};
