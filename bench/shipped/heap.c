/*
 * Heap the profiler holds per thread once the thread has sampled
 * (heap_bytes_per_thread), by the allocator's own account: jemalloc
 * counts its tdata (the 128-PC buffer among it), its tctx and tables as
 * metadata.  Two threads that sample and one that does not (profiler
 * inactive while it allocates) are started and held alive; the second
 * sampling thread's growth less the non-sampling one's is what one more
 * sampling thread costs (the first also made the shared stack record).
 * gperftools keeps its PCs on the stack and its table outside malloc:
 * it holds nothing per thread, and the allocator cannot count its table,
 * so no figure is written.
 */
#include <pthread.h>
#include <stdio.h>

#include "shipped/child.h"
#include "shipped/control.h"

/* A worker's barriers outlive it: they are the caller's, held until
 * every worker has been joined. */
struct worker {
  pthread_barrier_t ready, *done;
};

static void *worker(void *arg)
{
  struct worker *w = arg;

  pcb__shipped_ops(1);
  pthread_barrier_wait(&w->ready);
  pthread_barrier_wait(w->done);
  return NULL;
}

/* Starts a thread that allocates once and waits; returns the metadata
 * read while it waits. */
static long one_more(pthread_t *th, struct worker *w,
                     const struct pcb_prof_control *c)
{
  pthread_barrier_init(&w->ready, NULL, 2);
  pthread_create(th, NULL, worker, w);
  pthread_barrier_wait(&w->ready);
  return c->metadata();
}

void pcb__shipped_heap(struct pcb_shipped_probe *p)
{
  const struct pcb_prof_control *c = p->c;
  pthread_barrier_t done;
  struct worker w[3] = { { .done = &done }, { .done = &done },
                         { .done = &done } };
  pthread_t th[3];
  long m0, m1, m2, m3;

  m0 = c->metadata();
  if (m0 < 0) {
    printf("heap_bytes_per_thread 0\n");  /* by design: see above */
    return;
  }
  pthread_barrier_init(&done, NULL, 4);
  m1 = one_more(&th[0], &w[0], c);
  m2 = one_more(&th[1], &w[1], c);
  c->active(false);
  m3 = one_more(&th[2], &w[2], c);
  c->active(true);
  pthread_barrier_wait(&done);
  for (int i = 0; i < 3; i++) {
    pthread_join(th[i], NULL);
    pthread_barrier_destroy(&w[i].ready);
  }
  pthread_barrier_destroy(&done);
  printf("heap_bytes_per_thread %ld\n", (m2 - m1) - (m3 - m2));
  printf("heap_bytes_first_thread %ld\n", (m1 - m0) - (m3 - m2));
}
