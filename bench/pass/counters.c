/*
 * The counters of a point's entry: its timed run's tally and what its
 * untimed passes found (pass.h).  Never a NaN counter: JSON readers
 * refuse it.
 */
#include "pass/pass.h"
#include "run/floor.h"
#include "run/runner.h"

static void counter(pcb_gb_state *st, const char *name, double v)
{
  pcb_gb_counter(st, name, v, PCB_GB_PLAIN);
}

void pcb_point_counters(pcb_gb_state *st, const struct pcb_point *p,
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
