/*
 * The token ring of include/pcbench/handoff.h: spin, then park on a futex.
 *
 * Invariants:
 *  - A wake is never lost.  The passer stores turn and then reads
 *    sleepers; a waiter raises sleepers and then reads turn, and sleeps
 *    only while turn still holds the value it read (FUTEX_WAIT compares
 *    it atomically).  Both orders are sequentially consistent, so either
 *    the passer sees the sleeper and wakes it, or the sleeper sees the new
 *    turn and does not sleep.
 *  - A waiter spins for at most spin_ns, reading the clock once every
 *    SPIN_CHECK pauses so the clock's cost stays out of the hand-off
 *    (pcb_spin_until, which the mutex workload's contended lock uses too).
 *  - stop is sticky: once set, every wait returns false, now and later.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pcbench/arch.h"
#include "pcbench/clock.h"
#include "pcbench/error.h"
#include "pcbench/handoff.h"

enum { SPIN_CHECK = 32 };

static void cpu_relax(void)
{
  pcb_arch_relax();
}

static void futex_wait(atomic_int *addr, int val)
{
  syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake_all(atomic_int *addr)
{
  syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

int pcb_handoff_init(struct pcb_handoff *h, int nthreads, uint64_t spin_ns)
{
  if (h == NULL || nthreads < 2)
    return PCB_EINVAL;
  atomic_init(&h->turn, 0);
  atomic_init(&h->sleepers, 0);
  atomic_init(&h->stop, false);
  atomic_init(&h->parked, 0);
  atomic_init(&h->waits, 0);
  h->nthreads = nthreads;
  h->spin_ns = spin_ns;
  return 0;
}

bool pcb_handoff_spin_possible(int npus, int cpu_a, int cpu_b)
{
  if (npus < 2)
    return false;
  return cpu_a < 0 || cpu_b < 0 || cpu_a != cpu_b;
}

bool pcb_spin_until(bool (*done)(void *), void *arg, uint64_t spin_ns)
{
  uint64_t deadline;

  if (spin_ns == 0)
    return false;
  deadline = pcb_clock_read_mono() + spin_ns;
  for (;;) {
    for (int i = 0; i < SPIN_CHECK; i++) {
      if (done(arg))
        return true;
      cpu_relax();
    }
    if (pcb_clock_read_mono() >= deadline)
      return false;
  }
}

struct turn {
  struct pcb_handoff *h;
  int me;
};

static bool turn_ready(void *arg)
{
  const struct turn *t = arg;

  return atomic_load(&t->h->turn) == t->me || atomic_load(&t->h->stop);
}

static void park(struct pcb_handoff *h, int me)
{
  atomic_fetch_add(&h->sleepers, 1);
  for (;;) {
    int turn = atomic_load(&h->turn);

    if (turn == me || atomic_load(&h->stop))
      break;
    futex_wait(&h->turn, turn);
  }
  atomic_fetch_sub(&h->sleepers, 1);
}

bool pcb_handoff_wait(struct pcb_handoff *h, int me)
{
  struct turn t = { h, me };

  atomic_fetch_add_explicit(&h->waits, 1, memory_order_relaxed);
  if (!turn_ready(&t) && !pcb_spin_until(turn_ready, &t, h->spin_ns)) {
    atomic_fetch_add_explicit(&h->parked, 1, memory_order_relaxed);
    park(h, me);
  }
  return !atomic_load(&h->stop);
}

void pcb_handoff_pass(struct pcb_handoff *h, int me)
{
  atomic_store(&h->turn, (me + 1) % h->nthreads);
  if (atomic_load(&h->sleepers) > 0)
    futex_wake_all(&h->turn);
}

void pcb_handoff_stop(struct pcb_handoff *h)
{
  atomic_store(&h->stop, true);
  /* A waiter parked on turn re-reads stop when woken; bumping turn makes
   * a sleeper that is just about to wait see a changed value. */
  atomic_fetch_add(&h->turn, h->nthreads);
  futex_wake_all(&h->turn);
}
