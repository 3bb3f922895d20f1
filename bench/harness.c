/*
 * The harness (see harness.h).  One entry's run:
 *   prepare  -- outside the timer: partners started and placed, every
 *               thread registered with (strategy, depth) once and reused
 *               across repetitions, counters reset;
 *   measure  -- the measuring thread descends `frames` real frames and
 *               runs Google Benchmark's loop at the bottom; partners do
 *               the same until told to stop;
 *   check    -- once per entry, after the first timed run and outside the
 *               timer: check_events events at rate 1 with the checking
 *               consumer, which compares every capture with the oracle.
 * The timed path holds only the workload, the strategy and the bucket
 * table: no allocation, I/O or timing of the harness's own.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "churn.h"
#include "floor.h"
#include "harness.h"
#include "icount.h"
#include "memory.h"
#include "partner.h"
#include "stackfig.h"
#include "storm.h"
#include "pcbench/error.h"

struct entry {
  char name[160];
  const struct pcb_workload *wl;
  const struct pcb_strategy *s;
  int depth, frames, threads, index;
  enum pcb_place place;
  bool checked;
  uint64_t nchecked, ncorrect, ntruncated;
  bool storm;             /* a storm/ entry */
  uint64_t nested;        /* storm: nested events recorded */
  uint64_t nested_lost;   /* storm: nested events refused or dropped */
  bool timed_each;        /* the latency pass has run */
  struct pcb_stack_figs stack;
  double ns_per_iter;     /* this run, by the harness's clock */
  uint64_t p50, p99, p999, max;
};

/* One thread's job for a run: its loop at the bottom of its chain. */
struct job {
  struct pcb_run run;
  const struct pcb_workload *wl;
  int frames;
  bool latency;  /* the measuring thread times each operation */
};

static struct {
  const struct pcb_config *cfg;
  struct entry *entries;
  int nentries;
  struct pcb_bucket_table buckets;
  struct pcb_wl_thread w[PCB_THREADS_MAX];  /* [0] is the measuring thread */
  struct pcb_partner partners[PCB_THREADS_MAX];
  struct job jobs[PCB_THREADS_MAX];
  int npartners;
  enum pcb_place bound_place;
  const struct pcb_strategy *reg_s;  /* what the threads are registered with */
  int reg_depth, reg_threads;
  struct pcb_wl_shared sh;
  struct pcb_clock clock;
  struct pcb_hist hist;
  const char *current;
} H;

const char *pcb_harness_current(void)
{
  return H.current;
}

void pcb_harness_progress(const char *name)
{
  if (H.current != name)
    fprintf(stderr, "pcbench: %s\n", name);
  H.current = name;
}

static int register_self(void *arg)
{
  struct pcb_wl_thread *w = arg;

  return pcb_thread_register(&w->thread, H.reg_s, H.reg_depth);
}

static int unregister_self(void *arg)
{
  struct pcb_wl_thread *w = arg;

  pcb_thread_unregister(&w->thread);
  return 0;
}

static int bind_self(void *arg)
{
  return pcb_topo_bind(*(int *)arg);
}

static void unregister_all(void)
{
  for (int i = 0; i < H.reg_threads; i++)
    if (i == 0)
      unregister_self(&H.w[0]);
    else
      pcb_partner_call(&H.partners[i], unregister_self, &H.w[i]);
  H.reg_threads = 0;
  H.reg_s = NULL;
}

/* Partners running and placed for e; warns once if binding fails. */
static int place_partners(const struct entry *e)
{
  char desc[128];

  while (H.npartners < e->threads - 1) {
    int i = ++H.npartners;

    if (pcb_partner_start(&H.partners[i], 0) == PCB_ESYS) {
      H.npartners--;
      return PCB_ESYS;
    }
  }
  for (int i = 1; i < e->threads; i++) {
    int pu = pcb_topo_pu_for(e->place, i, desc, sizeof(desc));

    pcb_partner_call(&H.partners[i], bind_self, &pu);
  }
  H.bound_place = e->place;
  return 0;
}

static int register_threads(const struct entry *e)
{
  int err = 0;

  if (H.reg_s == e->s && H.reg_depth == e->depth && H.reg_threads >= e->threads)
    return 0;
  unregister_all();
  H.reg_s = e->s;
  H.reg_depth = e->depth;
  for (int i = 0; i < e->threads && err == 0; i++) {
    err = i == 0 ? register_self(&H.w[0])
                 : pcb_partner_call(&H.partners[i], register_self, &H.w[i]);
    if (err == 0)
      H.reg_threads = i + 1;
  }
  return err;
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

static int job_main(void *arg)
{
  struct job *j = arg;

  return pcb_oracle_run(j->run.w->oracle, j->frames,
                        j->latency ? j->wl->latency_loop : j->wl->loop,
                        &j->run);
}

/* One run of e on all its threads: timed when st, else `count` ops,
 * each timed into H.hist when `latency`. */
static void run_threads(const struct entry *e, pcb_gb_state *st, int64_t count,
                        bool latency)
{
  struct pcb_wl_shared *sh = &H.sh;

  sh->nthreads = e->threads;
  sh->turn = 0;
  atomic_store(&sh->stop, false);
  atomic_store(&sh->started, 0);
  for (int i = 0; i < e->threads; i++)
    H.jobs[i] = (struct job){ { &H.w[i], sh, i ? NULL : st, i ? 0 : count, i,
                                &H.hist, &H.clock },
                              e->wl, e->frames, latency && i == 0 };
  for (int i = 1; i < e->threads; i++)
    pcb_partner_post(&H.partners[i], job_main, &H.jobs[i]);
  while (atomic_load(&sh->started) < e->threads - 1)
    sched_yield();
  job_main(&H.jobs[0]);
  atomic_store(&sh->stop, true);
  pthread_mutex_lock(&sh->mu);
  pthread_cond_broadcast(&sh->cv);
  pthread_mutex_unlock(&sh->mu);
  for (int i = 1; i < e->threads; i++)
    pcb_partner_join(&H.partners[i]);
}

/*
 * The untimed correctness pass, at rate 1.  A capturing strategy is
 * correct on an event when the consumer saw exactly one capture equal to
 * the truth; `off` when it saw none.
 */
static void check_entry(struct entry *e)
{
  bool none = e->s->flags & PCB_F_NO_CAPTURE;

  for (int i = 0; i < e->threads; i++)
    reset_thread(&H.w[i], i, 1, pcb_wl_consume_check);
  run_threads(e, NULL, H.cfg->check_events, false);
  for (int i = 0; i < e->threads; i++) {
    struct pcb_wl_thread *w = &H.w[i];

    e->nchecked += w->events;
    if (w->seen == (none ? 0 : w->events))
      e->ncorrect += none ? w->events : w->correct;
    e->ntruncated += w->truncated;
  }
  e->checked = true;
}

/*
 * The untimed latency pass, at the configured rate: latency_events
 * operations of the measuring thread, each timed with the cycle counter,
 * the calibrated floor removed, into a log-linear histogram.
 */
static int storm_arm(const struct entry *e, int hz);

/* With storm_hz, under a storm armed only after every thread's state is
 * reset: a handler touches its thread's state, so nothing else may. */
static void time_each(struct entry *e, int storm_hz)
{
  for (int i = 0; i < e->threads; i++)
    reset_thread(&H.w[i], i, H.cfg->rate, pcb_wl_consume_timed);
  pcb_hist_reset(&H.hist);
  if (storm_hz && storm_arm(e, storm_hz) != 0)
    storm_hz = 0;  /* could not arm: the latency pass runs without it */
  run_threads(e, NULL, H.cfg->latency_events, true);
  if (storm_hz)
    storm_arm(e, 0);
  e->p50 = pcb_hist_quantile(&H.hist, 0.5);
  e->p99 = pcb_hist_quantile(&H.hist, 0.99);
  e->p999 = pcb_hist_quantile(&H.hist, 0.999);
  e->max = pcb_hist_quantile(&H.hist, 1);
  e->timed_each = true;
}

/* What one timed run recorded, summed over its threads. */
struct tally {
  uint64_t events, lost, main_events;
};

static struct tally tally(const struct entry *e)
{
  struct tally t = { 0, 0, H.w[0].events };

  for (int i = 0; i < e->threads; i++) {
    t.events += H.w[i].events;
    t.lost += H.w[i].lost;
  }
  return t;
}

/* Counters of one timed run; the check and latency figures are the
 * entry's. */
static void report(pcb_gb_state *st, const struct entry *e, struct tally t)
{
  int64_t iters = pcb_gb_iterations(st);

  pcb_gb_counter(st, "events", (double)t.events, PCB_GB_PLAIN);
  pcb_gb_counter(st, "events_per_iter",
                 iters > 0 ? (double)t.main_events / (double)iters : 0,
                 PCB_GB_PLAIN);
  pcb_gb_counter(st, "lost", (double)t.lost, PCB_GB_PLAIN);
  pcb_gb_counter(st, "checked", (double)e->nchecked, PCB_GB_PLAIN);
  if (e->nchecked > 0) {  /* never a NaN counter: JSON readers choke */
    pcb_gb_counter(st, "correct", (double)e->ncorrect / (double)e->nchecked,
                   PCB_GB_PLAIN);
    pcb_gb_counter(st, "truncated",
                   (double)e->ntruncated / (double)e->nchecked, PCB_GB_PLAIN);
  }
  pcb_gb_counter(st, "threads", e->threads, PCB_GB_PLAIN);
  if (e->ns_per_iter > 0 && pcb_floor_ns(e->depth, e->frames) > 0)
    pcb_gb_counter(st, "floor_ratio",
                   e->ns_per_iter / pcb_floor_ns(e->depth, e->frames),
                   PCB_GB_PLAIN);
  if (e->stack.ok) {
    pcb_gb_counter(st, "stack_bytes", (double)e->stack.stack_bytes,
                   PCB_GB_PLAIN);
    pcb_gb_counter(st, "min_fiber_stack", (double)e->stack.min_fiber_stack,
                   PCB_GB_PLAIN);
  }
  if (e->stack.headroom_ok)
    pcb_gb_counter(st, "headroom_bytes", (double)e->stack.headroom_bytes,
                   PCB_GB_PLAIN);
  if (e->timed_each) {
    pcb_gb_counter(st, "p50_ns", (double)e->p50, PCB_GB_PLAIN);
    pcb_gb_counter(st, "p99_ns", (double)e->p99, PCB_GB_PLAIN);
    pcb_gb_counter(st, "p999_ns", (double)e->p999, PCB_GB_PLAIN);
    pcb_gb_counter(st, "max_ns", (double)e->max, PCB_GB_PLAIN);
  }
}

/* Progress, placement and registration for e; false if the entry
 * cannot run (Google Benchmark is then told why). */
static bool prepare(struct entry *e, pcb_gb_state *st)
{
  int err;

  if (H.current != e->name)
    fprintf(stderr, "pcbench: [matrix %d/%d] %s\n", e->index + 1,
            H.nentries, e->name);
  H.current = e->name;
  err = place_partners(e);
  if (err == 0)
    err = register_threads(e);
  if (err) {
    char msg[160];

    snprintf(msg, sizeof(msg), "set-up failed: %s", pcb_strerror(err));
    pcb_gb_skip_with_error(st, msg);
    return false;
  }
  return true;
}

static void entry_body(pcb_gb_state *st, void *arg)
{
  struct entry *e = arg;
  struct tally t;
  uint64_t t0;

  if (!prepare(e, st))
    return;
  for (int i = 0; i < e->threads; i++)
    reset_thread(&H.w[i], i, H.cfg->rate, pcb_wl_consume_timed);
  if (H.cfg->instructions)
    PCB_ICOUNT_ZERO();
  t0 = pcb_clock_read_mono();
  run_threads(e, st, 0, false);
  e->ns_per_iter = (double)(pcb_clock_read_mono() - t0) /
                   (double)(pcb_gb_iterations(st) > 0 ? pcb_gb_iterations(st) : 1);
  if (H.cfg->instructions)
    PCB_ICOUNT_DUMP(e->name);
  t = tally(e);
  if (!e->checked) {
    check_entry(e);
    pcb_floor_ensure(e->depth, e->frames);  /* --interleave: floor not run */
    if (!H.cfg->instructions) {  /* under callgrind: counts, not times */
      time_each(e, 0);
      reset_thread(&H.w[0], 0, 1, pcb_wl_consume_timed);
      pcb_stack_figures(&H.w[0], e->wl, e->frames, &e->stack);
    }
  }
  report(st, e, t);
}

/* Arms (hz > 0) or disarms every thread's profiling timer for e. */
/* Arms (hz > 0) or disarms every thread's profiling timer; on a failure
 * all are disarmed and the error returned. */
static int storm_arm(const struct entry *e, int hz)
{
  int err = pcb_storm_arm(&hz), off = 0;

  for (int i = 1; i < e->threads; i++) {
    int rc = pcb_partner_call(&H.partners[i], pcb_storm_arm, &hz);

    err = err ? err : rc;
  }
  if (err && hz > 0)
    storm_arm(e, off);
  return err;
}

/*
 * storm/... -- the timed loop runs with the checking consumer while every
 * thread takes SIGPROF at --storm Hz; each outer event is
 * compared with the ground truth.  A short warm run first lets `lazy`
 * allocate outside the storm.  The latency pass runs under the storm too.
 */
static void storm_body(pcb_gb_state *st, void *arg)
{
  struct entry *e = arg;
  bool none = e->s->flags & PCB_F_NO_CAPTURE;
  uint64_t correct = 0, nested = 0, nested_lost = 0;
  struct tally t;

  if (!prepare(e, st))
    return;
  for (int i = 0; i < e->threads; i++)
    reset_thread(&H.w[i], i, H.cfg->rate, pcb_wl_consume_timed);
  run_threads(e, NULL, 100, false);
  for (int i = 0; i < e->threads; i++)
    reset_thread(&H.w[i], i, H.cfg->rate, pcb_wl_consume_check);
  if (storm_arm(e, H.cfg->storm_hz) != 0) {
    pcb_gb_skip_with_error(st, "set-up failed: the profiling timer could "
                               "not be armed");
    return;
  }
  run_threads(e, st, 0, false);
  storm_arm(e, 0);
  t = tally(e);
  for (int i = 0; i < e->threads; i++) {
    const struct pcb_wl_thread *w = &H.w[i];

    if (w->seen == (none ? 0 : w->events))
      correct += none ? w->events : w->correct;
    nested += w->nested;
    nested_lost += w->nested_lost;
  }
  time_each(e, H.cfg->storm_hz);
  e->nchecked = t.events;
  e->ncorrect = correct;
  e->nested = nested;
  e->nested_lost = nested_lost;
  e->checked = true;
  report(st, e, t);
  pcb_gb_counter(st, "nested", (double)nested, PCB_GB_PLAIN);
  pcb_gb_counter(st, "nested_lost", (double)nested_lost, PCB_GB_PLAIN);
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

static void add_entry(const struct pcb_config *c, const struct pcb_workload *wl,
                      const struct pcb_strategy *s, int d, int f, int p,
                      bool storm)
{
  struct entry *e = &H.entries[H.nentries];
  int threads = c->threads ? c->threads : wl->min_threads;

  *e = (struct entry){ .wl = wl, .s = s, .depth = c->depths[d],
                       .frames = c->frames[f], .threads = threads,
                       .place = c->places[p], .index = H.nentries,
                       .storm = storm };
  snprintf(e->name, sizeof(e->name), "%s%s/%s/depth:%d/frames:%d",
           storm ? "storm/" : "", wl->name, s->name, e->depth, e->frames);
  if (threads > 1)
    snprintf(e->name + strlen(e->name), sizeof(e->name) - strlen(e->name),
             "/threads:%d", threads);
  if (wl->min_threads > 1)
    snprintf(e->name + strlen(e->name), sizeof(e->name) - strlen(e->name),
             "/place:%s", pcb_place_name(e->place));
  H.nentries++;
}

static void register_entries(const struct pcb_config *c)
{
  for (int i = 0; i < H.nentries; i++) {
    struct entry *e = &H.entries[i];
    struct pcb_gb_opts o = { .real_time = e->wl->real_time,
                             .iterations = e->storm ? c->storm_events : 0 };

    if (c->instructions)
      o.iterations = c->instructions, o.repetitions = 1;

    pcb_gb_register(e->name, e->storm ? storm_body : entry_body, e, &o);
  }
}

int pcb_harness_setup(const struct pcb_config *c)
{
  int max = 2 * c->nworkloads * c->nstrategies * c->ndepths * c->nframes *
            c->nplaces;
  int err;

  H.cfg = c;
  H.entries = calloc((size_t)max, sizeof(*H.entries));
  if (H.entries == NULL)
    return PCB_ENOMEM;
  err = pcb_bucket_table_init(&H.buckets, 1 << 14, 1 << 22);
  if (err)
    return err;
  err = pcb_clock_calibrate(&pcb_clock_rdtscp, 50, 10001, &H.clock);
  if (err)
    return err;
  describe_clock();
  pthread_mutex_init(&H.sh.mu, NULL);
  pthread_cond_init(&H.sh.cv, NULL);
  for (int i = 0; i < PCB_THREADS_MAX; i++) {
    H.w[i].oracle = malloc(sizeof(*H.w[i].oracle));
    if (H.w[i].oracle == NULL)
      return PCB_ENOMEM;
  }
  if (!c->instructions) {  /* instruction mode: matrix entries only */
    err = pcb_floor_register(c);
    if (err)
      return err;
  }
  for (int w = 0; w < c->nworkloads; w++)
    for (int s = 0; s < c->nstrategies; s++)
      for (int d = 0; d < c->ndepths; d++)
        for (int f = 0; f < c->nframes; f++)
          for (int p = 0; p < (c->workloads[w]->min_threads > 1 ? c->nplaces : 1); p++)
            for (int storm = 0;
                 storm <= (c->storm_hz > 0 && !c->instructions); storm++)
              add_entry(c, c->workloads[w], c->strategies[s], d, f, p, storm);
  if (c->storm_hz > 0 && pcb_storm_install() != 0)
    return PCB_ESYS;
  register_entries(c);
  if (c->instructions)
    return 0;
  pcb_churn_register(c);
  return pcb_memory_register(c, &H.buckets);
}

int pcb_harness_verdicts(void)
{
  int failures = 0;

  for (int i = 0; i < H.nentries; i++) {
    const struct entry *e = &H.entries[i];
    bool control = e->s->flags & PCB_F_CONTROL;
    bool all = e->nchecked > 0 && e->ncorrect == e->nchecked;
    const char *verdict;

    if (!e->storm || !e->checked)
      continue;
    if (e->nested + e->nested_lost == 0)  /* no storm: nothing was tested */
      verdict = "FAIL: no nested event arrived (raise --storm or "
                "--storm-events)";
    else if (control)
      verdict = all ? "FAIL: the check did not catch the negative control"
                    : "ok: the check caught the negative control";
    else
      verdict = all ? "ok" : "FAIL: a guarded strategy lost correctness";
    failures += verdict[0] == 'F';
    fprintf(stderr, "pcbench: %s: correct %llu/%llu (%.6f), %llu nested: %s\n",
            e->name, (unsigned long long)e->ncorrect,
            (unsigned long long)e->nchecked,
            e->nchecked ? (double)e->ncorrect / (double)e->nchecked : 0.0,
            (unsigned long long)e->nested, verdict);
  }
  return failures;
}

void pcb_harness_teardown(void)
{
  unregister_all();
  for (int i = 1; i <= H.npartners; i++)
    pcb_partner_stop(&H.partners[i]);
  H.npartners = 0;
  for (int i = 0; i < PCB_THREADS_MAX; i++)
    free(H.w[i].oracle);
  pcb_bucket_table_destroy(&H.buckets);
  pthread_mutex_destroy(&H.sh.mu);
  pthread_cond_destroy(&H.sh.cv);
  H.current = NULL;  /* the interrupt handler reads it */
  free(H.entries);
  H.entries = NULL;
}
