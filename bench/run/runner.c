/*
 * The runner (see runner.h).  Its threads are the measuring thread (w[0],
 * the caller, bound to PU0 by main) and partners w[1..] (run/partner.c),
 * created on the first point that needs them and kept for the whole run.
 * They stay registered with one (strategy, depth) until a point needs
 * another, so thread_init never runs inside a measured run.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcbench/error.h"
#include "pcbench/handoff.h"
#include "run/floor.h"
#include "run/partner.h"
#include "run/probe.h"
#include "run/runner.h"

/* One thread's job for a run: its loop at the bottom of its chain. */
struct job {
  struct pcb_run run;
  const struct pcb_workload *wl;
  int frames;
  bool latency;  /* the measuring thread times each operation */
  bool cold;     /* the workload's cold loops: walk between operations */
};

/* A call of pcb_runner_each's fn, carried to a partner. */
struct call {
  pcb_runner_fn fn;
  struct pcb_wl_thread *w;
  void *arg;
};

static struct {
  const struct pcb_config *cfg;
  struct pcb_bucket_table buckets;
  struct pcb_wl_thread w[PCB_THREADS_MAX];  /* [0] is the measuring thread */
  struct pcb_partner partners[PCB_THREADS_MAX];
  struct job jobs[PCB_THREADS_MAX];
  int npartners;
  const struct pcb_strategy *reg_s;  /* what the threads are registered with */
  int reg_depth, reg_threads;
  struct pcb_wl_shared sh;
  struct pcb_clock clock;
  struct pcb_hist hist;
  struct pcb_hist event_hist;  /* the latency pass's record calls */
} H;

struct pcb_bucket_table *pcb_runner_buckets(void)
{
  return &H.buckets;
}

static int call_main(void *arg)
{
  struct call *c = arg;

  return c->fn(c->w, c->arg);
}

/* fn on threads [0, n): the caller runs w[0]'s, partners the others. */
static int on_threads(int n, pcb_runner_fn fn, void *arg)
{
  int err = 0;

  for (int i = 0; i < n; i++) {
    struct call c = { fn, &H.w[i], arg };
    int rc = i == 0 ? call_main(&c)
                    : pcb_partner_call(&H.partners[i], call_main, &c);

    err = err ? err : rc;
  }
  return err;
}

int pcb_runner_each(const struct pcb_point *p, pcb_runner_fn fn, void *arg)
{
  return on_threads(p->threads, fn, arg);
}

static int register_one(struct pcb_wl_thread *w, void *arg)
{
  (void)arg;
  return pcb_thread_register(&w->thread, H.reg_s, H.reg_depth);
}

static int unregister_one(struct pcb_wl_thread *w, void *arg)
{
  (void)arg;
  pcb_thread_unregister(&w->thread);
  return 0;
}

static void unregister_all(void)
{
  on_threads(H.reg_threads, unregister_one, NULL);
  H.reg_threads = 0;
  H.reg_s = NULL;
}

/* Partners running and placed for p. */
static int place_partners(const struct pcb_point *p)
{
  char desc[128];

  while (H.npartners < p->threads - 1) {
    int i = ++H.npartners;

    if (pcb_partner_start(&H.partners[i], 0) == PCB_ESYS) {
      H.npartners--;
      return PCB_ESYS;
    }
  }
  for (int i = 1; i < p->threads; i++)
    pcb_partner_bind(&H.partners[i],
                     pcb_topo_pu_for(p->place, i, desc, sizeof(desc)));
  return 0;
}

/* Registered one thread at a time, so a failure leaves reg_threads
 * counting exactly the threads to unregister. */
static int register_threads(const struct pcb_point *p)
{
  int err = 0;

  if (H.reg_s == p->s && H.reg_depth == p->depth && H.reg_threads >= p->threads)
    return 0;
  unregister_all();
  H.reg_s = p->s;
  H.reg_depth = p->depth;
  for (int i = 0; i < p->threads && err == 0; i++) {
    err = i == 0 ? register_one(&H.w[0], NULL)
                 : pcb_partner_call(&H.partners[i], call_main,
                                    &(struct call){ register_one, &H.w[i],
                                                    NULL });
    if (err == 0)
      H.reg_threads = i + 1;
  }
  return err;
}

uint64_t pcb_runner_spin_ns(const struct pcb_point *p)
{
  char desc[128];
  int npus = pcb_topo_npus();

  if (p->threads > npus)
    return 0;
  for (int i = 1; i < p->threads; i++)
    if (!pcb_handoff_spin_possible(
            npus, 0, pcb_topo_pu_for(p->place, i, desc, sizeof(desc))))
      return 0;
  return H.cfg->spin_ns;
}

/* Each thread of a cold point holds a working set of its own, allocated
 * and touched here, outside any timed run, and kept for the next point. */
static int ensure_working_sets(const struct pcb_point *p)
{
  size_t bytes = (size_t)H.cfg->working_set;

  for (int i = 0; i < p->threads; i++) {
    struct pcb_wl_thread *w = &H.w[i];
    void *ws;

    if (w->ws != NULL && w->ws_bytes == bytes)
      continue;
    if (posix_memalign(&ws, 4096, bytes) != 0)
      return PCB_ENOMEM;
    memset(ws, 0, bytes);
    free(w->ws);
    w->ws = ws;
    w->ws_bytes = bytes;
  }
  return 0;
}

bool pcb_runner_prepare(const struct pcb_point *p, pcb_gb_state *st)
{
  int err = place_partners(p);

  if (err == 0 && p->cache == PCB_CACHE_COLD)
    err = ensure_working_sets(p);
  if (err == 0)
    err = register_threads(p);
  if (err) {
    char msg[160];

    snprintf(msg, sizeof(msg), "set-up failed: %s", pcb_strerror(err));
    pcb_gb_skip_with_error(st, msg);
    return false;
  }
  return true;
}

static void reset_thread(struct pcb_wl_thread *w, int i, uint64_t rate,
                         pcb_consume_fn consume)
{
  pcb_sampler_init(&w->sampler, rate, 0x9e3779b9u * (uint64_t)(i + 1));
  w->rng = 0x2545f491u * (uint64_t)(i + 7);
  w->block_rate = (int64_t)rate;
  w->buckets = &H.buckets;
  w->consume = consume;
  w->events = w->lost = 0;
  w->seen = w->correct = w->truncated = 0;
  w->nested = w->nested_lost = 0;
}

void pcb_runner_reset(const struct pcb_point *p, uint64_t rate,
                      pcb_consume_fn consume)
{
  for (int i = 0; i < p->threads; i++)
    reset_thread(&H.w[i], i, rate, consume);
}

static int job_main(void *arg)
{
  struct job *j = arg;
  pcb_site_fn loop = j->cold ? (j->latency ? j->wl->cold_latency_loop
                                           : j->wl->cold_loop)
                             : (j->latency ? j->wl->latency_loop
                                           : j->wl->loop);

  return pcb_oracle_run(j->run.w->oracle, j->frames, loop, &j->run);
}

/* One run of p with thread i's state ws[i]. */
static void run_states(const struct pcb_point *p, struct pcb_wl_thread *ws,
                       struct pcb_wl_thread *const *arm, pcb_gb_state *st,
                       int64_t count, bool latency,
                       struct pcb_batch_time *batch)
{
  struct pcb_wl_shared *sh = &H.sh;

  sh->nthreads = p->threads;
  memset(sh->own, 0, sizeof(sh->own));
  atomic_store(&sh->stop, false);
  atomic_store(&sh->started, 0);
  sh->spin_ns = pcb_runner_spin_ns(p);
  sh->waits = sh->parked = 0;
  if (p->wl->begin)
    p->wl->begin(sh);
  for (int i = 0; i < p->threads; i++)
    H.jobs[i] = (struct job){ { arm ? arm[i] : &ws[i], sh, i ? NULL : st,
                                i ? 0 : count, i, &H.hist, &H.clock,
                                i ? NULL : batch },
                              p->wl, p->frames, latency && i == 0,
                              p->cache == PCB_CACHE_COLD };
  for (int i = 1; i < p->threads; i++)
    pcb_partner_post(&H.partners[i], job_main, &H.jobs[i]);
  while (atomic_load(&sh->started) < p->threads - 1)
    sched_yield();
  job_main(&H.jobs[0]);
  atomic_store(&sh->stop, true);
  pthread_mutex_lock(&sh->mu);
  pthread_cond_broadcast(&sh->cv);
  pthread_mutex_unlock(&sh->mu);
  if (p->wl->end)
    p->wl->end(sh);
  for (int i = 1; i < p->threads; i++)
    pcb_partner_join(&H.partners[i]);
}

void pcb_runner_run(const struct pcb_point *p, pcb_gb_state *st,
                    int64_t count, bool latency)
{
  run_states(p, H.w, NULL, st, count, latency, NULL);
}

void pcb_runner_run_arm(const struct pcb_point *p,
                        struct pcb_wl_thread *const *arm, int64_t count,
                        struct pcb_batch_time *batch)
{
  run_states(p, NULL, arm, NULL, count, false, batch);
}

int pcb_runner_call_on(int i, pcb_runner_fn fn, struct pcb_wl_thread *w,
                       void *arg)
{
  struct call c = { fn, w, arg };

  return i == 0 ? call_main(&c)
                : pcb_partner_call(&H.partners[i], call_main, &c);
}

void pcb_runner_arm_state(int i, struct pcb_wl_thread *w, uint64_t rate)
{
  struct pcb_oracle *oracle = H.w[i].oracle;

  *w = (struct pcb_wl_thread){ .oracle = oracle };
  reset_thread(w, i, rate, pcb_wl_consume_timed);
}

struct pcb_tally pcb_runner_tally(const struct pcb_point *p)
{
  bool none = p->s->flags & PCB_F_NO_CAPTURE;
  struct pcb_tally t = { .main_events = H.w[0].events,
                          .waits = H.sh.waits, .parked = H.sh.parked };

  for (int i = 0; i < p->threads; i++) {
    const struct pcb_wl_thread *w = &H.w[i];

    t.events += w->events;
    t.lost += w->lost;
    if (w->seen == (none ? 0 : w->events))
      t.correct += none ? w->events : w->correct;
    t.truncated += w->truncated;
    t.nested += w->nested;
    t.nested_lost += w->nested_lost;
  }
  return t;
}

/* A workload whose operations raise an event only under contention (lock,
 * mutex) may check few events in check_events operations, none on a busy
 * machine where the partner seldom runs alongside: the pass is repeated,
 * up to CHECK_PASSES times, until check_events events have been checked.
 * Where every operation is an event one pass suffices. */
enum { CHECK_PASSES = 64 };

void pcb_runner_check(const struct pcb_point *p, struct pcb_point_figs *f)
{
  uint64_t want = (uint64_t)H.cfg->check_events;

  for (int pass = 0; pass < CHECK_PASSES && f->nchecked < want; pass++) {
    struct pcb_tally t;

    pcb_runner_reset(p, 1, pcb_wl_consume_check);
    pcb_runner_run(p, NULL, H.cfg->check_events, false);
    t = pcb_runner_tally(p);
    f->nchecked += t.events;
    f->ncorrect += t.correct;
    f->ntruncated += t.truncated;
  }
  f->checked = true;
}

/* The calibrated floor of the cycle counter is removed from each value,
 * into a log-linear histogram.  A handler armed by `arm` touches its
 * thread's state, so it is armed only after every thread is reset. */
void pcb_runner_latency(const struct pcb_point *p, pcb_runner_arm_fn arm,
                        struct pcb_point_figs *f)
{
  struct pcb_wl_thread *w0 = &H.w[0];
  bool armed;

  pcb_runner_reset(p, H.cfg->rate, pcb_wl_consume_timed);
  pcb_hist_reset(&H.hist);
  pcb_hist_reset(&H.event_hist);
  w0->event_hist = &H.event_hist;
  w0->event_clock = &H.clock;
  w0->event_ns_sum = 0;
  armed = arm != NULL && arm(p, true) == 0;
  pcb_runner_run(p, NULL, H.cfg->latency_events, true);
  if (armed)
    arm(p, false);
  w0->event_hist = NULL;
  f->event_n = H.event_hist.count;
  f->event_p50 = pcb_hist_quantile(&H.event_hist, 0.5);
  f->event_p99 = pcb_hist_quantile(&H.event_hist, 0.99);
  f->event_mean = f->event_n ? (double)w0->event_ns_sum / (double)f->event_n
                             : 0;
  f->p50 = pcb_hist_quantile(&H.hist, 0.5);
  f->p99 = pcb_hist_quantile(&H.hist, 0.99);
  f->p999 = pcb_hist_quantile(&H.hist, 0.999);
  f->max = pcb_hist_quantile(&H.hist, 1);
  f->timed_each = true;
}

void pcb_runner_stack(const struct pcb_point *p, struct pcb_point_figs *f)
{
  reset_thread(&H.w[0], 0, 1, pcb_wl_consume_timed);
  pcb_stack_figures(&H.w[0], p->wl, p->frames, &f->stack);
}

int pcb_runner_probe(const struct pcb_point *p, int64_t count)
{
  reset_thread(&H.w[0], 0, 1, pcb_wl_consume_timed);
  return pcb_probe_events(&H.w[0], p->wl, p->frames, count);
}

static void counter(pcb_gb_state *st, const char *name, double v)
{
  pcb_gb_counter(st, name, v, PCB_GB_PLAIN);
}

void pcb_runner_counters(pcb_gb_state *st, const struct pcb_point *p,
                         const struct pcb_tally *t,
                         const struct pcb_point_figs *f)
{
  int64_t iters = pcb_gb_iterations(st);
  double floor = pcb_floor_ns(p->depth, p->frames);

  counter(st, "events", (double)t->events);
  counter(st, "events_per_iter",
          iters > 0 ? (double)t->main_events / (double)iters : 0);
  counter(st, "lost", (double)t->lost);
  counter(st, "checked", (double)f->nchecked);
  if (f->nchecked > 0) {  /* never a NaN counter: JSON readers choke */
    counter(st, "correct", (double)f->ncorrect / (double)f->nchecked);
    counter(st, "truncated", (double)f->ntruncated / (double)f->nchecked);
  }
  counter(st, "workload_threads", p->threads);
  if (f->ns_per_iter > 0 && floor > 0)
    counter(st, "floor_ratio", f->ns_per_iter / floor);
  if (f->stack.ok) {
    counter(st, "stack_bytes", (double)f->stack.stack_bytes);
    counter(st, "min_fiber_stack", (double)f->stack.min_fiber_stack);
  }
  if (f->stack.headroom_ok)
    counter(st, "headroom_bytes", (double)f->stack.headroom_bytes);
  if (f->timed_each) {
    counter(st, "p50_ns", (double)f->p50);
    counter(st, "p99_ns", (double)f->p99);
    counter(st, "p999_ns", (double)f->p999);
    counter(st, "max_ns", (double)f->max);
  }
  if (f->timed_each) {  /* the record call alone, floor removed; 0 with
                          * event_ns_events = 0 when no operation raised an
                          * event (lock, mutex without contention) */
    counter(st, "event_ns_events", (double)f->event_n);
    counter(st, "event_ns_p50", (double)f->event_p50);
    counter(st, "event_ns_p99", (double)f->event_p99);
    counter(st, "event_ns_mean", f->event_mean);
  }
  if (t->waits > 0)
    counter(st, "parked", (double)t->parked / (double)t->waits);
}

static void describe_clock(void)
{
  char buf[160];

  snprintf(buf, sizeof(buf),
           "%s, %.4f ns/tick; floor %.1f ns (median of 10001 back-to-back "
           "pairs) subtracted from each timed operation",
           pcb_clock_rdtscp.name, H.clock.ns_per_tick, H.clock.floor_ns);
  pcb_gb_context("latency_timer", buf);
  snprintf(buf, sizeof(buf), "%.2f", H.clock.floor_ns);
  pcb_gb_context("timer_floor_ns", buf);
}

double pcb_runner_ns_per_tick(void)
{
  return H.clock.ns_per_tick;
}

double pcb_runner_clock_floor_ns(void)
{
  return H.clock.floor_ns;
}

/* Per placement, the spin budget block and mutex waits get, and why. */
static void describe_spin(const struct pcb_config *c)
{
  for (int i = 0; i < PCB_PLACE_COUNT; i++) {
    struct pcb_point p = { .threads = c->threads > 1 ? c->threads : 2,
                           .place = (enum pcb_place)i };
    uint64_t spin = pcb_runner_spin_ns(&p);
    char key[64], buf[256];

    snprintf(key, sizeof(key), "spin_ns_%s", pcb_place_name(p.place));
    if (spin > 0 || c->spin_ns == 0)
      snprintf(buf, sizeof(buf), "%llu: a wait spins up to %llu ns, then "
               "parks on a futex", (unsigned long long)spin,
               (unsigned long long)spin);
    else
      snprintf(buf, sizeof(buf), "0: the spin budget of %llu ns cannot be "
               "met (%d threads on %d PUs, or a partner on the measuring "
               "thread's PU): every wait parks at once",
               (unsigned long long)c->spin_ns, p.threads, pcb_topo_npus());
    pcb_gb_context(key, buf);
  }
}

int pcb_runner_init(const struct pcb_config *c)
{
  int err;

  H.cfg = c;
  err = pcb_bucket_table_init(&H.buckets, 1 << 14, 1 << 22);
  if (err)
    return err;
  err = pcb_clock_calibrate(&pcb_clock_rdtscp, 50, 10001, &H.clock);
  if (err)
    return err;
  describe_clock();
  describe_spin(c);
  pthread_mutex_init(&H.sh.mu, NULL);
  pthread_cond_init(&H.sh.cv, NULL);
  for (int i = 0; i < PCB_THREADS_MAX; i++) {
    H.w[i].oracle = malloc(sizeof(*H.w[i].oracle));
    if (H.w[i].oracle == NULL)
      return PCB_ENOMEM;
  }
  /* instruction mode counts instructions: no floor is timed, none read */
  return c->instructions ? 0 : pcb_floor_init(c);
}

void pcb_runner_fini(void)
{
  unregister_all();
  pcb__points_fini();
  for (int i = 1; i <= H.npartners; i++)
    pcb_partner_stop(&H.partners[i]);
  H.npartners = 0;
  for (int i = 0; i < PCB_THREADS_MAX; i++) {
    free(H.w[i].oracle);
    H.w[i].oracle = NULL;
    free(H.w[i].ws);
    H.w[i].ws = NULL;
  }
  pcb_bucket_table_destroy(&H.buckets);
  pthread_mutex_destroy(&H.sh.mu);
  pthread_cond_destroy(&H.sh.cv);
}
