/*
 * What a CPU profiler needs from the OS to take a sample in a signal
 * handler (core/sigprof.c): an alternate signal stack of an exact size
 * with a guard page below it, painted and read back as the fiber figures
 * are; the size the kernel's signal frame needs on this CPU; the
 * interrupted frame pointer and PC from a handler's ucontext; and a
 * per-thread CPU-time timer that raises a signal at that thread.
 *
 * Models Go's sigprof: a SIGPROF from setitimer / timer_create on the
 * thread's CPU clock (Go 1.18+ on Linux uses per-thread timers, as here),
 * handled on the M's gsignal stack (32 KiB), which the handler unwinds
 * from the signal context's frame pointer and PC.
 *
 * Nothing here is async-signal-safe except pcb_sigctx_frame and
 * pcb_altstack_top, which the handler calls.
 */
#ifndef PCBENCH_SIGPROF_H
#define PCBENCH_SIGPROF_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The legacy MINSIGSTKSZ that old code sizes alternate stacks by (the
 * x86 value; glibc 2.34+ makes the macro a sysconf call). */
#define PCB_LEGACY_MINSIGSTKSZ 2048
/* Alternate stack sizes pcbench accepts: multiples of 64 (so the top,
 * where the kernel puts its 64-byte-aligned xsave area, is aligned the
 * same whatever the size), up to this. */
#define PCB_SIGSTACK_ALIGN 64
#define PCB_SIGSTACK_MAX (1024 * 1024)

/* getauxval(AT_MINSIGSTKSZ): the bytes the kernel's signal frame takes on
 * this CPU (xsave area included); MINSIGSTKSZ where the kernel does not
 * say. */
size_t pcb_sigstack_min(void);

/* An alternate signal stack: `size` usable bytes [lo, lo + size) directly
 * above a PROT_NONE guard page, so an overflow faults instead of writing
 * over other memory. */
struct pcb_altstack {
  unsigned char *map;
  size_t map_bytes;
  unsigned char *lo;
  size_t size;
  stack_t old;      /* the thread's stack before install */
  bool installed;
};

/* Maps one (size > 0, a multiple of 16); 0, PCB_EINVAL or PCB_ENOMEM. */
int pcb_altstack_map(struct pcb_altstack *a, size_t size);
void pcb_altstack_unmap(struct pcb_altstack *a);
/* Makes it the calling thread's alternate signal stack, keeping the one
 * in force; 0 or PCB_ESYS (the kernel refuses sizes below its
 * MINSIGSTKSZ). */
int pcb_altstack_install(struct pcb_altstack *a);
void pcb_altstack_uninstall(struct pcb_altstack *a);
/* Fills it with `pattern`; then the bytes below its top that something
 * wrote since (the deepest byte that differs from the pattern). */
void pcb_altstack_paint(struct pcb_altstack *a, unsigned char pattern);
size_t pcb_altstack_used(const struct pcb_altstack *a, unsigned char pattern);

/* The interrupted context's PC, frame pointer and stack pointer (x86-64:
 * REG_RIP, REG_RBP, REG_RSP; aarch64: pc, x29, sp); false where pcbench
 * does not know the layout.  Async-signal-safe. */
bool pcb_sigctx_frame(const void *uctx, uintptr_t *pc, const void **fp,
                      uintptr_t *sp);

/* A timer on the calling thread's CPU-time clock that sends `signo` to
 * that thread (SIGEV_THREAD_ID) every 1/hz s of its CPU time; 0 or
 * PCB_ESYS.  The kernel checks CPU timers at its scheduler tick, so a
 * rate above CONFIG_HZ is delivered at about CONFIG_HZ. */
int pcb_cputimer_start(timer_t *timer, int signo, long hz);
void pcb_cputimer_stop(timer_t timer);

#endif
