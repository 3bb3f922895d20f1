/*
 * The storm where SIGPROF interrupts malloc (include/pcbench/cpustorm.h).
 *
 * Invariants: the handler touches only its thread's storm state (a
 * thread-local set while the timer exists) and errno; the checking
 * allocator runs on the same thread, in the handler or out of it, and
 * never calls malloc while the interrupted loop is inside it.  pcb_hooks
 * is swapped only for the storm's duration, on a thread of its own, while
 * no other thread records (the caller's promise, as for every hook).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pcbench/cpustorm.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "pcbench/sigprof.h"

struct storm {
  const struct pcb_strategy *s;
  struct pcb_thread t;
  struct pcb_cpustorm_figs f;
  volatile sig_atomic_t in_malloc, in_handler;
  volatile uint64_t handled;
  int err;
  int trials;
  long hz;
};

static __thread struct storm *volatile storm_self;

static void consume_none(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  (void)arg, (void)pcs, (void)n, (void)trunc;
}

/* The checking allocator: the hazard is an allocation in the handler
 * while the interrupted thread is inside malloc. */
static void *checking_alloc(size_t n)
{
  struct storm *c = storm_self;

  if (c != NULL && c->in_handler) {
    c->f.handler_allocs++;
    if (c->in_malloc) {
      c->f.hazards++;
      return NULL;  /* refused: the real call would re-enter malloc */
    }
  }
  return malloc(n);
}

__attribute__((noinline)) static void on_sigprof(int sig, siginfo_t *si,
                                                 void *uc)
{
  int saved = errno;
  struct storm *c = storm_self;

  (void)sig, (void)si, (void)uc;
  if (c != NULL) {
    struct pcb_event ev = { __builtin_frame_address(0), 0, consume_none, c,
                            true };

    c->f.samples++;
    c->f.in_malloc += c->in_malloc != 0;
    c->in_handler = 1;
    atomic_signal_fence(memory_order_seq_cst);
    if (pcb_record(&c->t, &ev) != 0)
      c->f.lost++;
    atomic_signal_fence(memory_order_seq_cst);
    c->in_handler = 0;
    c->handled++;
  }
  errno = saved;
}

/* One trial: a fresh registration, malloc and free until the first
 * sample. */
static int trial(struct storm *c)
{
  uint64_t target = c->handled + 1;
  timer_t timer;
  int err = pcb_thread_register(&c->t, c->s, 64);

  if (err)
    return err;
  if (pcb_cputimer_start(&timer, SIGPROF, c->hz) != 0) {
    pcb_thread_unregister(&c->t);
    return PCB_ESYS;
  }
  while (c->handled < target) {
    void *p;

    c->in_malloc = 1;
    atomic_signal_fence(memory_order_seq_cst);
    p = malloc(64);
    __asm__ volatile("" : : "r"(p) : "memory");
    free(p);
    atomic_signal_fence(memory_order_seq_cst);
    c->in_malloc = 0;
  }
  pcb_cputimer_stop(timer);
  pcb_thread_unregister(&c->t);
  c->f.trials++;
  return 0;
}

static void *storm_main(void *arg)
{
  struct storm *c = arg;
  sigset_t prof;

  sigemptyset(&prof);
  sigaddset(&prof, SIGPROF);
  pthread_sigmask(SIG_UNBLOCK, &prof, NULL);
  storm_self = c;
  for (int i = 0; i < c->trials && c->err == 0; i++)
    c->err = trial(c);
  storm_self = NULL;
  return NULL;
}

int pcb_cpustorm_run(const struct pcb_strategy *s, int trials, long hz,
                     struct pcb_cpustorm_figs *f)
{
  struct storm *c = calloc(1, sizeof(*c));
  struct sigaction sa, old;
  struct pcb_hooks was = pcb_hooks;
  pthread_t th;
  int err = 0;

  memset(f, 0, sizeof(*f));
  if (c == NULL)
    return PCB_ENOMEM;
  c->s = s;
  c->trials = trials;
  c->hz = hz;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = on_sigprof;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGPROF, &sa, &old) != 0) {
    free(c);
    return PCB_ESYS;
  }
  pcb_hooks.alloc = checking_alloc;
  if (pthread_create(&th, NULL, storm_main, c) != 0) {
    err = PCB_ESYS;
  } else {
    pthread_join(th, NULL);
    err = c->err;
  }
  pcb_hooks = was;
  sigaction(SIGPROF, &old, NULL);
  *f = c->f;
  free(c);
  return err;
}

double pcb_cpustorm_q_lo(uint64_t k, uint64_t m)
{
  double q;

  if (m == 0)
    return 0;
  q = (double)k / (double)m - sqrt(log(1000.0) / (2.0 * (double)m));
  return q > 0 ? q : 0;
}

double pcb_cpustorm_power(double q_lo, uint64_t trials)
{
  return 1.0 - pow(1.0 - q_lo, (double)trials);
}
