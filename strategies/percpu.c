/*
 * percpu -- one buffer of `depth` PCs per CPU and recursion context,
 * chosen by the CPU the event runs on and the context it was raised in.
 *
 * Models: Linux perf's callchain buffers (kernel/events/callchain.c): one
 * buffer per possible CPU for each of four recursion contexts (task,
 * softirq, hardirq, NMI), allocated when the first event that wants
 * callchains appears and sized by a tunable; a capture that finds its
 * context's buffer already in use on its CPU -- it interrupted itself --
 * gets no callchain rather than a corrupted one.  Here the contexts are
 * two, task and signal (ev->async): a SIGPROF sample that interrupts an
 * allocation sample gets a buffer of its own and is recorded, while a
 * capture nested in its own context (a re-entrant malloc, a signal inside
 * a signal handler) is dropped.
 *
 * Migration: the kernel owns its buffer by disabling preemption.  User
 * code cannot: between sched_getcpu() and the end of the capture the
 * thread may be moved to another CPU, or preempted while another thread
 * runs on this one.  So each buffer carries a per-CPU try-lock, taken by
 * one atomic exchange before the unwind and released after the consumer.
 * The lock, not the CPU number, makes the buffer the capture's: a thread
 * that migrates mid-capture goes on using the buffer it locked, and a
 * capture that finds the buffer of (its CPU, its context) locked -- by
 * itself one level out, or by a thread preempted or moved while holding
 * it -- is dropped with PCB_ECONTENDED (counted as lost) instead of
 * waiting or sharing.  It is the simplest honest scheme; restartable
 * sequences could only detect the move and restart the whole unwind, and
 * pinning would cost system calls on every event.
 *
 * Cost: sched_getcpu() (glibc reads it from the rseq area), an atomic
 * exchange and a release store per event, a cache-line transfer when the
 * buffer last ran on another CPU -- and drops under preemption, which the
 * kernel's version never has.  With more busy threads than CPUs they are
 * not rare: a holder preempted mid-capture keeps its CPU's buffer for a
 * whole time slice, and every event of the threads that run there
 * meanwhile is dropped (malloc, 4 threads bound two to a CPU: most events
 * lost; `pool` lost none).  Heap is CPUs x 2 x depth PCs (each slot
 * rounded up to 64 bytes), made once for all threads and independent of
 * their number; the stack cost is flat, as for `thread`.
 */
#include <sched.h>
#include <unistd.h>

#include "bufset.h"
#include "pcbench/error.h"
#include "pcbench/strategy.h"

enum { CTX_TASK, CTX_SIGNAL, CONTEXTS };

static struct pcb__bufsets sets = PCB__BUFSETS_INIT;
static pthread_once_t cpus_once = PTHREAD_ONCE_INIT;
static unsigned ncpus;

/* Possible CPUs, learned once: sysconf reads /sys, which allocates. */
static void count_cpus(void)
{
  long n = sysconf(_SC_NPROCESSORS_CONF);

  ncpus = n > 0 ? (unsigned)n : 1;
}

static int percpu_init(struct pcb_thread *t)
{
  pthread_once(&cpus_once, count_cpus);
  return pcb__bufset_join(&sets, t, ncpus * CONTEXTS);
}

static void percpu_exit(struct pcb_thread *t)
{
  pcb__bufset_leave(&sets, t);
}

static int percpu_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  const struct pcb__bufset *set = t->buf;
  int cpu = sched_getcpu();  /* -1 only where getcpu is missing */
  unsigned i = cpu >= 0 ? (unsigned)cpu : 0u;
  struct pcb__slot *sl;

  if (i >= set->nslots / CONTEXTS)  /* never, while CPU ids stay dense */
    i %= set->nslots / CONTEXTS;
  sl = pcb__bufset_slot(set, i * CONTEXTS + (ev->async ? CTX_SIGNAL : CTX_TASK));

  return pcb__slot_capture(t, sl, ev) ? 0 : PCB_ECONTENDED;
}

const struct pcb_strategy pcb_strategy_percpu = {
  .version = PCB_STRATEGY_VERSION,
  .name = "percpu",
  .summary = "buffer per CPU x context (task, signal) under a try-lock (perf)",
  .flags = PCB_F_ALLOC_INIT | PCB_F_MAY_DROP | PCB_F_SIGSAFE | PCB_F_SHARED |
           PCB_F_OPT_IN,
  .thread_init = percpu_init,
  .thread_exit = percpu_exit,
  .record = percpu_record,
  .heap_bytes = pcb_thread_buf_bytes,
};
