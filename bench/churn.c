/*
 * churn/<strategy>/depth:D -- thread churn with optional allocation
 * failure injection.
 *
 * --churn-threads threads start one after another; each registers,
 * records three events and exits.  Strategy allocations go through a
 * counting allocator that fails every --fail-every'th call: an eager
 * strategy then fails to register the thread (its events are lost), a lazy
 * one drops the events that find no buffer and tries again on the next.
 * After the last thread, every byte handed out must have come back
 * (leaked_bytes); `recovered` counts threads whose events succeeded again
 * after an injected failure.  One iteration is one thread's life.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "churn.h"
#include "harness.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"

enum { EVENTS_PER_THREAD = 3 };

static _Atomic long live_bytes;
static _Atomic unsigned long calls, injected;
static unsigned long fail_every;

static void *faulty_alloc(size_t n)
{
  void *p;

  if (fail_every && ++calls % fail_every == 0) {
    injected++;
    return NULL;
  }
  p = malloc(n);
  if (p)
    live_bytes += (long)malloc_usable_size(p);
  return p;
}

static void counted_free(void *p)
{
  if (p)
    live_bytes -= (long)malloc_usable_size(p);
  free(p);
}

static void consume_nothing(void *arg, const uintptr_t *pcs, int n, bool t)
{
  (void)arg;
  (void)n;
  (void)t;
  __asm__ volatile("" : : "r"(pcs) : "memory");
}

__attribute__((noinline)) static int one_event(struct pcb_thread *t)
{
  struct pcb_event ev = { __builtin_frame_address(0), 1, consume_nothing,
                          NULL, false };
  int rc = pcb_record(t, &ev);

  __asm__ volatile("" : "+r"(rc) : : "memory");
  return rc;
}

struct life {
  const struct pcb_churn_entry *e;
  int registered, recorded, lost, recovered;
};

static void *churn_thread(void *arg)
{
  struct life *l = arg;
  struct pcb_thread t;
  bool failed = false;

  if (pcb_thread_register(&t, l->e->s, l->e->depth) != 0) {
    l->lost += EVENTS_PER_THREAD;
    return NULL;
  }
  l->registered++;
  for (int i = 0; i < EVENTS_PER_THREAD; i++) {
    if (one_event(&t) == 0) {
      l->recorded++;
      l->recovered += failed;
      failed = false;
    } else {
      l->lost++;
      failed = true;
    }
  }
  pcb_thread_unregister(&t);
  return NULL;
}

static double now_sec(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void churn_body(pcb_gb_state *st, void *arg)
{
  struct life l = { .e = arg };
  pthread_attr_t attr;

  pcb_harness_progress(l.e->name);
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  live_bytes = 0;
  calls = injected = 0;
  fail_every = (unsigned long)l.e->fail_every;
  pcb_hooks.alloc = faulty_alloc;
  pcb_hooks.free = counted_free;
  while (pcb_gb_keep_running_batch(st, 1)) {
    pthread_t th;
    double t0 = now_sec();

    if (pthread_create(&th, &attr, churn_thread, &l) != 0) {
      pcb_gb_skip_with_error(st, "pthread_create failed");
      break;
    }
    pthread_join(th, NULL);
    pcb_gb_set_iteration_time(st, now_sec() - t0);
  }
  pcb_hooks_reset();
  pthread_attr_destroy(&attr);
  pcb_gb_counter(st, "registered", l.registered, PCB_GB_PLAIN);
  pcb_gb_counter(st, "events", l.recorded, PCB_GB_PLAIN);
  pcb_gb_counter(st, "lost", l.lost, PCB_GB_PLAIN);
  pcb_gb_counter(st, "recovered", l.recovered, PCB_GB_PLAIN);
  pcb_gb_counter(st, "injected_failures", (double)injected, PCB_GB_PLAIN);
  pcb_gb_counter(st, "leaked_bytes", (double)live_bytes, PCB_GB_PLAIN);
}

void pcb_churn_register(const struct pcb_config *c)
{
  static struct pcb_churn_entry churn[PCB_LIST_MAX * PCB_LIST_MAX];
  struct pcb_gb_opts o = { .manual_time = true,
                           .iterations = c->churn_threads };
  int n = 0;

  if (c->churn_threads == 0)
    return;
  for (int s = 0; s < c->nstrategies; s++)
    for (int d = 0; d < c->ndepths; d++) {
      struct pcb_churn_entry *e = &churn[n++];

      *e = (struct pcb_churn_entry){ .s = c->strategies[s],
                                     .depth = c->depths[d],
                                     .fail_every = c->fail_every };
      snprintf(e->name, sizeof(e->name), "churn/%s/depth:%d%s",
               e->s->name, e->depth, c->fail_every ? "/faults" : "");
      pcb_gb_register(e->name, churn_body, e, &o);
    }
}
