/*
 * dummy workload -- tests/add_one_of_each.sh's, copied into a scratch
 * tree as bench/workloads/dummy.c: each operation passes 8 bytes through
 * the sampler and records an event when it fires, and does nothing else.
 * Not part of pcbench; it exists to show that a workload is one file and
 * one table line.
 */
#include "workloads/workload.h"

static inline __attribute__((always_inline)) void dummy_body(
    struct pcb_wl_thread *w, bool timed)
{
  if (pcb_sampler_take(&w->sampler, 8)) {
    struct pcb_event ev = { __builtin_frame_address(0), PCB_WL_SKIP,
                            w->consume, w, false };
    int rc;

    w->cur_bytes = 8;
    rc = timed ? pcb_wl_record_timed(w, &ev) : pcb_record(&w->thread, &ev);
    if (rc == 0)
      w->events++;
    else
      w->lost++;
  }
  __asm__ volatile("" : : : "memory");  /* no tail call */
}

__attribute__((noinline, noipa)) static void dummy_site(
    struct pcb_wl_thread *w)
{
  dummy_body(w, false);
}

__attribute__((noinline, noipa)) static void dummy_site_timed(
    struct pcb_wl_thread *w)
{
  dummy_body(w, true);
}

static inline __attribute__((always_inline)) void dummy_op(struct pcb_run *r,
                                                           bool timed)
{
  if (timed)
    dummy_site_timed(r->w);
  else
    dummy_site(r->w);
}

PCB_WL_LOOPS(dummy, dummy_op)

__attribute__((noinline)) static void dummy_one_event(struct pcb_wl_thread *w)
{
  dummy_site(w);
}

const struct pcb_workload pcb_workload_dummy = {
  .name = "dummy",
  .summary = "a test's workload: an event site and nothing else",
  .min_threads = 1,
  .rate_unit = PCB_RATE_BYTES,
  .site = "dummy_site",
  .loop = dummy_loop,
  .latency_loop = dummy_latency_loop,
  .cold_loop = dummy_cold_loop,
  .cold_latency_loop = dummy_cold_latency_loop,
  .one_event = dummy_one_event,
};
