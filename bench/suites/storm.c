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
 * per entry: guarded strategies all correct, the control caught, and some
 * nested event arrived at all.
 *
 * The handler is async-signal-safe: it touches only its thread's own
 * workload state, handed to it when the thread's timer is armed, the
 * lock-free bucket table, and errno, which it saves and restores.
 */
#include <errno.h>
#include <signal.h>
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
    return 0;
  }
  memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGPROF;
  sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
    return PCB_ESYS;
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
  int err = pcb_runner_each(p, arm_thread, &hz);

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
  pcb_runner_reset(&e->p, cfg->rate, pcb_wl_consume_timed);
  pcb_runner_run(&e->p, NULL, 100, false);
  pcb_runner_reset(&e->p, cfg->rate, pcb_wl_consume_check);
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
  pcb_runner_counters(st, &e->p, &t, &e->figs);
  pcb_gb_counter(st, "nested", (double)t.nested, PCB_GB_PLAIN);
  pcb_gb_counter(st, "nested_lost", (double)t.nested_lost, PCB_GB_PLAIN);
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

static const char *verdict(const struct pcb_point_entry *e)
{
  const struct pcb_point_figs *f = &e->figs;
  bool all = f->nchecked > 0 && f->ncorrect == f->nchecked;

  if (f->nested + f->nested_lost == 0)  /* no storm: nothing was tested */
    return "FAIL: no nested event arrived (raise --storm or --storm-events)";
  if (e->p.s->flags & PCB_F_CONTROL)
    return all ? "FAIL: the check did not catch the negative control"
               : "ok: the check caught the negative control";
  return all ? "ok" : "FAIL: a guarded strategy lost correctness";
}

static int storm_verdicts(void)
{
  int failures = 0;

  for (int i = 0; set != NULL && i < set->n; i++) {
    const struct pcb_point_entry *e = &set->at[i];
    const char *v;

    if (!e->figs.checked)
      continue;
    v = verdict(e);
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
