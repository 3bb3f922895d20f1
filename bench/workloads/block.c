/*
 * block and mutex workloads -- Go's saveblockevent (block and mutex
 * profiles).
 *
 * block: the threads pass a token round a ring through one mutex and
 * condition variable; each thread's wait for the token is timed in cycles
 * and sampled as Go's blocksampled does; a sampled wait records a block
 * event after the mutex is released.  One iteration is one wait of the
 * measuring thread (the partners wait as often).
 *
 * mutex: the threads contend for one mutex; an acquisition that found it
 * held (trylock failed) is a wait, timed and sampled the same way.  One
 * iteration is one acquisition by the measuring thread.
 */
#include <pthread.h>

#include "workloads/workload.h"

/* What the threads of one run share, beside the run's mutex and condvar. */
struct ring {
  int turn;               /* block: whose turn it is to hold the token */
  volatile uint64_t held; /* mutex: work inside the critical section */
} PCB_WL_VIEW;
_Static_assert(sizeof(struct ring) <= PCB_WL_SHARED_OWN_BYTES,
               "block: ring state too large");

static inline struct ring *ring_of(struct pcb_wl_shared *sh)
{
  return (struct ring *)sh->own;
}

/* The event site: noinline, its frame is the capture's anchor. */
__attribute__((noinline)) static void block_event(struct pcb_wl_thread *w,
                                                  int64_t cycles)
{
  if (pcb_block_sampled(&w->rng, cycles, w->block_rate)) {
    struct pcb_event ev = { __builtin_frame_address(0), PCB_WL_SKIP,
                            w->consume, w, false };
    int rc;

    w->cur_cycles = (uint64_t)cycles;
    rc = pcb_record(&w->thread, &ev);
    if (rc == 0)
      w->events++;
    else
      w->lost++;
  }
  __asm__ volatile("" : : : "memory");  /* no tail call */
}

/* Waits for the token, passes it on; returns the cycles waited. */
static int64_t hand_off(struct pcb_wl_shared *sh, int me)
{
  uint64_t t0 = pcb_cycles();

  pthread_mutex_lock(&sh->mu);
  while (ring_of(sh)->turn != me && !atomic_load(&sh->stop))
    pthread_cond_wait(&sh->cv, &sh->mu);
  int64_t waited = (int64_t)(pcb_cycles() - t0);
  ring_of(sh)->turn = (me + 1) % sh->nthreads;
  pthread_cond_broadcast(&sh->cv);
  pthread_mutex_unlock(&sh->mu);
  return waited;
}

static inline void block_op(struct pcb_run *r)
{
  block_event(r->w, hand_off(r->sh, r->role));
}

static inline void mutex_op(struct pcb_run *r)
{
  struct pcb_wl_shared *sh = r->sh;
  uint64_t t0 = pcb_cycles();
  int64_t waited = 0;

  if (pthread_mutex_trylock(&sh->mu) != 0) {
    pthread_mutex_lock(&sh->mu);
    waited = (int64_t)(pcb_cycles() - t0);
  }
  for (int i = 0; i < 16; i++)
    ring_of(sh)->held++;
  pthread_mutex_unlock(&sh->mu);
  if (waited > 0)
    block_event(r->w, waited);
}

/* The loops run at the bottom of the chain: the event site's caller. */
__attribute__((noinline)) static int block_loop(void *arg)
{
  return pcb_run_loop(arg, block_op);
}

__attribute__((noinline)) static int block_latency_loop(void *arg)
{
  return pcb_run_latency_loop(arg, block_op);
}

__attribute__((noinline)) static int mutex_loop(void *arg)
{
  return pcb_run_loop(arg, mutex_op);
}

__attribute__((noinline)) static int mutex_latency_loop(void *arg)
{
  return pcb_run_latency_loop(arg, mutex_op);
}

/* A wait long enough to be sampled at any rate: the event alone. */
__attribute__((noinline)) static void block_one_event(struct pcb_wl_thread *w)
{
  block_event(w, w->block_rate);
  __asm__ volatile("" : : : "memory");
}

const struct pcb_workload pcb_workload_block = {
  .name = "block",
  .summary = "threads hand a token through a mutex+condvar (saveblockevent)",
  .min_threads = 2,
  .real_time = true,
  .loop = block_loop,
  .latency_loop = block_latency_loop,
  .one_event = block_one_event,
};

const struct pcb_workload pcb_workload_mutex = {
  .name = "mutex",
  .summary = "threads contend for one mutex; contended waits are events",
  .min_threads = 2,
  .real_time = true,
  .loop = mutex_loop,
  .latency_loop = mutex_latency_loop,
  .one_event = block_one_event,
};
