/*
 * AArch64's run-time probes: Linux lets user space read CNTVCT_EL0 and
 * CNTFRQ_EL0 on every AArch64 system (the vDSO's clock_gettime reads the
 * same counter); a zero frequency is firmware that never set the timer up,
 * and then the counter is not used.
 */
#include "probe.h"

void pcb__arch_clock_probe(struct pcb_clock_features *f)
{
  f->aarch64 = true;
  f->cntvct = pcb_arch_counter_hz() != 0;
}
