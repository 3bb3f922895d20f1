/*
 * Per-thread contexts (Go's M) and the capture step shared by strategies.
 *
 * A thread registers once: its stack bounds are learned here, with
 * pthread_getattr_np, which allocates and on the main thread reads
 * /proc/self/maps -- so it is done at registration and never inside an
 * event.  The context pointer lives in a thread-local variable so that a
 * signal handler on the thread finds it without locks.  Its buffers are
 * sized at registration too, for the slack of the unwinder then in
 * pcb_hooks (t->room): the unwinder is changed only while no thread is
 * registered (hooks.h), so an event never reaches one that needs more.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "pcbench/strategy.h"

static __thread struct pcb_thread *self;

struct pcb_hooks pcb_hooks = {
  .alloc = malloc,
  .free = free,
  .unwinder = &pcb_unwinder_fp,
};

void pcb_hooks_reset(void)
{
  pcb_hooks.alloc = malloc;
  pcb_hooks.free = free;
  pcb_hooks.unwinder = &pcb_unwinder_fp;
}

int pcb_thread_stack_bounds(struct pcb_stack_bounds *b)
{
  pthread_attr_t attr;
  void *addr;
  size_t size;

  int rc = pthread_getattr_np(pthread_self(), &attr);

  if (rc != 0)  /* the main thread's reads /proc/self/maps: it allocates */
    return rc == ENOMEM ? PCB_ENOMEM : PCB_ESYS;
  if (pthread_attr_getstack(&attr, &addr, &size) != 0) {
    pthread_attr_destroy(&attr);
    return PCB_ESYS;
  }
  pthread_attr_destroy(&attr);
  b->lo = (uintptr_t)addr;
  b->hi = (uintptr_t)addr + size;
  return 0;
}

void pcb_thread_prepare(struct pcb_thread *t, const struct pcb_strategy *s,
                        int depth)
{
  *t = (struct pcb_thread){ .strategy = s, .depth = depth,
                            .room = depth + pcb_hooks.unwinder->slack };
}

int pcb_thread_register(struct pcb_thread *t, const struct pcb_strategy *s,
                        int depth)
{
  int err;

  if (depth < 1 || depth > PCB_DEPTH_MAX)
    return PCB_EDEPTH;
  if (s == NULL || t == NULL)
    return PCB_EINVAL;
  pcb_thread_prepare(t, s, depth);
  err = pcb_thread_stack_bounds(&t->stack);
  if (err)
    return err;
  err = s->thread_init(t);
  if (err)
    return err;
  self = t;
  return 0;
}

void pcb_thread_unregister(struct pcb_thread *t)
{
  if (self == t)
    self = NULL;
  t->strategy->thread_exit(t);
}

struct pcb_thread *pcb_thread_self(void)
{
  return self;
}

int pcb_unwind_event(const struct pcb_thread *t, const struct pcb_event *ev,
                     uintptr_t *pcs, int depth, bool *truncated)
{
  return pcb_hooks.unwinder->unwind(ev->fp, ev->skip, &t->stack, pcs, depth,
                                    truncated);
}

int pcb_slice_alloc(struct pcb_thread *t)
{
  size_t bytes = (size_t)t->room * sizeof(uintptr_t);
  void *buf = pcb_hooks.alloc(bytes);

  if (buf == NULL)
    return PCB_ENOMEM;
  t->buf = buf;
  t->buf_bytes = bytes;
  return 0;
}

void pcb_slice_free(struct pcb_thread *t)
{
  pcb_hooks.free(t->buf);
  t->buf = NULL;
  t->buf_bytes = 0;
}

size_t pcb_thread_buf_bytes(const struct pcb_thread *t)
{
  return t->buf_bytes;
}

int pcb_nobuf_init(struct pcb_thread *t)
{
  (void)t;
  return 0;
}

void pcb_nobuf_exit(struct pcb_thread *t)
{
  (void)t;
}

size_t pcb_nobuf_bytes(const struct pcb_thread *t)
{
  (void)t;
  return 0;
}

void pcb_capture(struct pcb_thread *t, const struct pcb_event *ev,
                 uintptr_t *pcs)
{
  bool truncated;
  int n = pcb_unwind_event(t, ev, pcs, t->depth, &truncated);

  ev->consume(ev->arg, pcs, n, truncated);
}
