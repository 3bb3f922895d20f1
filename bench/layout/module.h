/*
 * The event path as a module: one copy of everything an event runs --
 * each workload's loops and event sites, the ground-truth chain, the
 * strategies, the unwinders, the consumer, the sampler -- behind one
 * versioned entry point, in the manner of fio's external engines.
 *
 * Why (docs/design.md, "Layouts"): where the linker puts that code moves
 * timings by more than the strategies differ (a clone of `stack`, the
 * same source at another address, "differed" from `stack` at a quarter
 * of paired points).  The build links the same objects into K modules
 * with their functions in K random orders (layout-<k>.so); pcbench loads
 * them beside its own copy, and each paired round runs each arm on a
 * copy drawn at random, so code placement is sampled while an entry runs
 * instead of being one fixed draw per build.
 *
 * The contract: a module's structs are the host's (the same sources, the
 * same compiler: thread_bytes says so), and state made by one copy is
 * used by another.  A copy holds no state of its own that an event needs
 * beyond what init sets: the allocator behind strategy buffers (the
 * host's, so a buffer one copy took another frees), the unwinder, the
 * clock.  Strategies that keep buffers in their own globals (PCB_F_SHARED)
 * run on the host's copy alone.
 */
#ifndef PCBENCH_LAYOUT_MODULE_H
#define PCBENCH_LAYOUT_MODULE_H

#include <stddef.h>

#include "pcbench/clock.h"
#include "pcbench/oracle.h"
#include "pcbench/strategy.h"
#include "workloads/workload.h"

#define PCB_EVENT_MODULE_VERSION 1
#define PCB_EVENT_MODULE_SYMBOL "pcb_event_module"

/* What the host hands a module before its first event. */
struct pcb_module_env {
  void *(*alloc)(size_t size);   /* the host's pcb_hooks allocator */
  void (*free)(void *p);
  const char *unwinder;          /* by name: the module's own copy */
  enum pcb_clock_path clock;     /* the host's counter, already chosen */
};

struct pcb_event_module {
  int version;                   /* PCB_EVENT_MODULE_VERSION */
  size_t thread_bytes;           /* sizeof(struct pcb_wl_thread) */
  size_t shared_bytes;           /* sizeof(struct pcb_wl_shared) */
  /* 0, or PCB_ENOENT (an unwinder it lacks) / PCB_EUNSUPPORTED (a clock
   * this machine cannot run). */
  int (*init)(const struct pcb_module_env *env);
  const struct pcb_strategy *(*strategy)(const char *name);  /* or NULL */
  const struct pcb_workload *(*workload)(const char *name);  /* or NULL */
  int (*oracle_run)(struct pcb_oracle *o, int frames, pcb_site_fn site,
                    void *arg);
  pcb_consume_fn consume_timed;
};

/* The one symbol a module exports. */
typedef const struct pcb_event_module *(*pcb_event_module_fn)(void);

#endif
