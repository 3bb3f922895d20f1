/*
 * A module's entry point (module.h): built only into the layout modules,
 * never into pcbench itself, whose own copy of the event path is linked
 * in directly.  Everything else in a module is hidden, so each copy's
 * calls stay within that copy.
 */
#include "layout/module.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"

/* A module's loops run counted batches only (st NULL): Google Benchmark's
 * loop is the host's, and never reaches a module. */
bool pcb_gb_keep_running_batch(pcb_gb_state *st, int64_t n)
{
  (void)st;
  (void)n;
  return false;
}

static int module_init(const struct pcb_module_env *env)
{
  const struct pcb_unwinder *u = pcb_unwinder_find(env->unwinder);

  if (u == NULL)
    return PCB_ENOENT;
  pcb_hooks.alloc = env->alloc;
  pcb_hooks.free = env->free;
  pcb_hooks.unwinder = u;
  return pcb_clock_use(env->clock);
}

static const struct pcb_event_module module = {
  .version = PCB_EVENT_MODULE_VERSION,
  .thread_bytes = sizeof(struct pcb_wl_thread),
  .shared_bytes = sizeof(struct pcb_wl_shared),
  .init = module_init,
  .strategy = pcb_strategy_find,
  .workload = pcb_workload_find,
  .oracle_run = pcb_oracle_run,
  .consume_timed = pcb_wl_consume_timed,
};

__attribute__((visibility("default")))
const struct pcb_event_module *pcb_event_module(void)
{
  return &module;
}
