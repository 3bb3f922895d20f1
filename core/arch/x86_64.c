/*
 * x86-64's run-time probes: the time-stamp counter as CPUID advertises
 * it (never as a CPU model suggests: see core/clock.c) and as the kernel
 * allows it (PR_GET_TSC).
 */
#include <cpuid.h>
#include <sys/prctl.h>

#include "probe.h"

void pcb__arch_clock_probe(struct pcb_clock_features *f)
{
  unsigned a, b, c, d;
  int tsc_mode = PR_TSC_ENABLE;

  f->x86_64 = true;
  if (__get_cpuid(1, &a, &b, &c, &d))
    f->tsc = (d >> 4) & 1;
  if (__get_cpuid(0x80000001u, &a, &b, &c, &d))
    f->rdtscp = (d >> 27) & 1;
  /* A kernel that cannot say (an emulator may not) has not forbidden it. */
  if (prctl(PR_GET_TSC, &tsc_mode, 0, 0, 0) != 0)
    tsc_mode = PR_TSC_ENABLE;
  f->tsc_user = tsc_mode == PR_TSC_ENABLE;
}
