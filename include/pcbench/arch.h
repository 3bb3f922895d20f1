/*
 * Everything pcbench knows about the machine it runs on, behind one
 * header: this one picks the architecture's file (arch/x86_64.h,
 * arch/aarch64.h), and nothing else in pcbench tests __x86_64__ or
 * __aarch64__.  Each file defines the same names:
 *
 *   PCB_ARCH_NAME                 "x86_64", "aarch64"
 *   pcb_arch_sp()                 the stack pointer where it is expanded
 *   pcb_arch_relax()              the spin-wait hint (pause, yield)
 *   pcb_arch_counter()            the cycle counter, unserialised (a
 *                                 wait's ends)
 *   pcb_arch_counter_ordered(k)   the read after everything before it has
 *                                 completed: PCB_ARCH_ORDERED_FULL (rdtscp)
 *                                 or PCB_ARCH_ORDERED_FENCE (a fence first)
 *   PCB_ARCH_UCONTEXT_FP(uc)      a ucontext's frame-pointer register, set
 *                                 to 0 in a fiber's outermost frame
 *   PCB_ARCH_LIBUNWIND            0 where libunwind's unw_backtrace does not
 *                                 capture the chain pcbench checks, and why
 *   PCB_ARCH_CPUINFO_KEY          a line /proc/cpuinfo starts with when the
 *                                 kernel is of this architecture
 *   PCB_ARCH_CPUINFO_FLAGS_LINE   the /proc/cpuinfo line that lists the
 *                                 CPU's flags ("flags", "Features")
 *   PCB_ARCH_CPUINFO_FLAGS        the flags the clock, the unwinders and
 *                                 the noise depend on, by their names on
 *                                 that line, blank-separated
 *
 * Frame records are the same shape on both: the frame pointer (%rbp, x29)
 * points at {the caller's frame pointer, the return address}, and records
 * lie at rising addresses towards the stack's base, so core/unwind.c's
 * walk and its anchor and skip counts hold on both.  Where the record sits
 * in its frame differs -- x86-64 at the top, next to the return address
 * call pushed; AArch64 GCC at the bottom, below the locals -- which moves
 * stack figures, never the chain.  What is probed at run time (CPUID, the
 * timer's frequency, the flags the CPU advertises) is core/arch/<arch>.c's,
 * which CMake picks.
 */
#ifndef PCBENCH_ARCH_H
#define PCBENCH_ARCH_H

#if defined(__x86_64__)
#include "pcbench/arch/x86_64.h"
#elif defined(__aarch64__)
#include "pcbench/arch/aarch64.h"
#else
#error "pcbench is written for x86-64 and AArch64 (include/pcbench/arch/)"
#endif

/* NULL on a kernel of this build's architecture; else what runs it, for
 * the results' context (`emulated`): a user-mode emulator (qemu-aarch64
 * on an x86-64 host) passes the host kernel's /proc/cpuinfo through, so a
 * cpuinfo without PCB_ARCH_CPUINFO_KEY is another architecture's kernel.
 * Times taken there mean nothing.  Reads the file once; not for events. */
const char *pcb_arch_emulated(void);

/* The CPU's flags as the architecture's own word gives them, for the
 * results' context (cpu_flags_cpuid, cpu_hidden_flags); read once, never
 * for events.  `advertised`: the flags that matter the CPU advertises,
 * blank-separated -- x86-64: CPUID's tsc rdtscp invariant_tsc hypervisor
 * avx2 avx512f; AArch64: the kernel's HWCAP words evtstrm sve sve2 paca
 * pacg bti ecv sme (the ID registers as Linux lets user space use them).
 * `hidden`: the flags the CPU is known to have but does not advertise, or
 * why there are none; never found by running an instruction to see
 * (valgrind and emulators stop on one that is not advertised).  Both are
 * always NUL-terminated within their arrays. */
struct pcb_arch_cpu_flags {
  char advertised[160];
  char hidden[160];
};
void pcb_arch_cpu_flags(struct pcb_arch_cpu_flags *out);

#endif
