/*
 * The child's side of an external row (shipped.h): the malloc workload's
 * event through the preloaded allocator, its figures on stdout.
 *
 * The event is a 64-byte malloc and free called from `event_ops`, at
 * the bottom of `frames` oracle frames for the chain's figures.  The
 * figures are those of docs/design.md, taken the same way:
 *   stack_bytes      pcb_stack_used on one event (profiler active,
 *                    warmed: the thread's first sample has been taken);
 *   min_fiber_stack, headroom_bytes
 *                    pcbench's searches, each trial in a forked process
 *                    (pcb_fiber_trial): an overflow abandons the
 *                    allocator mid-call, and jemalloc would keep its
 *                    re-entrancy level raised and stop sampling;
 *   heap_bytes_per_thread
 *                    jemalloc's metadata grown by one more thread that
 *                    samples, less one that does not (heap.c);
 *   event_ns         active against inactive, alternated in rounds in
 *                    random order (paired.c);
 *   correct          the live sampled stack in the profile against the
 *                    chain (check.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcbench/error.h"
#include "pcbench/stackmeasure.h"
#include "shipped/child.h"
#include "shipped/control.h"
#include "shipped/shipped.h"

bool pcb_shipped_is_child(void)
{
  return getenv("PCB_SHIPPED_CHILD") != NULL;
}

/* One event from a one-frame thunk: what pcb_stack_used measures. */
__attribute__((noinline)) static void one_event(void *arg)
{
  (void)arg;
  pcb__shipped_ops(1);
  __asm__ volatile("" : : : "memory");
}

__attribute__((noinline)) static void chain_event(void *arg)
{
  struct pcb_shipped_probe *p = arg;
  int ops = p->ops;

  p->ops = 1;
  pcb__shipped_chain(p);
  p->ops = ops;
}

/* A trial in a process of its own; exit status 0 completed, 1 overflowed. */
static int forked_trial(size_t size, size_t pad, pcb_stack_fn fn, void *arg,
                        bool *over)
{
  pid_t pid;
  int st;

  fflush(stdout);
  pid = fork();
  if (pid < 0)
    return PCB_ESYS;
  if (pid == 0) {
    bool o = false;
    int rc = pcb_fiber_run_padded(size, pad, fn, arg, &o);

    _exit(rc ? 2 : o ? 1 : 0);
  }
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return PCB_ESYS;
  if (!WIFEXITED(st) || WEXITSTATUS(st) > 1)
    return PCB_ESYS;
  *over = WEXITSTATUS(st) == 1;
  return 0;
}

static int stack_figures(struct pcb_shipped_probe *p)
{
  size_t used = 0, min = 0, head = 0;
  int rc;

  if ((rc = pcb_stack_used(one_event, p, &used)) != 0)
    return rc;
  printf("stack_bytes %zu\n", used);
  pcb_fiber_trial = forked_trial;
  if ((rc = pcb_min_fiber_stack(chain_event, p, &min)) != 0)
    return rc;
  printf("min_fiber_stack %zu\n", min);
  rc = pcb_fiber_headroom(PCB_FIBER_STACK_MIN, one_event, p, &head);
  if (rc != 0 && rc != PCB_EOVERFLOW)
    return rc;
  printf("headroom_ok %d\n", rc == 0);
  printf("headroom_bytes %zu\n", head);
  return 0;
}

static long env_long(const char *name, long def)
{
  const char *v = getenv(name);

  return v ? strtol(v, NULL, 10) : def;
}

int pcb_shipped_child_main(void)
{
  static struct pcb_shipped_probe probe;
  const char *name = getenv("PCB_SHIPPED_CHILD"), *why = NULL;
  const struct pcb_shipped *a = pcb_shipped_find(name);
  const struct pcb_prof_control *c = pcb_prof_control_find(name);
  char text[160];
  int rc;

  if (a == NULL || c == NULL || c->init(&why) != 0) {
    fprintf(stderr, "pcbench: external %s: %s\n", name,
            why ? why : "no such allocator");
    return 1;
  }
  probe.frames = (int)env_long("PCB_SHIPPED_FRAMES", 16);
  probe.ops = 1;
  probe.a = a;
  probe.c = c;
  c->version(text, sizeof(text));
  printf("version %s\n", text);
  c->settings(text, sizeof(text));
  printf("settings %s\n", text);
  c->active(true);
  pcb__shipped_ops(1);  /* the thread's first sample (jemalloc's tdata) */
  /* The figures of one sampled event are taken where every event is
   * sampled; at a sampling rate the painted event would not be. */
  if (env_long("PCB_SHIPPED_RATE", 1) == 1) {
    if ((rc = stack_figures(&probe)) != 0) {
      fprintf(stderr, "pcbench: external %s: stack figures: %s\n", name,
              pcb_strerror(rc));
      return 1;
    }
    pcb__shipped_heap(&probe);
    pcb__shipped_check(&probe);
  }
  pcb__shipped_paired(&probe, (int)env_long("PCB_SHIPPED_ROUNDS", 100),
                      (uint64_t)env_long("PCB_SHIPPED_SEED", 1),
                      (double)env_long("PCB_SHIPPED_RATE", 1));
  c->active(false);
  fflush(stdout);
  return 0;
}
