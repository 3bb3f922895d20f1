/*
 * What a point's runs recorded, and what the runner reports of it: the
 * tally of a run over its threads, the correctness pass, the counters of
 * a point's entry (its timed run's tally and its untimed passes' figures)
 * and, in the results' context, the spin budget each placement got.
 * Never a NaN counter: JSON readers refuse it.
 */
#include <stdio.h>

#include "run/floor.h"
#include "run/runner.h"

struct pcb_tally pcb_runner_tally(const struct pcb_point *p)
{
  bool none = p->s->flags & PCB_F_NO_CAPTURE;
  struct pcb_tally t = { .main_events = pcb__runner_thread(0)->events,
                          .waits = pcb__runner_shared()->waits, .parked = pcb__runner_shared()->parked,
                          .main_walk_cycles = pcb__runner_thread(0)->walk_cycles };

  for (int i = 0; i < p->threads; i++) {
    const struct pcb_wl_thread *w = pcb__runner_thread(i);

    t.events += w->events;
    t.lost += w->lost;
    if (w->seen == (none ? 0 : w->events))
      t.correct += none ? w->events : w->correct;
    t.truncated += w->truncated;
    t.nested += w->nested;
    t.nested_lost += w->nested_lost;
    t.overlaps += w->overlaps;
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
  uint64_t want = (uint64_t)pcb__runner_config()->check_events;

  for (int pass = 0; pass < CHECK_PASSES && f->nchecked < want; pass++) {
    struct pcb_tally t;

    pcb_runner_reset(p, 1, pcb_wl_consume_check);
    pcb_runner_run(p, NULL, pcb__runner_config()->check_events, false);
    t = pcb_runner_tally(p);
    f->nchecked += t.events;
    f->ncorrect += t.correct;
    f->ntruncated += t.truncated;
  }
  f->checked = true;
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
    for (int i = 0; i < PCB_LAT_LADDER_N; i++)
      counter(st, pcb_lat_ladder_names[i], (double)f->lat_q[i]);
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
  /* cold: ns per iteration the measuring thread spent walking, or waiting
   * on another thread's walk; the entry's time without them is the
   * operations and the events, whatever the walks cost or how often the
   * sampler fired */
  if (p->cache == PCB_CACHE_COLD && iters > 0)
    counter(st, "walk_ns", (double)t->main_walk_cycles *
                           pcb_runner_ns_per_tick() / (double)iters);
}

/* Per placement, the spin budget block and mutex waits get, and why. */
void pcb__runner_describe_spin(const struct pcb_config *c)
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

