/*
 * The event path as a module, as the harness sees it: the public
 * contract (include/pcbench/module.h) and the workload structs whose
 * sizes a module must share (thread_bytes, shared_bytes).
 *
 * Why modules (docs/design.md, "Layouts"): where the linker puts the
 * event path's code moves timings by more than the strategies differ (a
 * clone of `stack`, the same source at another address, "differed" from
 * `stack` at a quarter of paired points).  The build links the same
 * objects into K modules with their functions in K random orders
 * (layout-<k>.so); pcbench loads them beside its own copy, and each
 * paired round runs each arm on a copy drawn at random, so code
 * placement is sampled while an entry runs instead of being one fixed
 * draw per build.  A user's module (--module, layout/modules.h) is one
 * more copy, holding a strategy pcbench lacks.
 *
 * Strategies that keep buffers in their own globals (PCB_F_SHARED) run
 * on the host's copy alone among the layouts.
 */
#ifndef PCBENCH_LAYOUT_MODULE_H
#define PCBENCH_LAYOUT_MODULE_H

#include "pcbench/module.h"
#include "workloads/workload.h"

#endif
