/* The strategies' allocators, checked and counted; see counted.h. */
#include <malloc.h>
#include <stdlib.h>

#include "base/outfile.h"
#include "pcbench/hooks.h"
#include "run/counted.h"

static _Atomic long live;
static _Atomic unsigned long calls, injected;
static unsigned long fail_every;
static void *(*saved_alloc)(size_t);  /* what install replaced */
static void (*saved_free)(void *);

/* One direct call and a branch more than malloc itself, on the
 * allocations that thread_start and first_event time. */
static void *checked_alloc(size_t n)
{
  void *p = malloc(n);

  if (__builtin_expect(p == NULL, 0))
    pcb_out_of_memory("a strategy's buffer");
  return p;
}

static void *counted_alloc(size_t n)
{
  void *p;

  if (fail_every && ++calls % fail_every == 0) {
    injected++;
    return NULL;
  }
  p = checked_alloc(n);
  live += (long)malloc_usable_size(p);
  return p;
}

static void counted_free(void *p)
{
  if (p)
    live -= (long)malloc_usable_size(p);
  free(p);
}

void pcb_checked_install(void)
{
  pcb_hooks.alloc = checked_alloc;
  pcb_hooks.free = free;
}

void pcb_counted_install(unsigned long every)
{
  live = 0;
  calls = injected = 0;
  fail_every = every;
  saved_alloc = pcb_hooks.alloc;
  saved_free = pcb_hooks.free;
  pcb_hooks.alloc = counted_alloc;
  pcb_hooks.free = counted_free;
}

/* The allocator only: pcb_hooks_reset() would also put the frame-pointer
 * walk back in place of the run's unwinder, and every thread registered
 * after the first heap or churn entry would capture with it. */
void pcb_counted_remove(void)
{
  pcb_hooks.alloc = saved_alloc;
  pcb_hooks.free = saved_free;
}

long pcb_counted_live(void)
{
  return live;
}

unsigned long pcb_counted_injected(void)
{
  return injected;
}
