/*
 * off -- profiling disabled.
 *
 * Models: a runtime with the profile rate at 0 (Go's MemProfileRate = 0).
 * Used as: the baseline every overhead figure is measured against; the
 * workload still runs its sampler and calls record, so the difference to
 * another strategy is the capture and nothing else.
 * Trade-off: costs nothing and tells nothing.
 */
#include "pcbench/strategy.h"

static int off_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  (void)t;
  (void)ev;
  return 0;
}

const struct pcb_strategy pcb_strategy_off = {
  .version = PCB_STRATEGY_VERSION,
  .name = "off",
  .summary = "profiling disabled: the baseline, captures nothing",
  .flags = PCB_F_NO_CAPTURE | PCB_F_SIGSAFE,
  .thread_init = pcb_nobuf_init,
  .thread_exit = pcb_nobuf_exit,
  .record = off_record,
  .heap_bytes = pcb_nobuf_bytes,
};
