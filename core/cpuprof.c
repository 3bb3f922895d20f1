/*
 * The cpu workload's engine (include/pcbench/cpuprof.h): Go's sigprof.
 *
 * One run: the size tried first in a child (cpufit.c: an overflow of the
 * alternate stack cannot be caught in the process that overflows), then a
 * fresh thread (cpumeasure.c) registered with the strategy, with the
 * SIGPROF handler (cpusample.c) installed for the call and the old one put
 * back.  The files and their arrows: cpuprof_int.h.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "cpuprof_int.h"
#include "pcbench/error.h"

int pcb_cpuprof_run(const struct pcb_cpuprof_opts *o,
                    struct pcb_cpuprof_figs *f)
{
  struct sigaction old;
  struct pcb__cpu_job j;
  pthread_t th;
  int err;

  memset(f, 0, sizeof(*f));
  if (!pcb__cpu_opts_ok(o))
    return PCB_EINVAL;
  /* an overflow of the alternate stack cannot be caught in this process:
   * try the size in a child first (not under TSan, which cannot fork a
   * threaded process; the caller then runs only sizes known to fit) */
  if (o->sigstack > 0 && !CPU_TSAN) {
    bool fits;

    err = pcb_cpuprof_fits(o, o->sigstack, &fits);
    if (err)
      return err;
    if (!fits)
      return PCB_EOVERFLOW;
  }
  j.c = pcb__cpu_ctx_new(o);
  j.f = f;
  if (j.c == NULL)
    return PCB_ENOMEM;
  err = pcb__cpu_handler_install(&old);
  if (err == 0) {
    if (pthread_create(&th, NULL, pcb__cpu_thread_main, &j) != 0) {
      err = PCB_ESYS;
    } else {
      pthread_join(th, NULL);
      err = j.c->err;
    }
    sigaction(SIGPROF, &old, NULL);
  }
  pcb__cpu_ctx_free(j.c);
  return err;
}
