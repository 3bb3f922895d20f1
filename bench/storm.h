/*
 * Storm mode: a profiling timer signal (SIGPROF, one timer per thread,
 * directed at that thread) whose
 * handler records an event through the thread's strategy while the
 * workload's own events run.  A guarded strategy refuses the nested event
 * (counted as nested_lost); the negative control hands it the outer
 * event's buffer, which the outer event's ground-truth check catches.
 */
#ifndef PCBENCH_STORM_H
#define PCBENCH_STORM_H

/* Installs the SIGPROF handler (once per process); 0 or PCB_ESYS. */
int pcb_storm_install(void);
/* Arms (hz > 0) or disarms (hz == 0) the calling thread's timer.  Takes
 * an int * so partners can run it through pcb_partner_call.  0 or
 * PCB_ESYS. */
int pcb_storm_arm(void *hz);

#endif
