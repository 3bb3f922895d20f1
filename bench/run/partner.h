/*
 * Harness-owned worker threads.  Created once per pcbench run and reused
 * by every entry and repetition, so a strategy's per-thread set-up
 * (thread_init) happens when an entry is first prepared, never inside a
 * measured run.  A partner executes one function at a time, sent to it
 * by the measuring thread: synchronously (register, unregister) or in the
 * background (a workload loop, until the run's stop flag).
 */
#ifndef PCBENCH_PARTNER_H
#define PCBENCH_PARTNER_H

#include <pthread.h>
#include <stdbool.h>

typedef int (*pcb_partner_fn)(void *arg);

struct pcb_partner {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pcb_partner_fn fn;  /* work posted, NULL when idle */
  void *arg;
  int result;
  bool busy, quit;
};

/* Starts the partner's thread, bound to PU `pu`; 0 or PCB_ESYS. */
int pcb_partner_start(struct pcb_partner *p, int pu);
/* Binds the partner's thread to PU `pu` (hwloc); 0 or PCB_ESYS. */
int pcb_partner_bind(struct pcb_partner *p, int pu);
/* Starts fn(arg) on the partner; pcb_partner_join waits and returns its
 * result.  pcb_partner_call does both. */
void pcb_partner_post(struct pcb_partner *p, pcb_partner_fn fn, void *arg);
int pcb_partner_join(struct pcb_partner *p);
int pcb_partner_call(struct pcb_partner *p, pcb_partner_fn fn, void *arg);
void pcb_partner_stop(struct pcb_partner *p);

#endif
