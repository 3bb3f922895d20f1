/*
 * lock workload -- Go's runtime-lock contention profile (mLockProfile,
 * runtime/mprof.go with lock_futex.go's lock2/unlock2).
 *
 * Model: the runtime's own locks cannot record a profile event where the
 * contention happens -- recording takes profBlockLock, which may not be
 * taken under arbitrary runtime locks, and may allocate a bucket.  So a
 * contended acquisition only notes the lock and the cycles waited
 * (recordLock); the stack is captured when that lock is released, while
 * the thread may still hold others (recordUnlock -> captureStack, into
 * the M's own buffer); and the event is recorded only when the thread's
 * last lock is released (store, when m.locks drops to zero).  One stack per thread is
 * held back at a time: when a second contention comes before the store,
 * a coin weighted by the cycles of each picks the one kept, and the
 * other's cycles go to a "lost" stack, as Go's _LostContendedRuntimeLock.
 *
 * Here: the threads share two runtime locks A and B (test-and-set,
 * spinning then yielding, as lock2 spins before it sleeps).  Operations
 * alternate between taking A then B (nested: B's contention is captured
 * at B's release and recorded at A's) and taking B alone, so both locks
 * see contention and both the deferred and the immediate path run.  A
 * contended acquisition is timed in cycles and sampled as the block and
 * mutex workloads sample.  One iteration is one operation of the
 * measuring thread.
 *
 * What it adds to the comparison: the capture happens inside the
 * critical section of any outer lock, so its cost lengthens hold times
 * and feeds back into contention; and the PCs must outlive the capturing
 * call until the store.  The strategy supplies the buffer the unwind
 * writes; the workload keeps the captured stack in the thread's own
 * lockprof.pcs (Go's per-M buffer) until the store, so every strategy,
 * `stack` included, pays that copy and that per-thread buffer -- a
 * deferred record needs a persistent one whatever the capture used.
 */
#include <sched.h>
#include <string.h>

#include "pcbench/arch.h"
#include "workloads/workload.h"

enum { ACTIVE_SPINS = 128, WORK = 16 };

/* One thread's runtime-lock contention, held back until its last runtime
 * lock is released: Go's m.mLockProfile. */
struct lockprof {
  int locks;             /* runtime locks held (Go's m.locks) */
  const void *pending;   /* contended lock whose stack is still to take */
  int64_t cycles;        /* the contention to record */
  int64_t cycles_lost;   /* contention that lost the coin to it */
  int rc;                /* what the capture's record returned */
  int n;                 /* PCs taken into pcs[]; -1: none */
  bool truncated;
  uintptr_t pcs[PCB_DEPTH_MAX];  /* Go's mp.mLockProfile.stack */
} PCB_WL_VIEW;
_Static_assert(sizeof(struct lockprof) <= PCB_WL_OWN_BYTES,
               "lock: per-thread state too large");

/* The run's two runtime locks, shared by its threads. */
struct rtlocks {
  atomic_int lock[2];          /* 0 = free */
  volatile uint64_t held[2];   /* work under each, guarded by it */
} PCB_WL_VIEW;
_Static_assert(sizeof(struct rtlocks) <= PCB_WL_SHARED_OWN_BYTES,
               "lock: shared state too large");

static inline struct lockprof *lp_of(struct pcb_wl_thread *w)
{
  return (struct lockprof *)w->own;
}

static inline struct rtlocks *rt_of(struct pcb_wl_shared *sh)
{
  return (struct rtlocks *)sh->own;
}

/* The "lost" stack's one PC, as Go's _LostContendedRuntimeLock. */
__attribute__((noinline)) static void lost_contention(void)
{
  __asm__ volatile("" : : : "memory");
}

static void lockprof_reset(struct lockprof *lp)
{
  lp->locks = 0;
  lp->pending = NULL;
  lp->cycles = lp->cycles_lost = 0;
  lp->n = -1;
  lp->rc = 0;
}

static inline void cpu_relax(void)
{
  pcb_arch_relax();
}

static inline bool try_lock(atomic_int *l)
{
  return atomic_load_explicit(l, memory_order_relaxed) == 0 &&
         atomic_exchange_explicit(l, 1, memory_order_acquire) == 0;
}

/* Go's recordLock: keep one contended lock per thread until the store. */
static void record_lock(struct pcb_wl_thread *w, const void *l, int64_t cycles)
{
  struct lockprof *lp = lp_of(w);

  if (lp->pending == l) {  /* the same lock again: its stack is still due */
    lp->cycles += cycles;
    return;
  }
  if (lp->cycles > 0) {  /* one stack per thread: a weighted coin keeps it */
    uint64_t prev = pcb_rand64(&w->rng) % (uint64_t)lp->cycles;
    uint64_t cur = pcb_rand64(&w->rng) % (uint64_t)cycles;

    if (prev > cur) {
      lp->cycles_lost += cycles;
      return;
    }
    lp->cycles_lost += lp->cycles;
  }
  lp->pending = l;
  lp->cycles = cycles;
}

/* lock2: count the lock as held, take it, time a contended wait. */
static inline __attribute__((always_inline)) void rt_lock(
    struct pcb_wl_thread *w, atomic_int *l)
{
  uint64_t t0;
  int64_t waited;

  lp_of(w)->locks++;
  if (try_lock(l))
    return;
  t0 = pcb_cycles();
  for (int spins = 0; !try_lock(l); spins++) {
    if (spins < ACTIVE_SPINS)
      cpu_relax();
    else
      sched_yield();
  }
  waited = (int64_t)(pcb_cycles() - t0);
  if (waited > 0 && pcb_block_sampled(&w->rng, waited, w->block_rate))
    record_lock(w, l, waited);
}

static void keep_stack(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  struct lockprof *lp = lp_of(arg);

  memcpy(lp->pcs, pcs, (size_t)n * sizeof(*pcs));
  lp->n = n;
  lp->truncated = trunc;
}

/* Go's captureStack: the event site, called from the loop (rt_unlock is
 * inlined there), so skip 2 makes PC 0 the chain's bottom frame.  One
 * body, two sites: the latency loop's times the record call alone. */
static inline __attribute__((always_inline)) void lock_capture_body(
    struct pcb_wl_thread *w, bool timed)
{
  struct pcb_event ev = { __builtin_frame_address(0), PCB_WL_SKIP,
                          keep_stack, w, false };
  struct lockprof *lp = lp_of(w);

  lp->pending = NULL;
  lp->n = -1;  /* none yet: `off` never fills it */
  lp->rc = timed ? pcb_wl_record_timed(w, &ev) : pcb_record(&w->thread, &ev);
  if (lp->rc != 0)
    w->lost++;  /* refused: its cycles will go to "lost" */
  __asm__ volatile("" : : : "memory");  /* no tail call */
}

__attribute__((noinline)) static void lock_capture(struct pcb_wl_thread *w)
{
  lock_capture_body(w, false);
}

__attribute__((noinline)) static void lock_capture_timed(
    struct pcb_wl_thread *w)
{
  lock_capture_body(w, true);
}

/* Go's store: the held-back event, now that no lock is held. */
static void store(struct pcb_wl_thread *w)
{
  struct lockprof *lp = lp_of(w);
  uintptr_t lost = (uintptr_t)lost_contention;

  if (lp->rc == 0) {
    w->cur_cycles = (uint64_t)lp->cycles;
    if (lp->n >= 0)
      w->consume(w, lp->pcs, lp->n, lp->truncated);
    w->events++;
  } else {
    lp->cycles_lost += lp->cycles;
  }
  if (lp->cycles_lost > 0)
    pcb_bucket_add(w->buckets, &lost, 1, 0, (uint64_t)lp->cycles_lost);
  lp->cycles = lp->cycles_lost = 0;
  lp->n = -1;
  lp->rc = 0;
}

/* unlock2: release, take the stack if this was the contended lock, and
 * record if this was the last lock held. */
static inline __attribute__((always_inline)) void rt_unlock(
    struct pcb_wl_thread *w, atomic_int *l, bool timed)
{
  struct lockprof *lp = lp_of(w);

  atomic_store_explicit(l, 0, memory_order_release);
  if (lp->pending == l) {
    if (timed)
      lock_capture_timed(w);
    else
      lock_capture(w);
  }
  if (lp->locks == 1 && lp->cycles != 0)
    store(w);
  lp->locks--;
}

/* Work inside a critical section, on data lock i guards. */
static inline __attribute__((always_inline)) void work(
    struct pcb_wl_shared *sh, int i)
{
  for (int k = 0; k < WORK; k++)
    rt_of(sh)->held[i]++;
}

/* One operation: A then B, or B alone, alternating (offset by role). */
static inline __attribute__((always_inline)) void lock_op(struct pcb_run *r,
                                                          uint64_t k,
                                                          bool timed)
{
  struct pcb_wl_shared *sh = r->sh;
  struct pcb_wl_thread *w = r->w;

  if ((k + (uint64_t)r->role) & 1) {
    rt_lock(w, &rt_of(sh)->lock[0]);
    work(sh, 0);
    rt_lock(w, &rt_of(sh)->lock[1]);
    work(sh, 1);
    rt_unlock(w, &rt_of(sh)->lock[1], timed);
    work(sh, 0);
    rt_unlock(w, &rt_of(sh)->lock[0], timed);
  } else {
    rt_lock(w, &rt_of(sh)->lock[1]);
    work(sh, 1);
    rt_unlock(w, &rt_of(sh)->lock[1], timed);
  }
}

/* The loops run at the bottom of the chain: the event site's caller. */
__attribute__((noinline)) static int lock_loop(void *arg)
{
  struct pcb_run *r = arg;
  int64_t left = r->count;
  uint64_t k = 0;

  lockprof_reset(lp_of(r->w));
  if (r->role != 0)
    atomic_fetch_add(&r->sh->started, 1);
  while (pcb_run_more(r, &left))
    lock_op(r, k++, false);
  return 0;
}

__attribute__((noinline)) static int lock_latency_loop(void *arg)
{
  struct pcb_run *r = arg;

  lockprof_reset(lp_of(r->w));
  for (int64_t i = 0; i < r->count; i++) {
    uint64_t t0 = pcb_clock_read();

    lock_op(r, (uint64_t)i, true);
    pcb_run_timed(r, t0);
  }
  return 0;
}

/* The stack figures' probe: one nested section whose inner lock counts
 * as contended for a wait long enough to be sampled at any rate.  Its
 * locks are its own (a probe abandoned on a small fiber leaves no shared
 * lock taken), and the state is reset first for the same reason. */
__attribute__((noinline)) static void lock_one_event(struct pcb_wl_thread *w)
{
  atomic_int outer = 0, inner = 0;

  lockprof_reset(lp_of(w));
  rt_lock(w, &outer);
  rt_lock(w, &inner);
  record_lock(w, &inner, w->block_rate > 0 ? w->block_rate : 1);
  rt_unlock(w, &inner, false);
  rt_unlock(w, &outer, false);
  __asm__ volatile("" : : : "memory");
}

const struct pcb_workload pcb_workload_lock = {
  .name = "lock",
  .summary = "runtime locks: stack taken at the contended unlock, recorded "
             "at the last (mLockProfile)",
  .min_threads = 2,
  .rate_unit = PCB_RATE_CYCLES,
  .real_time = true,
  .site = "lock_capture",
  .loop = lock_loop,
  .latency_loop = lock_latency_loop,
  .one_event = lock_one_event,
};
