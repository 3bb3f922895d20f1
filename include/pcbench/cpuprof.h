/*
 * The cpu workload: CPU-profile samples taken in a SIGPROF handler
 * (core/cpuprof.c), Go's sigprof rebuilt as the other workloads rebuild
 * mProf_Malloc and saveblockevent.
 *
 * A thread of its own registers with the strategy, runs a busy loop at
 * the bottom of a real `frames`-deep chain (core/oracle.c), and takes
 * SIGPROF from a timer on its own CPU-time clock.  The handler -- on an
 * alternate signal stack of `sigstack` bytes, or on the interrupted stack
 * when there is none -- reads the interrupted PC and frame pointer from
 * its ucontext, records one event through the strategy (ev->async: a
 * strategy may not allocate) anchored on that frame, so the capture's PCs
 * are the chain's return addresses (the ground truth, checked), and hands
 * the PC and the capture to a preallocated ring that drops (and counts)
 * what does not fit.
 *
 * Figures (struct pcb_cpuprof_figs): bytes of the alternate stack one
 * sample takes (painted: exact for a build), the kernel's part of them,
 * correctness against the truth, samples lost before the thread's first
 * synchronous event (where `lazy` pays), the handler's time and the time
 * the loop lost to each sample.  pcb_cpuprof_fits and _smallest try one
 * sample on a guard-paged alternate stack of a given size in a child
 * process, since an overflow there cannot be caught in the process that
 * overflows (the kernel has no stack left to deliver SIGSEGV on).
 *
 * Not async-signal-safe itself; installs its SIGPROF handler for the
 * duration of a call and puts the old one back.
 */
#ifndef PCBENCH_CPUPROF_H
#define PCBENCH_CPUPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcbench/strategy.h"

struct pcb_cpuprof_opts {
  const struct pcb_strategy *s;
  int depth, frames;
  size_t sigstack;   /* alternate stack bytes; 0: none */
  long hz;           /* timer rate (CPU time); delivered at most CONFIG_HZ */
  int samples;       /* checked samples, after the warm event */
  int first;         /* samples taken before the thread's first
                        synchronous event (the warm event) */
};

struct pcb_cpuprof_figs {
  uint64_t samples;    /* delivered in the checked phase */
  uint64_t recorded;   /* the strategy called the consumer */
  uint64_t lost;       /* refused or dropped by the strategy */
  uint64_t dropped;    /* the ring was full */
  uint64_t correct;    /* captures equal to the ground truth */
  uint64_t outside;    /* arrived outside the busy loop: not checked */
  uint64_t first_lost; /* of opts.first, lost by the strategy */
  size_t stack_bytes;  /* stack one sample took: on the alternate stack
                          its whole use from the top; with none, below the
                          interrupted loop's stack pointer */
  size_t kernel_bytes; /* of it, the kernel's signal frame (and, with none,
                          the red zone it skips) */
  double handler_ns_p50, handler_ns_mean;  /* handler entry to return */
  double gap_ns_p50, gap_ns_mean;  /* what the loop lost per sample:
                                      delivery, handler and return, and
                                      any preemption at the same tick */
  double gap_ns_min;   /* the least of them: the sample's own cost */
  double rate_hz;      /* samples per second of the thread's CPU time */
};

/* One run on a fresh thread; 0, PCB_EINVAL, PCB_ENOMEM, PCB_ESYS or what
 * registering returned. */
int pcb_cpuprof_run(const struct pcb_cpuprof_opts *o,
                    struct pcb_cpuprof_figs *f);

/* Whether a sample completes on an alternate stack of exactly `size`
 * bytes (a multiple of 16; the kernel refuses less than its MINSIGSTKSZ,
 * which counts as not completing), tried in a child process.  0,
 * PCB_ESYS, or PCB_EUNSUPPORTED under TSan (no fork of a threaded
 * process there). */
int pcb_cpuprof_fits(const struct pcb_cpuprof_opts *o, size_t size,
                     bool *fits);

/* The smallest multiple of PCB_SIGSTACK_ALIGN up to 64 KiB on which a
 * sample completes (binary search over pcb_cpuprof_fits); PCB_EOVERFLOW
 * if none does. */
int pcb_cpuprof_smallest(const struct pcb_cpuprof_opts *o, size_t *size);

#endif
