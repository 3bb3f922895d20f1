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
#include "base/outfile.h"
#include "run/floor.h"
#include "run/budget.h"
#include "run/partner.h"
#include "run/runner.h"

/* One thread's job for a run: its loop at the bottom of its chain, both
 * from one copy of the event path (layout/module.h). */
struct job {
  struct pcb_run run;
  const struct pcb_workload *wl;
  int (*oracle_run)(struct pcb_oracle *o, int frames, pcb_site_fn site,
                    void *arg);
  int frames;
  bool latency;  /* the measuring thread times each operation */
  bool cold;     /* the workload's cold loops: walk between operations */
};

/* What a thread registers with. */
struct reg {
  const struct pcb_strategy *s;
  int depth;
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
  struct reg reg;  /* what the threads are registered with */
  int reg_threads;
  struct pcb_wl_shared sh;
  struct pcb_clock clock;
  uint64_t go_block_cycles;  /* PCB_GO_BLOCK_NS in this machine's cycles */
  struct pcb_point prepared;  /* the last point prepared */
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
  const struct reg *r = arg;

  return pcb_thread_register(&w->thread, r->s, r->depth);
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
  H.reg.s = NULL;
}

/* Partners running and placed for p. */
static int place_partners(const struct pcb_point *p)
{
  char desc[128];

  while (H.npartners < p->threads - 1) {
    int i = ++H.npartners, err = pcb_partner_start(&H.partners[i], 0);

    if (err == PCB_ENOMEM || err == PCB_ESYS) {  /* no thread started */
      H.npartners--;
      return err;
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

  if (H.reg.s == p->s && H.reg.depth == p->depth &&
      H.reg_threads >= p->threads)
    return 0;
  unregister_all();
  H.reg = (struct reg){ p->s, p->depth };
  for (int i = 0; i < p->threads && err == 0; i++) {
    struct call c = { register_one, &H.w[i], &H.reg };

    err = i == 0 ? call_main(&c)
                 : pcb_partner_call(&H.partners[i], call_main, &c);
    if (err == 0)
      H.reg_threads = i + 1;
  }
  return err;
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

  H.prepared = *p;

  if (err == 0 && p->cache == PCB_CACHE_COLD)
    err = ensure_working_sets(p);
  if (err == 0)
    err = register_threads(p);
  if (err == PCB_ENOMEM)  /* no entry can run: the run ends (outfile.h) */
    pcb_out_of_memory("preparing an entry: its threads, working sets or "
                      "strategy buffers");
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
  w->nested = w->nested_lost = w->overlaps = 0;
  w->walk_cycles = 0;
}

uint64_t pcb_runner_rate(const struct pcb_point *p)
{
  if (p->rate != PCB_RATE_GO)
    return p->rate;
  return p->wl->rate_unit == PCB_RATE_CYCLES ? H.go_block_cycles
                                             : PCB_GO_MEM_PROFILE_RATE;
}

void pcb_runner_reset(const struct pcb_point *p, uint64_t rate,
                      pcb_consume_fn consume)
{
  if (rate == PCB_RATE_POINT)
    rate = pcb_runner_rate(p);
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

  return j->oracle_run(j->run.w->oracle, j->frames, loop, &j->run);
}

/* One run of p with thread i's state ws[i], on copy m of the event path
 * (NULL: pcbench's own); the measuring thread's operations each timed
 * into `each` if not NULL. */
static void run_states(const struct pcb_point *p, struct pcb_wl_thread *ws,
                       struct pcb_wl_thread *const *arm, pcb_gb_state *st,
                       int64_t count, struct pcb_hist *each,
                       struct pcb_batch_time *batch,
                       const struct pcb_event_module *m)
{
  struct pcb_wl_shared *sh = &H.sh;
  const struct pcb_workload *wl = m ? m->workload(p->wl->name) : p->wl;

  sh->nthreads = p->threads;
  memset(sh->own, 0, sizeof(sh->own));
  atomic_store(&sh->stop, false);
  atomic_store(&sh->started, 0);
  sh->spin_ns = pcb_spin_budget(p, H.cfg->spin_ns);
  sh->waits = sh->parked = 0;
  sh->cold = p->cache == PCB_CACHE_COLD;
  atomic_flag_clear(&sh->walks.lock);
  atomic_store(&sh->walks.seq, 0);
  atomic_store(&sh->walks.done, 0);
  atomic_store(&sh->walks.since_sum, 0);
  atomic_store(&sh->walks.walking, 0);
  if (wl->begin)
    wl->begin(sh);
  for (int i = 0; i < p->threads; i++)
    H.jobs[i] = (struct job){ { arm ? arm[i] : &ws[i], sh, i ? NULL : st,
                                i ? 0 : count, i, each, &H.clock,
                                i ? NULL : batch },
                              wl, m ? m->oracle_run : pcb_oracle_run,
                              p->frames, each != NULL && i == 0,
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
  if (wl->end)
    wl->end(sh);
  for (int i = 1; i < p->threads; i++)
    pcb_partner_join(&H.partners[i]);
}

void pcb_runner_run(const struct pcb_point *p, pcb_gb_state *st,
                    int64_t count, struct pcb_hist *each)
{
  run_states(p, H.w, NULL, st, count, each, NULL, NULL);
}

void pcb_runner_time_events(struct pcb_hist *events)
{
  H.w[0].event_hist = events;
  H.w[0].event_clock = &H.clock;
  if (events != NULL)
    H.w[0].event_ns_sum = 0;
}

struct pcb_run_view pcb_runner_view(void)
{
  return (struct pcb_run_view){ H.w, &H.sh };
}

struct pcb_wl_thread *pcb_runner_lend(void)
{
  reset_thread(&H.w[0], 0, 1, pcb_wl_consume_timed);
  return &H.w[0];
}

void pcb_runner_run_arm(const struct pcb_point *p,
                        struct pcb_wl_thread *const *arm, int64_t count,
                        struct pcb_batch_time *batch,
                        const struct pcb_event_module *m)
{
  run_states(p, NULL, arm, NULL, count, NULL, batch, m);
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

  /* the thread's own working set, if the point is cold: every arm walks
   * the same one (pcb_runner_prepare allocated it) */
  *w = (struct pcb_wl_thread){ .oracle = oracle, .ws = H.w[i].ws,
                               .ws_bytes = H.w[i].ws_bytes };
  if (rate == PCB_RATE_POINT)
    rate = pcb_runner_rate(&H.prepared);
  reset_thread(w, i, rate, pcb_wl_consume_timed);
}

double pcb_runner_ns_per_tick(void)
{
  return H.clock.ns_per_tick;
}

double pcb_runner_clock_floor_ns(void)
{
  return H.clock.floor_ns;
}

int pcb_runner_init(const struct pcb_config *c)
{
  int err;

  H.cfg = c;
  err = pcb_bucket_table_init(&H.buckets, 1 << 14, 1 << 22);
  if (err)
    return err;
  err = pcb_clock_use(c->clock);  /* the CLI refused what cannot run here */
  if (err)
    return err;
  err = pcb_clock_calibrate(&pcb_clock_counter, 50, 10001, &H.clock);
  if (err)
    return err;
  H.go_block_cycles = pcb_go_block_cycles(PCB_GO_BLOCK_NS,
                                          H.clock.ns_per_tick);
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
