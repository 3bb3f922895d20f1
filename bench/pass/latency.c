/*
 * The latency pass: each operation of the measuring thread timed with the
 * run's counter, the calibrated floor removed from each value, into a
 * log-linear histogram; and the record call alone into a second one
 * (pass.h).  The histograms are the pass's own.
 */
#include "pass/pass.h"
#include "run/runner.h"

static const double ladder[PCB_LAT_LADDER_N] = {
  0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 1
};
const char *const pcb_lat_ladder_names[PCB_LAT_LADDER_N] = {
  "lat_q0_1_ns", "lat_q0_25_ns", "lat_q0_5_ns", "lat_q0_75_ns",
  "lat_q0_9_ns", "lat_q0_95_ns", "lat_q0_99_ns", "lat_q0_995_ns",
  "lat_q0_999_ns", "lat_q0_9995_ns", "lat_q0_9999_ns", "lat_q1_ns"
};

static struct pcb_hist ops, events;

/* A handler armed by `arm` touches its thread's state, so it is armed
 * only after every thread is reset. */
void pcb_pass_latency(const struct pcb_point *p, int64_t n,
                      pcb_pass_arm_fn arm, struct pcb_point_figs *f)
{
  struct pcb_run_view v;
  bool armed;

  pcb_runner_reset(p, PCB_RATE_POINT, pcb_wl_consume_timed);
  pcb_hist_reset(&ops);
  pcb_hist_reset(&events);
  pcb_runner_time_events(&events);
  armed = arm != NULL && arm(p, true) == 0;
  pcb_runner_run(p, NULL, n, &ops);
  if (armed)
    arm(p, false);
  pcb_runner_time_events(NULL);
  v = pcb_runner_view();
  f->event_n = events.count;
  f->event_p50 = pcb_hist_quantile(&events, 0.5);
  f->event_p99 = pcb_hist_quantile(&events, 0.99);
  f->event_mean = f->event_n ? (double)v.w[0].event_ns_sum /
                               (double)f->event_n
                             : 0;
  f->p50 = pcb_hist_quantile(&ops, 0.5);
  f->p99 = pcb_hist_quantile(&ops, 0.99);
  f->p999 = pcb_hist_quantile(&ops, 0.999);
  f->max = pcb_hist_quantile(&ops, 1);
  for (int i = 0; i < PCB_LAT_LADDER_N; i++)
    f->lat_q[i] = pcb_hist_quantile(&ops, ladder[i]);
  f->timed_each = true;
}
