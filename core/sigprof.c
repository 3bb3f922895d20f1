/*
 * The OS side of a CPU-profile sample (include/pcbench/sigprof.h): the
 * alternate signal stack with its guard, the kernel's frame size, the
 * interrupted context's frame, the per-thread CPU-time timer.
 *
 * Promises: the handler-side calls (pcb_sigctx_frame) read only the
 * ucontext they are given; everything else maps memory or makes system
 * calls and is for set-up, never for a handler or a timed path.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "pcbench/error.h"
#include "pcbench/sigprof.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

size_t pcb_sigstack_min(void)
{
  unsigned long v = getauxval(AT_MINSIGSTKSZ);

  return v != 0 ? (size_t)v : (size_t)PCB_LEGACY_MINSIGSTKSZ;
}

static size_t page_size(void)
{
  long p = sysconf(_SC_PAGESIZE);

  return p > 0 ? (size_t)p : 4096;
}

int pcb_altstack_map(struct pcb_altstack *a, size_t size)
{
  size_t page = page_size();
  size_t body = (size + page - 1) / page * page;

  memset(a, 0, sizeof(*a));
  if (size == 0 || size % 16 != 0 || size > PCB_SIGSTACK_MAX)
    return PCB_EINVAL;
  a->map_bytes = page + body;
  a->map = mmap(NULL, a->map_bytes, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a->map == MAP_FAILED) {
    a->map = NULL;
    return PCB_ENOMEM;
  }
  if (mprotect(a->map, page, PROT_NONE) != 0) {
    munmap(a->map, a->map_bytes);
    a->map = NULL;
    return PCB_ENOMEM;
  }
  a->lo = a->map + page;  /* the usable bytes start at the guard's end */
  a->size = size;
  return 0;
}

void pcb_altstack_unmap(struct pcb_altstack *a)
{
  if (a->installed)
    pcb_altstack_uninstall(a);
  if (a->map != NULL)
    munmap(a->map, a->map_bytes);
  a->map = NULL;
}

int pcb_altstack_install(struct pcb_altstack *a)
{
  stack_t ss = { .ss_sp = a->lo, .ss_size = a->size, .ss_flags = 0 };

  if (sigaltstack(&ss, &a->old) != 0)
    return PCB_ESYS;
  a->installed = true;
  return 0;
}

void pcb_altstack_uninstall(struct pcb_altstack *a)
{
  stack_t old = a->old;

  if (!a->installed)
    return;
  /* a thread that had none gets none back (SS_DISABLE) */
  if (old.ss_flags & SS_DISABLE || old.ss_sp == NULL) {
    old = (stack_t){ .ss_flags = SS_DISABLE };
  }
  old.ss_flags &= SS_DISABLE;
  sigaltstack(&old, NULL);
  a->installed = false;
}

void pcb_altstack_paint(struct pcb_altstack *a, unsigned char pattern)
{
  memset(a->lo, pattern, a->size);
}

size_t pcb_altstack_used(const struct pcb_altstack *a, unsigned char pattern)
{
  const volatile unsigned char *p = a->lo;
  size_t i = 0;

  while (i < a->size && p[i] == pattern)
    i++;
  return a->size - i;
}

bool pcb_sigctx_frame(const void *uctx, uintptr_t *pc, const void **fp,
                      uintptr_t *sp)
{
  const ucontext_t *uc = uctx;

#if defined(__x86_64__)
  *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  *fp = (const void *)uc->uc_mcontext.gregs[REG_RBP];
  *sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
  return true;
#elif defined(__aarch64__)
  *pc = (uintptr_t)uc->uc_mcontext.pc;
  *fp = (const void *)uc->uc_mcontext.regs[29];
  *sp = (uintptr_t)uc->uc_mcontext.sp;
  return true;
#else
  (void)uc;
  *pc = 0;
  *fp = NULL;
  *sp = 0;
  return false;
#endif
}

int pcb_cputimer_start(timer_t *timer, int signo, long hz)
{
  struct sigevent sev;
  struct itimerspec its;
  clockid_t clock;
  long ns = hz > 0 ? 1000000000L / hz : 0;

  if (ns <= 0 || pthread_getcpuclockid(pthread_self(), &clock) != 0)
    return PCB_ESYS;
  memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = signo;
  sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(clock, &sev, timer) != 0)
    return PCB_ESYS;
  its.it_interval.tv_sec = ns / 1000000000L;
  its.it_interval.tv_nsec = ns % 1000000000L;
  its.it_value = its.it_interval;
  if (timer_settime(*timer, 0, &its, NULL) != 0) {
    timer_delete(*timer);
    return PCB_ESYS;
  }
  return 0;
}

void pcb_cputimer_stop(timer_t timer)
{
  timer_delete(timer);
}
