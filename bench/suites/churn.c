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
#include <errno.h>
#include <pthread.h>

#include "base/name.h"
#include "base/outfile.h"
#include "base/progress.h"
#include "run/counted.h"
#include "suites/suite.h"
#include "workloads/workload.h"

enum { EVENTS_PER_THREAD = 3 };

struct entry {
  char name[96];
  const struct pcb_strategy *s;
  int depth, fail_every;
};

static void consume_nothing(void *arg, const uintptr_t *pcs, int n, bool t)
{
  (void)arg;
  (void)n;
  (void)t;
  __asm__ volatile("" : : "r"(pcs) : "memory");
}

struct life {
  const struct entry *e;
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
    if (pcb_wl_bare_event(&t, consume_nothing, NULL, false) == 0) {
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

static void churn_body(pcb_gb_state *st, void *arg)
{
  struct life l = { .e = arg };
  pthread_attr_t attr;

  pcb_progress(l.e->name);
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pcb_counted_install((unsigned long)l.e->fail_every);
  while (pcb_gb_keep_running_batch(st, 1)) {
    pthread_t th;
    uint64_t t0 = pcb_clock_read_mono();

    int rc = pthread_create(&th, &attr, churn_thread, &l);

    if (rc == EAGAIN)  /* the run ends (base/outfile.h) */
      pcb_out_of_memory("starting a churn thread: no memory for its stack, "
                        "or a thread limit");
    if (rc != 0) {
      pcb_gb_skip_with_error(st, "pthread_create failed");
      break;
    }
    pthread_join(th, NULL);
    pcb_gb_set_iteration_time(st, (double)(pcb_clock_read_mono() - t0) * 1e-9);
  }
  pcb_counted_remove();
  pthread_attr_destroy(&attr);
  pcb_gb_counter(st, "registered", l.registered, PCB_GB_PLAIN);
  pcb_gb_counter(st, "events", l.recorded, PCB_GB_PLAIN);
  pcb_gb_counter(st, "lost", l.lost, PCB_GB_PLAIN);
  pcb_gb_counter(st, "recovered", l.recovered, PCB_GB_PLAIN);
  pcb_gb_counter(st, "injected_failures", (double)pcb_counted_injected(),
                 PCB_GB_PLAIN);
  pcb_gb_counter(st, "leaked_bytes", (double)pcb_counted_live(),
                 PCB_GB_PLAIN);
}

static int churn_setup(const struct pcb_config *c)
{
  static struct entry churn[PCB_LIST_MAX * PCB_LIST_MAX];
  struct pcb_gb_opts o = { .manual_time = true,
                           .iterations = c->churn_threads };
  int n = 0, err = 0;

  if (c->churn_threads == 0)
    return 0;
  for (int s = 0; s < c->nstrategies; s++)
    for (int d = 0; d < c->ndepths && !err; d++) {
      struct entry *e = &churn[n++];

      *e = (struct entry){ .s = c->strategies[s], .depth = c->depths[d],
                           .fail_every = c->fail_every };
      err = PCB_ENTRY_NAME(e->name, PCB_NAME_WORD("churn"),
                           PCB_NAME_WORD(e->s->name),
                           PCB_NAME_INT("depth", e->depth),
                           PCB_NAME_WORD_IF(c->fail_every, "faults"));
      pcb_gb_register(e->name, churn_body, e, &o);
    }
  return err;
}

const struct pcb_suite pcb_suite_churn = {
  .name = "churn",
  .summary = "threads start, record and exit one after another",
  .kind = "companion",
  .prefixes = "churn",
  .setup = churn_setup,
};
