/*
 * x86-64's run-time probes: the time-stamp counter as CPUID advertises
 * it (never as a CPU model suggests: see core/clock.c) and as the kernel
 * allows it (PR_GET_TSC); the flags CPUID advertises for the results'
 * context, and rdtscp when CPUID hides it (one machine of the project's
 * kind runs it with CPUID 0x80000001 EDX bit 27 clear).
 */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>
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

/* Appends "word " to out when `set`. */
static void add(char *out, size_t len, bool set, const char *word)
{
  size_t used = strlen(out);

  if (set)
    snprintf(out + used, len - used, "%s ", word);
}

void pcb_arch_cpu_flags(struct pcb_arch_cpu_flags *out)
{
  struct pcb_clock_features f = {0};
  unsigned a, b, c, d;
  char *adv = out->advertised;
  const size_t len = sizeof(out->advertised);
  size_t used;

  pcb__arch_clock_probe(&f);
  adv[0] = '\0';
  add(adv, len, f.tsc, "tsc");
  add(adv, len, f.rdtscp, "rdtscp");
  add(adv, len, __get_cpuid(0x80000007u, &a, &b, &c, &d) && ((d >> 8) & 1),
      "invariant_tsc");
  add(adv, len, __get_cpuid(1, &a, &b, &c, &d) && ((c >> 31) & 1),
      "hypervisor");
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
    add(adv, len, (b >> 5) & 1, "avx2");
    add(adv, len, (b >> 16) & 1, "avx512f");
  }
  used = strlen(adv);
  if (used > 0)
    adv[used - 1] = '\0';  /* the last blank */
  snprintf(out->hidden, sizeof(out->hidden), "%s",
           f.rdtscp ? "none of those checked (rdtscp advertised)"
                    : "rdtscp (CPUID 0x80000001 EDX bit 27 clear: not "
                      "used; the clock falls back)");
}
