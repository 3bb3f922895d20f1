/*
 * Internal to the cpu workload's engine (cpusample.c, cpumeasure.c,
 * cpufit.c, cpuprof.c; the public side is include/pcbench/cpuprof.h):
 * one sampled thread's context and the steps the files share.
 *
 * cpusample.c owns the signal side -- the handler, the interrupted loop,
 * the alternate stack and the context's life; cpumeasure.c the sampled
 * thread and the figures taken on it (painted stack bytes, times);
 * cpufit.c the fork-based trials of a size and the search for the
 * smallest; cpuprof.c the public run.  The arrows go one way:
 * cpuprof.c uses the other three, cpufit.c and cpumeasure.c use
 * cpusample.c, and cpusample.c uses none of them.
 */
#ifndef PCBENCH_CPUPROF_INT_H
#define PCBENCH_CPUPROF_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcbench/clock.h"
#include "pcbench/cpuprof.h"
#include "pcbench/oracle.h"
#include "pcbench/sampring.h"
#include "pcbench/sigprof.h"

#if defined(__SANITIZE_THREAD__)
#define CPU_TSAN 1
#else
#define CPU_TSAN 0
#endif

enum {
  TIMES_MAX = 4096,        /* handler and gap times kept per run */
};

struct cpuctx {
  const struct pcb_cpuprof_opts *o;
  struct pcb_thread t;
  struct pcb_sampring ring;
  struct pcb_altstack alt;
  bool have_alt;
  int err;
  uint64_t target;              /* the loop runs until handled reaches it */
  uintptr_t site_ret;           /* the loop's return address into the chain */
  /* written by the handler (and read by the loop between samples) */
  volatile uint64_t handled, recorded, lost, checked, correct, outside;
  volatile uintptr_t cur_pc, int_sp, kernel_bytes;
  volatile uint64_t entered;    /* loop_clock() as the handler began */
  volatile sig_atomic_t spinning, timing;
  volatile int nh;
  uint64_t *hticks, *gaps;      /* TIMES_MAX each */
  int ngap;
  struct pcb_oracle oracle;     /* last: large */
};

/* cpusample.c: the signal side. */
extern const struct pcb_clock_source pcb__cpu_loop_source;
/* The context the handler of this thread serves (NULL: none). */
void pcb__cpu_bind(struct cpuctx *c);
bool pcb__cpu_opts_ok(const struct pcb_cpuprof_opts *o);
struct cpuctx *pcb__cpu_ctx_new(const struct pcb_cpuprof_opts *o);
void pcb__cpu_ctx_free(struct cpuctx *c);
int pcb__cpu_handler_install(struct sigaction *old);
int pcb__cpu_alt_up(struct cpuctx *c, size_t size);
void pcb__cpu_alt_down(struct cpuctx *c);
/* n more samples with the timer armed, the ring emptied afterwards. */
int pcb__cpu_sample(struct cpuctx *c, int n);
/* One synchronous event, outside any handler (lazy allocates here). */
int pcb__cpu_warm_event(struct cpuctx *c);

/* cpumeasure.c: the sampled thread's life and its figures.  The thread
 * runs pcb__cpu_thread_main(job); job->c->err says how it ended.  Its
 * frames above the loop are this file's alone (run_thread, stack_figure
 * and checked inline into it): the interrupted stack pointer's alignment,
 * and with it the kernel's frame on the interrupted stack (`none`), is
 * theirs, so they stay together. */
struct pcb__cpu_job {
  struct cpuctx *c;
  struct pcb_cpuprof_figs *f;
};
void *pcb__cpu_thread_main(void *arg);

#endif
