/*
 * block and mutex workloads -- Go's saveblockevent (block and mutex
 * profiles), in Go's regime: a wait spins briefly before it parks.
 *
 * block: the threads pass a token round a ring (core/handoff.c): a waiter
 * spins for up to sh->spin_ns, as Go's spinning Ms and runtime locks do,
 * then parks on a futex.  Each thread's wait for the token is timed in
 * cycles and sampled as Go's blocksampled does; a sampled wait records a
 * block event once the token is passed on.  One iteration is one wait of
 * the measuring thread (the partners wait as often).  The runner sets
 * spin_ns to 0 (park at once) where spinning cannot pay: one PU, or the
 * partner on the measuring thread's PU.
 *
 * mutex: the threads contend for one mutex; an acquisition that found it
 * held (trylock failed) is a wait: it retries for up to sh->spin_ns, as
 * Go's lock2 spins before it sleeps, then blocks in pthread_mutex_lock.
 * The wait is timed and sampled the same way.  One iteration is one
 * acquisition by the measuring thread.
 *
 * Each event site exists twice from one body: the plain one for the timed
 * loops and the stack figures, and one whose record call is timed alone
 * (pcb_wl_record_timed) for the latency loops.
 */
#include <pthread.h>

#include "pcbench/arch.h"
#include "pcbench/handoff.h"
#include "workloads/workload.h"

/* What the threads of one run share, beside the run's mutex. */
struct ring {
  struct pcb_handoff token;  /* block: the ring */
  volatile uint64_t held;    /* mutex: work inside the critical section */
} PCB_WL_VIEW;
_Static_assert(sizeof(struct ring) <= PCB_WL_SHARED_OWN_BYTES,
               "block: ring state too large");

static inline struct ring *ring_of(struct pcb_wl_shared *sh)
{
  return (struct ring *)sh->own;
}

/* The event site's body: its frame (the noinline function it is inlined
 * into) is the capture's anchor. */
static inline __attribute__((always_inline)) void block_event_body(
    struct pcb_wl_thread *w, int64_t cycles, bool timed)
{
  /* Go's blockevent: a blocking event counts at least one cycle, so rate
   * 1 samples every one -- a hand-off whose wait the partner's walk
   * covered wholly reads 0 once the walk is left out, and is still a
   * wait.  (With three or more threads the walk clock sums walks that
   * overlap, so a wait can read shorter than its share; with two, the
   * default, the one that waits is not walking.) */
  if (cycles < 1)
    cycles = 1;
  if (pcb_block_sampled(&w->rng, cycles, w->block_rate)) {
    struct pcb_event ev = { __builtin_frame_address(0), PCB_WL_SKIP,
                            w->consume, w, false };
    int rc;

    w->cur_cycles = (uint64_t)cycles;
    rc = timed ? pcb_wl_record_timed(w, &ev) : pcb_record(&w->thread, &ev);
    if (rc == 0)
      w->events++;
    else
      w->lost++;
  }
  __asm__ volatile("" : : : "memory");  /* no tail call */
}

__attribute__((noinline)) static void block_event(struct pcb_wl_thread *w,
                                                  int64_t cycles)
{
  block_event_body(w, cycles, false);
}

__attribute__((noinline)) static void block_event_timed(
    struct pcb_wl_thread *w, int64_t cycles)
{
  block_event_body(w, cycles, true);
}

static inline __attribute__((always_inline)) void event(
    struct pcb_wl_thread *w, int64_t cycles, bool timed)
{
  if (timed)
    block_event_timed(w, cycles);
  else
    block_event(w, cycles);
}

static inline void relax(void)
{
  pcb_arch_relax();
}

static bool token_here(const struct pcb_handoff *h, int me)
{
  return atomic_load(&h->turn) == me || atomic_load(&h->stop);
}

/* Cold, where spinning can pay: a waiter keeps spinning while another
 * thread walks, and for sh->spin_ns after the last walk ended, before the
 * ring's own wait (which may park).  A walk stands for other memory
 * traffic, not for a partner that went to sleep: a waiter parked through
 * it would pay a futex wake-up (tens of microseconds on a VM) per walk,
 * more than the event the entry measures. */
static void wait_out_walks(struct pcb_wl_shared *sh, int me)
{
  struct pcb_handoff *h = &ring_of(sh)->token;
  uint64_t quiet = pcb_clock_read_mono();

  while (!token_here(h, me)) {
    uint64_t now = pcb_clock_read_mono();

    if (atomic_load_explicit(&sh->walks.walking, memory_order_relaxed) > 0)
      quiet = now;
    else if (now - quiet >= sh->spin_ns)
      return;
    relax();
  }
}

/* Waits for the token, passes it on; returns the cycles waited.  In a
 * cold run the other threads' walks during the wait are left out of it
 * and put in the thread's walk_cycles: a walk stands for other memory
 * traffic between two events, not for waiting, and left in it would make
 * every wait after a walk long enough to be sampled at any rate. */
static int64_t hand_off(struct pcb_wl_shared *sh, struct pcb_wl_thread *w,
                        int me)
{
  struct pcb_handoff *h = &ring_of(sh)->token;
  uint64_t t0, t1, w0 = 0, w1 = 0;
  bool mine;
  int64_t waited;

  if (sh->cold)
    w0 = pcb_wl_walked(sh, &t0);
  else
    t0 = pcb_cycles();
  if (sh->cold && sh->spin_ns > 0)
    wait_out_walks(sh, me);
  mine = pcb_handoff_wait(h, me);
  if (sh->cold)
    w1 = pcb_wl_walked(sh, &t1);
  else
    t1 = pcb_cycles();
  waited = (int64_t)(t1 - t0);
  if (w1 > w0) {
    int64_t walked = (int64_t)(w1 - w0) < waited ? (int64_t)(w1 - w0)
                                                 : waited;

    waited -= walked;
    w->walk_cycles += (uint64_t)walked;
  }
  if (mine)
    pcb_handoff_pass(h, me);
  return waited;
}

static void block_begin(struct pcb_wl_shared *sh)
{
  pcb_handoff_init(&ring_of(sh)->token, sh->nthreads, sh->spin_ns);
}

static void block_end(struct pcb_wl_shared *sh)
{
  struct pcb_handoff *h = &ring_of(sh)->token;

  pcb_handoff_stop(h);
  sh->waits = atomic_load(&h->waits);
  sh->parked = atomic_load(&h->parked);
}

static inline __attribute__((always_inline)) void block_op(struct pcb_run *r,
                                                           bool timed)
{
  event(r->w, hand_off(r->sh, r->w, r->role), timed);
}

/* Trylocks for up to the spin budget, then the blocking lock (Go's
 * runtime lock spins before it sleeps too). */
static bool trylock_done(void *mu)
{
  return pthread_mutex_trylock(mu) == 0;
}

static void lock_contended(struct pcb_wl_shared *sh)
{
  if (!pcb_spin_until(trylock_done, &sh->mu, sh->spin_ns))
    pthread_mutex_lock(&sh->mu);
}

static inline __attribute__((always_inline)) void mutex_op(struct pcb_run *r,
                                                           bool timed)
{
  struct pcb_wl_shared *sh = r->sh;
  uint64_t t0 = pcb_cycles();
  int64_t waited = 0;

  if (pthread_mutex_trylock(&sh->mu) != 0) {
    lock_contended(sh);
    waited = (int64_t)(pcb_cycles() - t0);
  }
  for (int i = 0; i < 16; i++)
    ring_of(sh)->held++;
  pthread_mutex_unlock(&sh->mu);
  if (waited > 0)
    event(r->w, waited, timed);
}

/* The loops run at the bottom of the chain: the event site's caller. */
PCB_WL_LOOPS(block, block_op)
PCB_WL_LOOPS(mutex, mutex_op)

__attribute__((noinline)) static void block_one_event(struct pcb_wl_thread *w)
{
  block_event(w, w->block_rate);
  __asm__ volatile("" : : : "memory");
}

const struct pcb_workload pcb_workload_block = {
  .name = "block",
  .summary = "threads hand a token round a ring, spinning before they "
             "park (saveblockevent)",
  .min_threads = 2,
  .rate_unit = PCB_RATE_CYCLES,
  .real_time = true,
  .site = "block_event",
  .loop = block_loop,
  .latency_loop = block_latency_loop,
  .cold_loop = block_cold_loop,
  .cold_latency_loop = block_cold_latency_loop,
  .begin = block_begin,
  .end = block_end,
  .one_event = block_one_event,
};

const struct pcb_workload pcb_workload_mutex = {
  .name = "mutex",
  .summary = "threads contend for one mutex, spinning before they park; "
             "contended waits are events",
  .min_threads = 2,
  .rate_unit = PCB_RATE_CYCLES,
  .real_time = true,
  .site = "block_event",
  .loop = mutex_loop,
  .latency_loop = mutex_latency_loop,
  .one_event = block_one_event,
};
