/*
 * Private to core/: what the memory checkers must be told when pcbench does
 * what ordinary code does not -- write and read below the stack pointer
 * (stack painting), run on stacks of its own (fibers), and leave a stack by
 * siglongjmp out of a signal handler (fiber overflow).
 *
 * ASan and TSan are told through their fiber interfaces; valgrind through
 * its client requests, which are a few no-op instructions when not running
 * under it, and plain no-ops if its headers are missing.  PCB_NO_SANITIZE
 * marks the few functions that must touch memory the compiler believes is
 * dead; everything fn does stays instrumented.
 */
#ifndef PCBENCH_CORE_INSTRUMENT_H
#define PCBENCH_CORE_INSTRUMENT_H

#include <stdint.h>

#include "pcbench/arch.h"

#if defined(__SANITIZE_ADDRESS__)
#define PCB_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define PCB_TSAN 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PCB_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define PCB_TSAN 1
#endif
#endif

#ifdef PCB_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef PCB_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define PCB_HAVE_VALGRIND 1
#endif
#endif
#ifndef PCB_HAVE_VALGRIND
#define VALGRIND_MAKE_MEM_NOACCESS(a, n) ((void)(a), (void)(n))
#define VALGRIND_MAKE_MEM_UNDEFINED(a, n) ((void)(a), (void)(n))
#define VALGRIND_MAKE_MEM_DEFINED(a, n) ((void)(a), (void)(n))
#define VALGRIND_STACK_REGISTER(lo, hi) ((void)(lo), (void)(hi), 0u)
#define VALGRIND_STACK_DEREGISTER(id) ((void)(id))
#endif

#define PCB_NO_SANITIZE __attribute__((no_sanitize("address", "thread")))

/* The stack pointer, read where this is expanded (always inlined). */
static inline __attribute__((always_inline)) uintptr_t pcb__sp(void)
{
  return pcb_arch_sp();
}

#endif
