/*
 * dummy -- tests/add_one_of_each.sh's strategy, copied into a scratch
 * tree as strategies/dummy.c: the PCs on the capturing frame, as `stack`
 * keeps them.  Not part of pcbench; it exists to show that a strategy is
 * one file and one table line.
 */
#include "pcbench/strategy.h"

__attribute__((noinline)) static int dummy_record(struct pcb_thread *t,
                                                  const struct pcb_event *ev)
{
  uintptr_t pcs[t->room];

  pcb_capture(t, ev, pcs);
  return 0;
}

const struct pcb_strategy pcb_strategy_dummy = {
  .version = PCB_STRATEGY_VERSION,
  .name = "dummy",
  .summary = "a test's strategy: PCs on the capturing frame",
  .flags = PCB_F_SIGSAFE | PCB_F_STACK_BUF | PCB_F_OPT_IN,
  .thread_init = pcb_nobuf_init,
  .thread_exit = pcb_nobuf_exit,
  .record = dummy_record,
  .heap_bytes = pcb_nobuf_bytes,
};
