/*
 * A read-only view of the runner's last run: its threads' states (w[0]
 * the measuring thread's) and the state they shared.  The runner hands it
 * out (pcb_runner_view); whoever reads it (the tally, a pass) changes
 * nothing through it.  Valid until the runner's next run or reset.
 */
#ifndef PCBENCH_VIEW_H
#define PCBENCH_VIEW_H

#include "workloads/workload.h"

struct pcb_run_view {
  const struct pcb_wl_thread *w;
  const struct pcb_wl_shared *sh;
};

#endif
