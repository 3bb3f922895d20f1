/*
 * Internal to the fiber (fiber.c, fiber_signal.c, fiber_san.h): one
 * fiber's state and its overflow handler.
 */
#ifndef PCBENCH_FIBER_INT_H
#define PCBENCH_FIBER_INT_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <ucontext.h>

#include "instrument.h"
#include "pcbench/stackmeasure.h"

struct fiber {
  char *map;             /* guard, then stack */
  size_t map_len;
  uintptr_t lo, hi;      /* usable stack [lo, hi); the guard is [map, lo) */
  size_t pad;            /* bytes the padding frame holds above fn */
  pcb_stack_fn fn;
  void *arg;
  ucontext_t caller, self;
  sigjmp_buf overflow;   /* where the handler lands on a guard hit */
  volatile sig_atomic_t entered;  /* the switch onto the fiber completed */
  struct fiber *outer;   /* the fiber this thread was running before */
  unsigned vg_stack;     /* valgrind's id for [lo, hi) */
#ifdef PCB_ASAN
  void *asan_fake;
  const void *asan_caller_lo;
  size_t asan_caller_size;
#endif
#ifdef PCB_TSAN
  void *tsan_caller, *tsan_self;
#endif
};

/* fiber_signal.c: the fiber this thread runs (innermost), the SIGSEGV
 * handler held while any thread runs one, and a run's alternate stack. */
extern __thread struct fiber *pcb__fiber_running;
int pcb__fiber_handler_acquire(void);
void pcb__fiber_handler_release(void);
struct altstack {
  unsigned char *mem;
  size_t size;
  stack_t prev;
};
int pcb__fiber_altstack_push(struct altstack *as);
/* Records how deep a handler reached (0 if none ran) before unmapping. */
void pcb__fiber_altstack_pop(struct altstack *as);

#endif
