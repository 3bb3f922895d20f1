/*
 * A token handed round a ring of threads, spinning briefly before parking.
 *
 * Models how a Go program's blocking operations complete: a runtime lock
 * spins (procyield, osyield) before it sleeps on a futex, and an idle M
 * spins looking for work before it parks, so a goroutine woken on another
 * core is usually picked up by a thread that is still running.  A plain
 * condition variable parks at once instead, and on a virtual machine each
 * cross-core wake then goes through the hypervisor (tens of microseconds),
 * which drowns the profiling event the block workload exists to measure.
 *
 * The waiter spins for at most `spin_ns` and then parks on a futex: it
 * never spins for ever on a partner that cannot run (one PU, both threads
 * on one core).  pcb_handoff_spin_possible says when spinning can pay at
 * all; the caller records what it chose.
 *
 * No allocation, no lock; every call is async-signal-safe except that a
 * waiter may sleep.
 */
#ifndef PCBENCH_HANDOFF_H
#define PCBENCH_HANDOFF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct pcb_handoff {
  atomic_int turn;      /* the thread that holds the token */
  atomic_int sleepers;  /* waiters parked (or about to park) on turn */
  atomic_bool stop;     /* every waiter returns */
  int nthreads;
  uint64_t spin_ns;     /* 0: park at once */
  /* outcomes, for the results' context: waits that parked, and all */
  atomic_uint_fast64_t parked, waits;
};

/* The ring of nthreads (2..), thread 0 holding the token.  0 or
 * PCB_EINVAL. */
int pcb_handoff_init(struct pcb_handoff *h, int nthreads, uint64_t spin_ns);

/* Whether spinning can pay: the waiter and the thread it waits on must be
 * able to run at once.  cpu_a, cpu_b: the PUs they are bound to (-1 if
 * unbound); npus: PUs available to the process. */
bool pcb_handoff_spin_possible(int npus, int cpu_a, int cpu_b);

/* Waits until it is thread me's turn, or until stop.  Returns true if the
 * token is me's, false on stop. */
bool pcb_handoff_wait(struct pcb_handoff *h, int me);

/* Passes the token from me to the next thread of the ring. */
void pcb_handoff_pass(struct pcb_handoff *h, int me);

/* Wakes every waiter for good. */
void pcb_handoff_stop(struct pcb_handoff *h);

/* Spins, pausing, until done(arg) or spin_ns have passed: true if done.
 * What a spinning waiter does before it parks. */
bool pcb_spin_until(bool (*done)(void *), void *arg, uint64_t spin_ns);

#endif
