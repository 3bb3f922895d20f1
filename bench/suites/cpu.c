/*
 * cpu/<strategy>/depth:D/frames:F/sigstack:S -- CPU-profile samples
 * (core/cpuprof.c): SIGPROF from a timer on the thread's CPU clock, the
 * handler on an alternate signal stack of S bytes (`none`: on the
 * interrupted stack) capturing the interrupted stack through the
 * strategy.  Entries only with --sigstack; one per strategy, depth,
 * frames and size, in that order.
 *
 * The entry's time is the handler's mean, entry to return, per sample
 * (where the size does not fit: the wall time of the trial that said so).
 * Its counters (docs/design.md, "CPU-profile samples"):
 *   sigstack_bytes        the stack one sample took, painted (on the
 *                         alternate stack from its top; with none, below
 *                         the interrupted loop's stack pointer)
 *   kernel_frame_bytes    of it, the kernel's signal frame
 *   sigstack_headroom_bytes  S minus sigstack_bytes
 *   fits                  1 when a sample completed on S (tried in a child
 *                         on a guard-paged stack first; 0: nothing else
 *                         is measured at that size)
 *   min_sigstack          the smallest alternate stack, a multiple of 64,
 *                         on which a sample completes (binary search)
 *   fits_minsigstksz, fits_8k  the same trial at the legacy MINSIGSTKSZ
 *                         (2048) and at 8 KiB: measured, not computed
 *   at_minsigstksz        getauxval(AT_MINSIGSTKSZ) on this machine
 *   correct               checked captures equal to the ground truth
 *   lost, dropped, first_lost  refused by the strategy; not taken by the
 *                         ring; of the samples before the thread's first
 *                         synchronous event, lost (lazy's cost)
 *   handler_ns_p50        the handler alone, entry to return
 *   sample_ns_p50, sample_ns_min  what the interrupted loop lost per
 *                         sample (delivery, handler, sigreturn), in wall
 *                         time: the p50 holds any preemption at the tick
 *                         that raised it, the least is the sample's own
 *   samples_per_cpu_s     the rate delivered; overhead_ns_per_cpu_s and
 *                         overhead_ns_per_cpu_s_100hz the handler's time
 *                         per second of CPU at that rate and at Go's
 *                         100 Hz (its mean times the rate: the kernel's
 *                         delivery and sigreturn are not in it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/gbshim.h"
#include "base/name.h"
#include "base/progress.h"
#include "pcbench/cpuprof.h"
#include "pcbench/error.h"
#include "pcbench/sigprof.h"
#include "suites/suite.h"

enum { FIRST_SAMPLES = 4 };  /* before the thread's first synchronous event */

/* What does not depend on the alternate stack's size: found once per
 * strategy, depth and frames. */
struct cpu_point {
  bool done;
  int err;
  size_t min_sigstack;
  bool fits_legacy, fits_8k;
};

struct cpu_entry {
  char name[128];
  struct pcb_cpuprof_opts o;
  struct cpu_point *point;
};

static struct cpu_entry *entries;
static struct cpu_point *points;

static void point_figures(struct cpu_point *p, const struct pcb_cpuprof_opts *o)
{
  if (p->done)
    return;
  p->done = true;
  p->err = pcb_cpuprof_smallest(o, &p->min_sigstack);
  if (p->err == 0)
    p->err = pcb_cpuprof_fits(o, PCB_LEGACY_MINSIGSTKSZ, &p->fits_legacy);
  if (p->err == 0)
    p->err = pcb_cpuprof_fits(o, 8192, &p->fits_8k);
}

static double wall_seconds(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void counter(pcb_gb_state *st, const char *k, double v)
{
  pcb_gb_counter(st, k, v, PCB_GB_PLAIN);
}

static void cpu_body(pcb_gb_state *st, void *arg)
{
  struct cpu_entry *e = arg;
  struct pcb_cpuprof_figs f = { 0 };
  int err = 0;

  pcb_progress(e->name);
  while (pcb_gb_keep_running_batch(st, 1)) {
    double t0 = wall_seconds(), t;

    err = pcb_cpuprof_run(&e->o, &f);
    t = f.handler_ns_mean > 0 ? f.handler_ns_mean * 1e-9
                              : wall_seconds() - t0;
    pcb_gb_set_iteration_time(st, t > 0 ? t : 1e-9);
  }
  point_figures(e->point, &e->o);
  if ((err != 0 && err != PCB_EOVERFLOW) ||
      (e->point->err != 0 && e->point->err != PCB_EUNSUPPORTED)) {
    char msg[160];

    snprintf(msg, sizeof(msg), "the cpu workload failed: %s",
             pcb_strerror(err ? err : e->point->err));
    pcb_gb_skip_with_error(st, msg);
    return;
  }
  counter(st, "at_minsigstksz", (double)pcb_sigstack_min());
  /* under TSan no trial can be forked: the sizes tried are left out */
  if (e->point->err == 0) {
    counter(st, "min_sigstack", (double)e->point->min_sigstack);
    counter(st, "fits_minsigstksz", e->point->fits_legacy);
    counter(st, "fits_8k", e->point->fits_8k);
  }
  counter(st, "fits", err == 0);
  if (err != 0)
    return;  /* the size does not fit: nothing else was measured there */
  counter(st, "sigstack_bytes", (double)f.stack_bytes);
  if (f.kernel_bytes > 0)  /* 0: not known (TSan hands over a copy) */
    counter(st, "kernel_frame_bytes", (double)f.kernel_bytes);
  if (e->o.sigstack > 0)
    counter(st, "sigstack_headroom_bytes",
            (double)e->o.sigstack - (double)f.stack_bytes);
  if (!(e->o.s->flags & PCB_F_NO_CAPTURE))
    counter(st, "correct", f.recorded ? (double)f.correct /
                                        (double)f.recorded : 0);
  counter(st, "events", (double)f.recorded);
  counter(st, "lost", (double)f.lost);
  counter(st, "dropped", (double)f.dropped);
  counter(st, "outside", (double)f.outside);
  counter(st, "first_lost", (double)f.first_lost);
  counter(st, "handler_ns_p50", f.handler_ns_p50);
  counter(st, "sample_ns_p50", f.gap_ns_p50);
  counter(st, "sample_ns_min", f.gap_ns_min);
  counter(st, "samples_per_cpu_s", f.rate_hz);
  counter(st, "overhead_ns_per_cpu_s", f.handler_ns_mean * f.rate_hz);
  counter(st, "overhead_ns_per_cpu_s_100hz", f.handler_ns_mean * 100.0);
}

static int cpu_setup(const struct pcb_config *c)
{
  struct pcb_gb_opts once = { .manual_time = true, .iterations = 1 };
  int n = c->nstrategies * c->ndepths * c->nframes, k = 0, err = 0;

  if (c->nsigstacks == 0)
    return 0;
  entries = calloc((size_t)(n * c->nsigstacks), sizeof(*entries));
  points = calloc((size_t)n, sizeof(*points));
  if (entries == NULL || points == NULL)
    return PCB_ENOMEM;
  for (int s = 0; s < c->nstrategies; s++)
    for (int d = 0; d < c->ndepths; d++)
      for (int f = 0; f < c->nframes; f++) {
        struct cpu_point *p = &points[(s * c->ndepths + d) * c->nframes + f];

        for (int z = 0; z < c->nsigstacks && err == 0; z++) {
          struct cpu_entry *e = &entries[k++];
          uint64_t size = c->sigstacks[z];

          e->o = (struct pcb_cpuprof_opts){
            .s = c->strategies[s], .depth = c->depths[d],
            .frames = c->frames[f], .sigstack = (size_t)size,
            .hz = c->cpu_hz, .samples = c->cpu_samples,
            .first = FIRST_SAMPLES };
          e->point = p;
          err = PCB_ENTRY_NAME(e->name, PCB_NAME_WORD("cpu"),
                               PCB_NAME_WORD(e->o.s->name),
                               PCB_NAME_INT("depth", e->o.depth),
                               PCB_NAME_INT("frames", e->o.frames),
                               PCB_NAME_INT_IF(size != 0, "sigstack",
                                               (long long)size),
                               PCB_NAME_STR_IF(size == 0, "sigstack",
                                               "none"));
          if (err == 0)
            pcb_gb_register(e->name, cpu_body, e, &once);
        }
      }
  return err;
}

static void cpu_fini(void)
{
  free(entries);
  free(points);
  entries = NULL;
  points = NULL;
}

const struct pcb_suite pcb_suite_cpu = {
  .name = "cpu",
  .summary = "CPU-profile samples in a SIGPROF handler on an alternate stack",
  .kind = "companion",
  .prefixes = "cpu",
  .setup = cpu_setup,
  .fini = cpu_fini,
};
