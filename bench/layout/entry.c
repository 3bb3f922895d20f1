/*
 * A layout module's entry point (pcbench/module.h): pcbench's own event
 * path, no strategy of its own.  A user's module defines its entry point
 * with PCB_STRATEGY_MODULE instead, against the installed core library.
 */
#include "pcbench/module.h"

__attribute__((visibility("default")))
const struct pcb_event_module *pcb_event_module(void)
{
  return pcb_module_build(NULL);
}
