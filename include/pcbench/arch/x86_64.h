/* x86-64 (include/pcbench/arch.h says what each name promises). */
#ifndef PCBENCH_ARCH_X86_64_H
#define PCBENCH_ARCH_X86_64_H

#include <stdint.h>

#define PCB_ARCH_NAME "x86_64"

static inline __attribute__((always_inline)) uintptr_t pcb_arch_sp(void)
{
  uintptr_t sp;

  __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
  return sp;
}

static inline void pcb_arch_relax(void)
{
  __builtin_ia32_pause();
}

/* The time-stamp counter: rdtsc; ordered by rdtscp (ORDERED_FULL) or by
 * lfence before rdtsc (ORDERED_FENCE).  Which one this CPU advertises is
 * core/clock.c's to find out (CPUID). */
enum { PCB_ARCH_ORDERED_FULL, PCB_ARCH_ORDERED_FENCE };

static inline uint64_t pcb_arch_counter(void)
{
  return __builtin_ia32_rdtsc();
}

static inline uint64_t pcb_arch_counter_ordered(int how)
{
  unsigned aux;

  if (how == PCB_ARCH_ORDERED_FULL)
    return __builtin_ia32_rdtscp(&aux);
  __builtin_ia32_lfence();
  return __builtin_ia32_rdtsc();
}

#define PCB_ARCH_UCONTEXT_FP(uc) ((uc)->uc_mcontext.gregs[REG_RBP])
#define PCB_ARCH_LIBUNWIND 1

#define PCB_ARCH_SPILL_HEADROOM_EXACT 1

#define PCB_ARCH_CPUINFO_KEY "vendor_id"
#define PCB_ARCH_CPUINFO_FLAGS_LINE "flags"
#define PCB_ARCH_CPUINFO_FLAGS                                          \
  "tsc rdtscp constant_tsc nonstop_tsc tsc_known_freq hypervisor ht avx2 " \
  "avx512f"

#endif
