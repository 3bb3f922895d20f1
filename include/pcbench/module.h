/*
 * The event path as a module (public): the versioned contract between
 * pcbench and a shared object that carries its own copy of everything an
 * event runs -- each workload's loops and event sites, the ground-truth
 * chain, the strategies, the unwinders, the consumer, the sampler --
 * behind one entry point, in the manner of fio's external engines.
 *
 * Two kinds of module use it.  pcbench's build links its own event path
 * into layout-<k>.so, each with its code in another order (docs/design.md,
 * "Layouts").  A user brings a strategy of their own as a module built
 * against the installed package (`find_package(pcbench)`, pcbench::core,
 * or pkg-config pcbench): one file filling one struct pcb_strategy, and
 *
 *   PCB_STRATEGY_MODULE(pcb_strategy_mine)
 *
 * which defines the entry point; `pcbench --module=./libmine.so` loads it
 * (docs/extending.md, "Bringing a strategy").
 *
 * The contract: a module's structs are the host's (the same sources, the
 * same compiler: version, thread_bytes and shared_bytes say so, and a
 * module whose values differ is refused, naming both).  State made by one
 * copy may be used by another: a copy holds no state an event needs beyond
 * what init sets -- the allocator behind strategy buffers (the host's, so
 * a buffer one copy took another frees), the unwinder, the clock.  init
 * may be called again, with other hooks, while no thread records (the
 * conformance suite swaps allocators so).
 */
#ifndef PCBENCH_MODULE_H
#define PCBENCH_MODULE_H

#include <stddef.h>

#include "pcbench/clock.h"
#include "pcbench/oracle.h"
#include "pcbench/strategy.h"

/* 2: strategy_at, so a host can list what a module brings. */
#define PCB_EVENT_MODULE_VERSION 2
#define PCB_EVENT_MODULE_SYMBOL "pcb_event_module"

struct pcb_workload;  /* the harness's (bench/workloads/workload.h) */

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
  /* Its strategies in order, NULL past the last: a user's module lists
   * its own first, then the copies of pcbench's it carries. */
  const struct pcb_strategy *(*strategy_at)(size_t i);
  const struct pcb_workload *(*workload)(const char *name);  /* or NULL */
  int (*oracle_run)(struct pcb_oracle *o, int frames, pcb_site_fn site,
                    void *arg);
  pcb_consume_fn consume_timed;
};

/* The one symbol a module exports. */
typedef const struct pcb_event_module *(*pcb_event_module_fn)(void);

/* In the installed core library: the module of pcbench's event path with
 * `own` (NULL: none) looked up before the strategies it carries, so a
 * name both know is the module's `own` inside the module.  The same
 * struct on every call. */
const struct pcb_event_module *pcb_module_build(const struct pcb_strategy *own);

/* A user's module in one line, after the strategy's definition: its entry
 * point, the only symbol the module exports (the core library's are
 * hidden, so each module's calls stay within it). */
#define PCB_STRATEGY_MODULE(strategy)                                     \
  __attribute__((visibility("default")))                                  \
  const struct pcb_event_module *pcb_event_module(void)                   \
  {                                                                       \
    return pcb_module_build(&(strategy));                                 \
  }

#endif
