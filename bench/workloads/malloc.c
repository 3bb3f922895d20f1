/*
 * malloc workload -- Go's mallocgc -> profilealloc -> mProf_Malloc.
 *
 * Each operation allocates and frees an object of `size` bytes through
 * profiled_malloc, the profiled allocator: it subtracts the size from the
 * thread's countdown and, when it crosses zero (an exponential gap of mean
 * `rate` bytes; every allocation at rate 1), records a malloc event
 * through the strategy into the bucket table.  One benchmark iteration is
 * one operation.
 */
#include <stdlib.h>

#include "workloads/workload.h"

enum { OBJECT_SIZE = 64 };

/* The event site's body; its instantiations are noinline, their frame is
 * the capture's anchor, and noipa, so that being static changes neither
 * their frame nor their callers' (what the stack figures measure).  The
 * timed one, for the latency loops, times the record call alone. */
static inline __attribute__((always_inline)) void *profiled_malloc_body(
    struct pcb_wl_thread *w, size_t size, bool timed)
{
  void *p = malloc(size);

  if (pcb_sampler_take(&w->sampler, size)) {
    struct pcb_event ev = { __builtin_frame_address(0), PCB_WL_SKIP,
                            w->consume, w, false };
    int rc;

    w->cur_bytes = size;
    rc = timed ? pcb_wl_record_timed(w, &ev) : pcb_record(&w->thread, &ev);
    if (rc == 0)
      w->events++;
    else
      w->lost++;
  }
  __asm__ volatile("" : "+r"(p) : : "memory");  /* no tail call, keep p */
  return p;
}

__attribute__((noinline, noipa)) static void *profiled_malloc(
    struct pcb_wl_thread *w, size_t size)
{
  return profiled_malloc_body(w, size, false);
}

__attribute__((noinline, noipa)) static void *profiled_malloc_timed(
    struct pcb_wl_thread *w, size_t size)
{
  return profiled_malloc_body(w, size, true);
}

static inline __attribute__((always_inline)) void malloc_op(struct pcb_run *r,
                                                            bool timed)
{
  void *p = timed ? profiled_malloc_timed(r->w, OBJECT_SIZE)
                  : profiled_malloc(r->w, OBJECT_SIZE);

  __asm__ volatile("" : : "r"(p) : "memory");
  free(p);
}

/* The loops run at the bottom of the chain: the event site's caller. */
PCB_WL_LOOPS(malloc, malloc_op)

__attribute__((noinline)) static void malloc_one_event(struct pcb_wl_thread *w)
{
  void *p = profiled_malloc(w, OBJECT_SIZE);

  __asm__ volatile("" : : "r"(p) : "memory");
  free(p);
}

const struct pcb_workload pcb_workload_malloc = {
  .name = "malloc",
  .summary = "allocate+free 64 B through a sampling wrapper (mProf_Malloc)",
  .min_threads = 1,
  .rate_unit = PCB_RATE_BYTES,
  .real_time = false,
  .reference = true,
  .site = "profiled_malloc",
  .loop = malloc_loop,
  .latency_loop = malloc_latency_loop,
  .cold_loop = malloc_cold_loop,
  .cold_latency_loop = malloc_cold_latency_loop,
  .one_event = malloc_one_event,
};
