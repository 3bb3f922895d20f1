/*
 * A fiber's stack switches, told to the sanitizers (fiber.c's model): ASan
 * and TSan each keep their own idea of the current stack, and every
 * switch onto a fiber and back -- by return or by an overflow's
 * siglongjmp -- is announced in the order their runtimes require.  In a
 * build without them these do nothing.  Inline, as they were in
 * fiber.c: a call here would add a frame to fiber_entry's, on the fiber
 * itself, and move the stack figures measured on fibers.
 */
#ifndef PCBENCH_FIBER_SAN_H
#define PCBENCH_FIBER_SAN_H

#include <stdbool.h>

#include "fiber_int.h"
#include "instrument.h"

/* Caller side, just before switching onto the fiber. */
static inline void pcb__fiber_san_enter(struct fiber *f)
{
#ifdef PCB_ASAN
  __sanitizer_start_switch_fiber(&f->asan_fake, (const void *)f->lo,
                                 f->hi - f->lo);
#endif
#ifdef PCB_TSAN
  __tsan_switch_to_fiber(f->tsan_self, 0);
#endif
  (void)f;
}

/* Fiber side, first thing on the new stack. */
static inline void pcb__fiber_san_entered(struct fiber *f)
{
#ifdef PCB_ASAN
  __sanitizer_finish_switch_fiber(NULL, &f->asan_caller_lo,
                                  &f->asan_caller_size);
#endif
  (void)f;
}

/* Fiber side (its entry, or the handler), leaving the fiber for good.
 * TSan is told by the caller (san_left) instead when the fiber returns:
 * fiber_entry's own instrumented exit must still pop the fiber's shadow
 * call stack, not the caller's. */
static inline void pcb__fiber_san_leave(struct fiber *f)
{
#ifdef PCB_ASAN
  __sanitizer_start_switch_fiber(NULL, f->asan_caller_lo, f->asan_caller_size);
#endif
  (void)f;
}

/* Caller side, back on its own stack.  After an overflow the handler has
 * already switched TSan back: its siglongjmp interceptor looks for the
 * jump buffer in the caller's state. */
static inline void pcb__fiber_san_left(struct fiber *f, bool overflowed)
{
#ifdef PCB_ASAN
  __sanitizer_finish_switch_fiber(f->asan_fake, NULL, NULL);
#endif
#ifdef PCB_TSAN
  if (!overflowed)
    __tsan_switch_to_fiber(f->tsan_caller, 0);
#endif
  (void)f;
  (void)overflowed;
}

#endif
