/*
 * Shared buffer sets (see bufset.h): the bookkeeping behind percpu and
 * pool.  One allocation per set -- header, alignment slack, then the
 * slots -- so the strategy's account (bytes asked for) and the
 * allocator's (its usable size) differ only by the allocator's rounding.
 * Each slot starts on its own 64-byte line and spans whole lines, so two
 * CPUs filling neighbouring slots never write the same cache line.
 */
#include "bufset.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"

enum { LINE = 64 };

static struct pcb__bufset *make(int depth, int room, unsigned nslots)
{
  size_t slot = sizeof(struct pcb__slot) + (size_t)room * sizeof(uintptr_t);
  size_t stride = (slot + LINE - 1) / LINE * LINE;
  size_t bytes = sizeof(struct pcb__bufset) + LINE - 1 + nslots * stride;
  struct pcb__bufset *s = pcb_hooks.alloc(bytes);

  if (s == NULL)
    return NULL;
  *s = (struct pcb__bufset){ .depth = depth, .room = room, .nslots = nslots,
                             .stride = stride, .bytes = bytes,
                             .alloc = pcb_hooks.alloc, .free = pcb_hooks.free };
  s->slots = (unsigned char *)(((uintptr_t)(s + 1) + LINE - 1) &
                               ~(uintptr_t)(LINE - 1));
  for (unsigned i = 0; i < nslots; i++)
    atomic_init(&pcb__bufset_slot(s, i)->busy, 0);
  return s;
}

static struct pcb__bufset *find(const struct pcb__bufsets *sets,
                                const struct pcb_thread *t, unsigned nslots)
{
  struct pcb__bufset *s;

  for (s = sets->live; s != NULL; s = s->next)
    if (s->depth == t->depth && s->room == t->room && s->nslots == nslots &&
        s->alloc == pcb_hooks.alloc && s->free == pcb_hooks.free)
      break;
  return s;
}

/* The allocator is never called with the mutex held: it may be profiled
 * and record an event, or fail a test and never return.  So a set is made
 * outside it, and dropped again if another thread made one meanwhile. */
int pcb__bufset_join(struct pcb__bufsets *sets, struct pcb_thread *t,
                     unsigned nslots)
{
  struct pcb__bufset *s, *made = NULL;

  pthread_mutex_lock(&sets->mu);
  while ((s = find(sets, t, nslots)) == NULL && made == NULL) {
    pthread_mutex_unlock(&sets->mu);
    made = make(t->depth, t->room, nslots);
    if (made == NULL)
      return PCB_ENOMEM;
    pthread_mutex_lock(&sets->mu);
  }
  if (s == NULL) {
    s = made;
    s->next = sets->live;
    sets->live = s;
    made = NULL;
  }
  s->refs++;
  pthread_mutex_unlock(&sets->mu);
  if (made != NULL)
    made->free(made);
  t->buf = s;
  t->buf_bytes = s->bytes;
  return 0;
}

void pcb__bufset_leave(struct pcb__bufsets *sets, struct pcb_thread *t)
{
  struct pcb__bufset *s = t->buf, **p;
  bool last;

  t->buf = NULL;
  t->buf_bytes = 0;
  if (s == NULL)
    return;
  pthread_mutex_lock(&sets->mu);
  last = --s->refs == 0;
  if (last) {
    for (p = &sets->live; *p != s; p = &(*p)->next)
      ;
    *p = s->next;
  }
  pthread_mutex_unlock(&sets->mu);
  if (last)
    s->free(s);
}
