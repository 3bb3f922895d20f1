/*
 * The strategy registry: one explicit table, in the order `pcbench --list`
 * prints it.  Adding a strategy is one file under strategies/, defining
 * pcb_strategy_<name>, and one line in STRATEGIES here.  No constructors:
 * deterministic order, and nothing a static link can drop.
 */
#include <string.h>

#include "pcbench/error.h"
#include "pcbench/strategy.h"

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
#define NBUILTIN (sizeof(registry) / sizeof(registry[0]))

/* Strategies added at run time (pcb_strategy_add: a module's), after the
 * table's rows, in the order added. */
enum { EXTRA_MAX = 32 };
static const struct pcb_strategy *extra[EXTRA_MAX];
static size_t nextra;

size_t pcb_strategy_count(void)
{
  return NBUILTIN + nextra;
}

const struct pcb_strategy *pcb_strategy_at(size_t i)
{
  return i < NBUILTIN ? registry[i] : i < NBUILTIN + nextra
                                          ? extra[i - NBUILTIN] : NULL;
}

const struct pcb_strategy *pcb_strategy_find(const char *name)
{
  for (size_t i = 0; i < pcb_strategy_count(); i++)
    if (strcmp(pcb_strategy_at(i)->name, name) == 0)
      return pcb_strategy_at(i);
  return NULL;
}

int pcb_strategy_add(const struct pcb_strategy *s)
{
  int err = pcb_strategy_check(s);

  if (err != 0)
    return err;
  if (pcb_strategy_find(s->name) != NULL || (s->flags & PCB_F_CLONE))
    return PCB_EINVAL;  /* a name taken; a clone of another's code */
  for (const char *c = s->name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
      return PCB_EINVAL;  /* entry names take [a-z_]+ */
  if (nextra == EXTRA_MAX)
    return PCB_ENOMEM;
  extra[nextra++] = s;
  return 0;
}

void pcb_strategy_drop_added(void)
{
  nextra = 0;
}

const struct pcb_strategy *pcb_strategy_clone(const struct pcb_strategy *s)
{
  for (size_t i = 0; i < NBUILTIN; i++)
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
  for (size_t i = 0; i < NBUILTIN; i++) {
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
