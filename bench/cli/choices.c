/*
 * The names an option may take, each read from a table of the project's
 * (workloads/table.c, strategies/registry.c, the unwinders, the
 * placements, the cache states, the clocks), so a new workload or
 * strategy is allowed and listed with no edit here.
 */
#include <stdio.h>
#include <string.h>

#include "cli/choices.h"
#include "config.h"
#include "pcbench/clock.h"
#include "pcbench/strategy.h"
#include "pcbench/unwind.h"
#include "shipped/shipped.h"
#include "workloads/workload.h"

static const char *workload_at(size_t i) { return pcb_workload_at(i)->name; }
static const char *strategy_at(size_t i) { return pcb_strategy_at(i)->name; }
static const char *unwinder_at(size_t i) { return pcb_unwinder_at(i)->name; }
static const char *place_at(size_t i) { return pcb_place_name((enum pcb_place)i); }
static size_t places(void) { return PCB_PLACE_COUNT; }
static const char *cache_at(size_t i) { return pcb_cache_name((enum pcb_cache)i); }
static size_t caches(void) { return PCB_CACHE_COUNT; }

static const char *clock_at(size_t i)
{
  return pcb_clock_path_name((enum pcb_clock_path)i);
}
static size_t clocks(void) { return PCB_CLOCK_PATH_COUNT; }

/* The console's columns (--counters), stored as their index. */
static const char *const counter_sets[] = { "compact", "all" };
static const char *counters_at(size_t i) { return counter_sets[i]; }
static size_t counters(void)
{
  return sizeof(counter_sets) / sizeof(*counter_sets);
}

static void store_workload(void *slot, size_t i)
{
  *(const struct pcb_workload **)slot = pcb_workload_at(i);
}

static void store_strategy(void *slot, size_t i)
{
  *(const struct pcb_strategy **)slot = pcb_strategy_at(i);
}

static void store_unwinder(void *slot, size_t i)
{
  *(const struct pcb_unwinder **)slot = pcb_unwinder_at(i);
}

static void store_place(void *slot, size_t i)
{
  *(enum pcb_place *)slot = (enum pcb_place)i;
}

static void store_cache(void *slot, size_t i)
{
  *(enum pcb_cache *)slot = (enum pcb_cache)i;
}

static const char *external_at(size_t i) { return pcb_shipped_at(i)->name; }

static void store_external(void *slot, size_t i)
{
  *(const struct pcb_shipped **)slot = pcb_shipped_at(i);
}

static const char *external_unusable(size_t i)
{
  return pcb_shipped_unusable(pcb_shipped_at(i));
}

static void store_index(void *slot, size_t i)
{
  *(int *)slot = (int)i;
}

/* Why clock i cannot run on this CPU, and the clocks that can. */
static const char *clock_unusable(size_t i)
{
  static char buf[256];
  struct pcb_clock_features f;
  const char *why;

  pcb_clock_probe(&f);
  why = pcb_clock_unusable(&f, (enum pcb_clock_path)i);
  if (why == NULL)
    return NULL;
  snprintf(buf, sizeof(buf), "%s (allowed here:", why);
  for (size_t k = 0; k < PCB_CLOCK_PATH_COUNT; k++)
    if (pcb_clock_unusable(&f, (enum pcb_clock_path)k) == NULL)
      snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s %s",
               k ? "," : "", clock_at(k));
  snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ")");
  return buf;
}

/* Go's three and the baseline: not the opt-in ones, not the control. */
static bool strategy_is_default(size_t i)
{
  return !(pcb_strategy_at(i)->flags &
           (PCB_F_CONTROL | PCB_F_OPT_IN | PCB_F_CLONE));
}

/* A table's names as an option's choices (no default, all usable). */
#define CHOICES(what_, count_, at_, store_, type_)                          \
  { .what = what_, .count = count_, .name_at = at_, .store = store_,        \
    .slot_size = sizeof(type_) }

const struct pcb_choices pcb_choices_workloads =
  CHOICES("workload", pcb_workload_count, workload_at, store_workload,
          const struct pcb_workload *);
const struct pcb_choices pcb_choices_strategies = {
  .what = "strategy", .count = pcb_strategy_count, .name_at = strategy_at,
  .store = store_strategy, .slot_size = sizeof(const struct pcb_strategy *),
  .is_default = strategy_is_default };
const struct pcb_choices pcb_choices_unwinders =
  CHOICES("unwinder", pcb_unwinder_count, unwinder_at, store_unwinder,
          const struct pcb_unwinder *);
const struct pcb_choices pcb_choices_placements =
  CHOICES("placement", places, place_at, store_place, enum pcb_place);
const struct pcb_choices pcb_choices_cache_states =
  CHOICES("cache state", caches, cache_at, store_cache, enum pcb_cache);
const struct pcb_choices pcb_choices_clock_paths = {
  .what = "clock", .count = clocks, .name_at = clock_at,
  .store = store_index, .slot_size = sizeof(int),
  .unusable = clock_unusable };
const struct pcb_choices pcb_choices_counters =
  CHOICES("counter set", counters, counters_at, store_index, int);
const struct pcb_choices pcb_choices_externals = {
  .what = "external allocator", .count = pcb_shipped_count,
  .name_at = external_at, .store = store_external,
  .slot_size = sizeof(const struct pcb_shipped *),
  .unusable = external_unusable };
