/*
 * The module struct of a copy of the event path (pcbench/module.h):
 * compiled into the layout modules and into the installed core library,
 * never into pcbench itself, whose own copy is linked in directly.
 * Everything here is hidden but what the contract names, so each copy's
 * calls stay within that copy.
 */
#include <string.h>

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

/* The user's strategy (pcb_module_build), looked up first. */
static const struct pcb_strategy *own;

static const struct pcb_strategy *strategy(const char *name)
{
  if (own != NULL && strcmp(own->name, name) == 0)
    return own;
  return pcb_strategy_find(name);
}

static const struct pcb_strategy *strategy_at(size_t i)
{
  if (own != NULL)
    return i == 0 ? own : pcb_strategy_at(i - 1);
  return pcb_strategy_at(i);
}

static const struct pcb_event_module module = {
  .version = PCB_EVENT_MODULE_VERSION,
  .thread_bytes = sizeof(struct pcb_wl_thread),
  .shared_bytes = sizeof(struct pcb_wl_shared),
  .init = module_init,
  .strategy = strategy,
  .strategy_at = strategy_at,
  .workload = pcb_workload_find,
  .oracle_run = pcb_oracle_run,
  .consume_timed = pcb_wl_consume_timed,
};

const struct pcb_event_module *pcb_module_build(const struct pcb_strategy *s)
{
  own = s;
  return &module;
}
