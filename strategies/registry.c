/*
 * The strategy registry: one explicit table, in the order `pcbench --list`
 * prints it.  Adding a strategy is one file under strategies/, defining
 * pcb_strategy_<name>, and one line in STRATEGIES here.  No constructors:
 * deterministic order, and nothing a static link can drop.
 */
#include <string.h>

#include "pcbench/error.h"
#include "pcbench/strategy.h"
#include "pcbench/table.h"

#define STRATEGIES(X) \
  X(off)              \
  X(stack)            \
  X(thread)           \
  X(lazy)             \
  X(hybrid)           \
  X(percpu)           \
  X(pool)             \
  X(thread_unguarded) \
  X(stack_clone)      \
  /* the rows: one line each, in the table's order */

/* Each row names pcb_strategy_<row>, defined in a file of its own. */
#define ROW_EXTERN(n) extern const struct pcb_strategy pcb_strategy_##n;
#define ROW_REF(n) &pcb_strategy_##n,
STRATEGIES(ROW_EXTERN)

static const struct pcb_strategy *const registry[] = { STRATEGIES(ROW_REF) };

PCB_TABLE(pcb_strategy, struct pcb_strategy, registry)

const struct pcb_strategy *pcb_strategy_clone(const struct pcb_strategy *s)
{
  for (size_t i = 0; i < pcb_strategy_count(); i++)
    if (registry[i]->clone_of && strcmp(registry[i]->clone_of, s->name) == 0)
      return registry[i];
  return NULL;
}

int pcb_strategy_check(const struct pcb_strategy *s)
{
  if (s == NULL || s->name == NULL || s->summary == NULL)
    return PCB_EINVAL;
  if (s->version != PCB_STRATEGY_VERSION)
    return PCB_EVERSION;
  if (!s->thread_init || !s->thread_exit || !s->record || !s->heap_bytes)
    return PCB_EINCOMPLETE;
  if (!(s->flags & PCB_F_CLONE) != !s->clone_of)
    return PCB_EINVAL;  /* a clone names its original, only a clone does */
  return 0;
}

int pcb_registry_check(const struct pcb_strategy **bad)
{
  for (size_t i = 0; i < pcb_strategy_count(); i++) {
    int err = pcb_strategy_check(registry[i]);

    for (size_t j = 0; err == 0 && j < i; j++)
      if (strcmp(registry[j]->name, registry[i]->name) == 0)
        err = PCB_EINVAL;  /* duplicate name */
    if (err == 0 && registry[i]->clone_of &&
        pcb_strategy_find(registry[i]->clone_of) == NULL)
      err = PCB_EINVAL;  /* a clone of nothing registered */
    if (err) {
      *bad = registry[i];
      return err;
    }
  }
  return 0;
}
