/*
 * AArch64's run-time probes: Linux lets user space read CNTVCT_EL0 and
 * CNTFRQ_EL0 on every AArch64 system (the vDSO's clock_gettime reads the
 * same counter); a zero frequency is firmware that never set the timer up,
 * and then the counter is not used.  The CPU's flags come from the
 * kernel's HWCAP words (getauxval): user space reads the ID registers
 * only as the kernel lets it, so there is no CPUID of its own to compare
 * with, and nothing the CPU has is known to be hidden.
 */
#include <asm/hwcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#include "probe.h"

void pcb__arch_clock_probe(struct pcb_clock_features *f)
{
  f->aarch64 = true;
  f->cntvct = pcb_arch_counter_hz() != 0;
}

void pcb_arch_cpu_flags(struct pcb_arch_cpu_flags *out)
{
  static const struct {
    int hwcap2;  /* AT_HWCAP2 rather than AT_HWCAP */
    unsigned long bit;
    const char *name;  /* as /proc/cpuinfo's Features line spells it */
  } flags[] = {
    {0, HWCAP_EVTSTRM, "evtstrm"}, {0, HWCAP_SVE, "sve"},
    {1, HWCAP2_SVE2, "sve2"},      {0, HWCAP_PACA, "paca"},
    {0, HWCAP_PACG, "pacg"},       {1, HWCAP2_BTI, "bti"},
    {1, HWCAP2_ECV, "ecv"},        {1, HWCAP2_SME, "sme"},
  };
  const unsigned long hw[2] = {getauxval(AT_HWCAP), getauxval(AT_HWCAP2)};
  char *adv = out->advertised;
  const size_t len = sizeof(out->advertised);

  adv[0] = '\0';
  for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++) {
    size_t used = strlen(adv);

    if (hw[flags[i].hwcap2] & flags[i].bit)
      snprintf(adv + used, len - used, "%s%s", used ? " " : "",
               flags[i].name);
  }
  if (adv[0] == '\0')
    snprintf(adv, len, "none of those checked (HWCAP)");
  snprintf(out->hidden, sizeof(out->hidden), "%s",
           "none known (AArch64: user space sees the CPU through the "
           "kernel's HWCAP; nothing is run to see)");
}
