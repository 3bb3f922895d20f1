/*
 * floor/depth:D/frames:F -- the lower bound of an event at a matrix
 * point: the configured unwinder into a warm, preallocated buffer of D
 * PCs at the bottom of an F-deep chain, with no strategy, no guard and no
 * bucket table.  Each strategy entry divides its own time by this
 * (floor_ratio).  Both times are taken the same way -- the harness's
 * monotonic clock around Google Benchmark's whole loop -- so the ratio
 * does not depend on how Google Benchmark rounds either.
 *
 * unwind/<unwinder>/frames:N -- each unwinder capturing an N-deep chain
 * (N in 16, 64, 256, 1024), warm; the first call of the process is timed
 * once and reported as first_call_ns.  ns_per_frame divides by the PCs
 * actually captured.
 *
 * overhead/harness -- the full event path of the malloc workload (loop,
 * sampler, record dispatch, consumer call) with an empty strategy, an
 * empty consumer and no allocation: what the harness itself adds to
 * every event.  overhead/loop is the same loop around a call that does
 * nothing: the share of Google Benchmark's loop and the call alone.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "floor.h"
#include "harness.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "workload.h"

enum { FLOOR_MAX = PCB_LIST_MAX * PCB_LIST_MAX };

struct floor_entry {
  char name[64];
  int depth, frames;
  const struct pcb_unwinder *u;
  double ns;           /* measured: ns per unwind */
  int index;           /* unwind/ entries: the unwinder's table index */
};

static struct floor_entry floors[FLOOR_MAX], unwinds[16];
static int nfloors, nunwinds;
static struct pcb_stack_bounds bounds;
static uintptr_t buf[PCB_DEPTH_MAX + 64];
static struct pcb_oracle oracle;
static double first_call_ns[16];  /* per unwinder: its first call here */

static double now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

double pcb_floor_ns(int depth, int frames)
{
  for (int i = 0; i < nfloors; i++)
    if (floors[i].depth == depth && floors[i].frames == frames)
      return floors[i].ns;
  return 0;
}

struct floor_run {
  struct floor_entry *e;
  pcb_gb_state *st;
  int64_t n;      /* PCs captured by the last unwind */
};

/* One raw unwind, anchored on this frame like an event site. */
__attribute__((noinline)) static int raw_unwind(const struct pcb_unwinder *u,
                                                int depth)
{
  bool truncated;
  int n = u->unwind(__builtin_frame_address(0), 1, &bounds, buf, depth,
                    &truncated);

  __asm__ volatile("" : "+r"(n) : : "memory");
  return n;
}

__attribute__((noinline)) static int floor_loop(void *arg)
{
  struct floor_run *r = arg;
  double t0 = now_ns();
  int64_t iters = 0;

  while (pcb_gb_keep_running_batch(r->st, 64))
    for (int i = 0; i < 64; i++, iters++)
      r->n = raw_unwind(r->e->u, r->e->depth);
  if (iters > 0)
    r->e->ns = (now_ns() - t0) / (double)iters;
  return 0;
}

enum { FLOOR_PROBE = 4096 };

/* An untimed measurement of a floor point: the same unwinds, a fixed
 * count, timed by the same clock. */
__attribute__((noinline)) static int floor_probe(void *arg)
{
  struct floor_run *r = arg;
  double t0;

  for (int i = 0; i < 64; i++)  /* warm */
    r->n = raw_unwind(r->e->u, r->e->depth);
  t0 = now_ns();
  for (int i = 0; i < FLOOR_PROBE; i++)
    r->n = raw_unwind(r->e->u, r->e->depth);
  r->e->ns = (now_ns() - t0) / FLOOR_PROBE;
  return 0;
}

void pcb_floor_ensure(int depth, int frames)
{
  for (int i = 0; i < nfloors; i++)
    if (floors[i].depth == depth && floors[i].frames == frames &&
        floors[i].ns == 0) {
      struct floor_run r = { .e = &floors[i] };

      pcb_oracle_run(&oracle, frames, floor_probe, &r);
    }
}

static void floor_body(pcb_gb_state *st, void *arg)
{
  struct floor_run r = { .e = arg, .st = st };

  pcb_harness_progress(r.e->name);
  if (r.e->index >= 0 && first_call_ns[r.e->index] == 0) {
    double t0 = now_ns();  /* the first call in this process */

    raw_unwind(r.e->u, r.e->depth);
    first_call_ns[r.e->index] = now_ns() - t0;
  }
  pcb_oracle_run(&oracle, r.e->frames, floor_loop, &r);
  pcb_gb_counter(st, "pcs", (double)r.n, PCB_GB_PLAIN);
  if (r.n > 0 && r.e->ns > 0)
    pcb_gb_counter(st, "ns_per_frame", r.e->ns / (double)r.n, PCB_GB_PLAIN);
  if (r.e->index >= 0)
    pcb_gb_counter(st, "first_call_ns", first_call_ns[r.e->index],
                   PCB_GB_PLAIN);
}

/* The harness's own event path, with nothing of a strategy in it. */
static int empty_init(struct pcb_thread *t) { (void)t; return 0; }
static void empty_exit(struct pcb_thread *t) { (void)t; }
static size_t empty_heap(const struct pcb_thread *t) { (void)t; return 0; }

static int empty_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  (void)t;
  ev->consume(ev->arg, NULL, 0, false);
  return 0;
}

static const struct pcb_strategy empty = {
  .version = PCB_STRATEGY_VERSION, .name = "empty",
  .summary = "harness self-overhead only", .thread_init = empty_init,
  .thread_exit = empty_exit, .record = empty_record, .heap_bytes = empty_heap,
};

static void consume_nothing(void *arg, const uintptr_t *pcs, int n, bool t)
{
  (void)arg;
  (void)pcs;
  (void)n;
  (void)t;
}

/* pcb_wl_malloc's event half, the same statements without the malloc:
 * kept beside it in form so the two cannot drift apart unnoticed. */
__attribute__((noinline)) static void harness_event(struct pcb_wl_thread *w)
{
  if (pcb_sampler_take(&w->sampler, 64)) {
    struct pcb_event ev = { __builtin_frame_address(0), PCB_WL_SKIP,
                            consume_nothing, w, false };

    if (pcb_record(&w->thread, &ev) == 0)
      w->events++;
    else
      w->lost++;
  }
  __asm__ volatile("" : : : "memory");
}

/* The loop's own share: the same loop around a call that does nothing. */
__attribute__((noinline)) static void no_event(struct pcb_wl_thread *w)
{
  __asm__ volatile("" : : "r"(w) : "memory");
}

__attribute__((noinline)) static int overhead_loop(void *arg)
{
  struct pcb_run *r = arg;
  int64_t left = 0;

  while (pcb_run_more(r, &left))
    harness_event(r->w);
  return 0;
}

__attribute__((noinline)) static int loop_only(void *arg)
{
  struct pcb_run *r = arg;
  int64_t left = 0;

  while (pcb_run_more(r, &left))
    no_event(r->w);
  return 0;
}

static void overhead_body(pcb_gb_state *st, void *arg)
{
  static struct pcb_wl_thread w;
  struct pcb_wl_shared sh = { 0 };
  struct pcb_run r = { .w = &w, .sh = &sh, .st = st };

  pcb_harness_progress(arg ? "overhead/loop" : "overhead/harness");
  if (pcb_thread_register(&w.thread, &empty, 1) != 0) {
    pcb_gb_skip_with_error(st, "register failed");
    return;
  }
  pcb_sampler_init(&w.sampler, 1, 1);
  w.oracle = &oracle;
  w.events = 0;
  pcb_oracle_run(&oracle, 16, arg ? loop_only : overhead_loop, &r);
  pcb_thread_unregister(&w.thread);
  pcb_gb_counter(st, "events", (double)w.events, PCB_GB_PLAIN);
}

int pcb_floor_register(const struct pcb_config *c)
{
  static const int unwind_frames[] = { 16, 64, 256, 1024 };
  struct pcb_gb_opts o = { 0 };

  if (pcb_thread_stack_bounds(&bounds) != 0)
    return PCB_ESYS;
  pcb_gb_register("overhead/loop", overhead_body, (void *)1, &o);
  pcb_gb_register("overhead/harness", overhead_body, NULL, &o);
  for (size_t u = 0; u < pcb_unwinder_count() && nunwinds < 16; u++)
    for (int f = 0; f < 4 && nunwinds < 16; f++) {
      struct floor_entry *e = &unwinds[nunwinds++];

      *e = (struct floor_entry){ .depth = PCB_DEPTH_MAX,
                                 .frames = unwind_frames[f],
                                 .u = pcb_unwinder_at(u), .index = (int)u };
      snprintf(e->name, sizeof(e->name), "unwind/%s/frames:%d", e->u->name,
               e->frames);
      pcb_gb_register(e->name, floor_body, e, &o);
    }
  for (int d = 0; d < c->ndepths; d++)
    for (int f = 0; f < c->nframes; f++) {
      struct floor_entry *e = &floors[nfloors++];

      *e = (struct floor_entry){ .depth = c->depths[d],
                                 .frames = c->frames[f], .u = c->unwinder,
                                 .index = -1 };
      snprintf(e->name, sizeof(e->name), "floor/depth:%d/frames:%d",
               e->depth, e->frames);
      pcb_gb_register(e->name, floor_body, e, &o);
    }
  return 0;
}
