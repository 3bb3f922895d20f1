/* Storm mode; see storm.h.  The handler is async-signal-safe: it touches
 * only the thread's own context, the lock-free bucket table, and errno,
 * which it saves and restores. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "pcbench/error.h"
#include "storm.h"
#include "workload.h"

static __thread timer_t timer;
static __thread bool armed;

static void consume_nested(void *arg, const uintptr_t *pcs, int n, bool trunc)
{
  struct pcb_wl_thread *w = arg;

  (void)trunc;
  pcb_bucket_add(w->buckets, pcs, n, 0, 0);
}

/* The nested event, anchored on this frame. */
__attribute__((noinline)) static int nested_event(struct pcb_wl_thread *w)
{
  struct pcb_event ev = { __builtin_frame_address(0), 1, consume_nested, w,
                          true };
  int rc = pcb_record(&w->thread, &ev);

  __asm__ volatile("" : "+r"(rc) : : "memory");
  return rc;
}

static void on_sigprof(int sig)
{
  int saved = errno;
  struct pcb_thread *t = pcb_thread_self();

  (void)sig;
  if (t != NULL) {
    struct pcb_wl_thread *w = (struct pcb_wl_thread *)((char *)t -
        offsetof(struct pcb_wl_thread, thread));

    if (nested_event(w) == 0)
      w->nested++;
    else
      w->nested_lost++;
  }
  errno = saved;
}

int pcb_storm_install(void)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_sigprof;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGPROF, &sa, NULL) == 0 ? 0 : PCB_ESYS;
}

static int disarm(void)
{
  if (armed) {
    timer_delete(timer);
    armed = false;
  }
  return 0;
}

int pcb_storm_arm(void *arg)
{
  int hz = *(int *)arg;
  struct sigevent sev;
  struct itimerspec its;

  if (hz <= 0)
    return disarm();
  memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGPROF;
  sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
    return PCB_ESYS;
  armed = true;
  its.it_interval.tv_sec = (1000000000L / hz) / 1000000000L;  /* hz = 1 */
  its.it_interval.tv_nsec = (1000000000L / hz) % 1000000000L;
  its.it_value = its.it_interval;
  return timer_settime(timer, 0, &its, NULL) == 0 ? 0 : PCB_ESYS;
}
