/*
 * Whether a sample fits an alternate stack of a given size, and the
 * smallest that does (include/pcbench/cpuprof.h): measured, not computed.
 *
 * Model.  A trial runs in a forked child: a thread registered with the
 * strategy takes FIT_SAMPLES samples on a guard-paged alternate stack of
 * exactly `size` bytes.  An overflow there cannot be caught in the process
 * that overflows (the kernel has no stack left to deliver SIGSEGV on), so
 * the child's end says it: exit 0 fits, a signal (the guard page) does
 * not, anything else is an error of the trial, not an answer.  The search
 * is a binary search over multiples of PCB_SIGSTACK_ALIGN up to
 * SEARCH_MAX, invariant: lo fails, hi completes.  Not under TSan (no fork
 * of a threaded process there).
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpuprof_int.h"
#include "pcbench/error.h"

enum {
  SEARCH_MAX = 64 * 1024,  /* the largest alternate stack searched */
  FIT_SAMPLES = 2,         /* samples a trial in a child must complete */
};

/* A child's trial: 0 when FIT_SAMPLES samples completed on an alternate
 * stack of `size` bytes; 1 when the kernel refused the stack; 2 when
 * anything else failed.  An overflow kills the child (SIGSEGV). */
static int fit_child(const struct pcb_cpuprof_opts *o, size_t size)
{
  struct cpuctx *c = pcb__cpu_ctx_new(o);

  if (c == NULL || pcb_thread_register(&c->t, o->s, o->depth) != 0)
    return 2;
  pcb__cpu_bind(c);
  pcb__cpu_warm_event(c);
  if (pcb__cpu_alt_up(c, size) != 0)
    return 1;
  alarm(20);  /* a watchdog: a trial never hangs the search */
  return pcb__cpu_sample(c, FIT_SAMPLES) == 0 ? 0 : 2;
}

int pcb_cpuprof_fits(const struct pcb_cpuprof_opts *o, size_t size,
                     bool *fits)
{
  struct sigaction old;
  int status = 0, err;
  pid_t pid;

  *fits = false;
  if (CPU_TSAN)
    return PCB_EUNSUPPORTED;
  if (!pcb__cpu_opts_ok(o) || size == 0 || size % 16 != 0)
    return PCB_EINVAL;
  err = pcb__cpu_handler_install(&old);
  if (err)
    return err;
  pid = fork();
  if (pid == 0) {
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT,
                                 SIGALRM };
    sigset_t prof;

    /* an overflow must end the child by its signal, not run the
     * parent's crash handlers (which would remove the parent's files) */
    for (size_t i = 0; i < sizeof(fatal) / sizeof(*fatal); i++)
      signal(fatal[i], SIG_DFL);
    sigemptyset(&prof);
    sigaddset(&prof, SIGPROF);
    sigprocmask(SIG_UNBLOCK, &prof, NULL);
    _exit(fit_child(o, size));
  }
  sigaction(SIGPROF, &old, NULL);
  if (pid < 0)
    return PCB_ESYS;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return PCB_ESYS;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
    return PCB_ESYS;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    return PCB_ESYS;
  *fits = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return 0;
}

int pcb_cpuprof_smallest(const struct pcb_cpuprof_opts *o, size_t *size)
{
  size_t lo = 0, hi = SEARCH_MAX;  /* lo fails, hi completes */
  bool ok;
  int err = pcb_cpuprof_fits(o, hi, &ok);

  if (err)
    return err;
  if (!ok)
    return PCB_EOVERFLOW;
  while (hi - lo > PCB_SIGSTACK_ALIGN) {
    size_t mid = (lo + hi) / 2 / PCB_SIGSTACK_ALIGN * PCB_SIGSTACK_ALIGN;

    err = pcb_cpuprof_fits(o, mid, &ok);
    if (err)
      return err;
    if (ok)
      hi = mid;
    else
      lo = mid;
  }
  *size = hi;
  return 0;
}
