/*
 * Stack measurement: what one profiling event costs a task whose stack is
 * small and grows only when it must.
 *
 * Models Go's goroutine stacks: a goroutine starts on 2 KiB and its stack
 * doubles, by copying, when a call would run past its end.  Every byte the
 * profiling path puts on the stack (Go <= 1.22 kept a 32-PC array, 256 B,
 * in mProf_Malloc; 1 KiB at depth 128) is a byte the goroutine cannot use
 * before that doubling.  The three figures of docs/design.md:
 *
 *   stack_bytes      pcb_stack_used: bytes a call uses below its call point.
 *   min_fiber_stack  pcb_min_fiber_stack: the smallest power-of-two fiber
 *                    stack, from 2 KiB, on which the call completes.
 *   headroom_bytes   pcb_fiber_headroom: the most bytes of the task's own
 *                    frames above the call that still let it complete.
 *
 * A fiber is a ucontext on a fresh mmap'd stack whose usable bytes lie
 * directly above a PROT_NONE guard; touching the guard is an overflow,
 * caught and reported instead of killing the process.
 *
 * None of this belongs in a timed path: it maps memory, swaps the SIGSEGV
 * handler and calls fn more than once.  fn must be repeatable: the same
 * call, using the same stack, each time it is called.  These functions are
 * not async-signal-safe.
 *
 * Sanitizers: fibers are announced to ASan and TSan.  Figures under ASan
 * are exact but include its redzones; under TSan they are not exact (its
 * runtime runs on the measured stack, with varying depth), and a fiber
 * must not overflow there, nor under ASan with detect_stack_use_after_return
 * (the overflow would abandon the runtime itself mid-call).
 */
#ifndef PCBENCH_STACKMEASURE_H
#define PCBENCH_STACKMEASURE_H

#include <stdbool.h>
#include <stddef.h>

/* Most bytes pcb_stack_used paints below the call point. */
#define PCB_PAINT_BYTES (64 * 1024)
/* Fiber stack sizes pcb_min_fiber_stack tries: powers of two, this range. */
#define PCB_FIBER_STACK_MIN 2048
#define PCB_FIBER_STACK_MAX (1024 * 1024)
/* Any fiber stack: a multiple of 16 in [PCB_FIBER_SIZE_LOW, _HIGH]. */
#define PCB_FIBER_SIZE_LOW 512
#define PCB_FIBER_SIZE_HIGH (1024 * 1024 * 1024)

typedef void (*pcb_stack_fn)(void *arg);

/*
 * Stores in *used the bytes of stack that fn(arg) touched below the stack
 * pointer at the call into fn (on x86-64 that includes the return address
 * the call pushes).  Paints up to PCB_PAINT_BYTES below the call point --
 * fewer if the thread's stack (the pcb_thread context's bounds, else the
 * pthread's) ends sooner -- calls fn, and finds the deepest byte that
 * changed.  fn is called four times: twice unmeasured (lazy binding,
 * first-use allocations and an unwinder's first walk past a return
 * address are not the steady state; the second through the measured
 * passes' own call), then once per paint pattern (0xA5, 0x5A), keeping
 * the larger figure: a byte fn wrote with the very value of a pattern is
 * invisible to that pattern only.
 *
 * Exact and repeatable for a given build, provided no asynchronous signal
 * handler runs on this stack meanwhile (it would paint over the region and
 * inflate the figure).  0, PCB_EINVAL, PCB_ESYS (stack bounds unknown), or
 * PCB_EOVERFLOW when fn wrote within 4 KiB of the painted region's bottom
 * (so figures up to PCB_PAINT_BYTES - 4 KiB are measurable).
 */
int pcb_stack_used(pcb_stack_fn fn, void *arg, size_t *used);

/*
 * Runs fn(arg) on a fiber stack of exactly stack_size usable bytes (see
 * PCB_FIBER_SIZE_*) and reports whether it touched the guard below them.
 * While fn runs, the calling thread's pcb_thread context (if any) has its
 * stack bounds set to the fiber's, so an unwind inside fn stops at the
 * fiber's top frame -- a goroutine's traceback ends at its own stack too.
 * An overflow abandons fn's frames and returns 0 with *overflowed = true:
 * nothing in them is undone except the context's in-use guard, which is
 * put back as it was, so fn must not overflow while holding a lock (warm
 * a `lazy` thread up before running its events on small fibers).  A fault
 * anywhere else is re-raised under the SIGSEGV disposition in force before
 * the call.  0, PCB_EINVAL, PCB_ENOMEM or PCB_ESYS.
 */
int pcb_fiber_run(size_t stack_size, pcb_stack_fn fn, void *arg,
                  bool *overflowed);

/* pcb_fiber_run below a frame of `pad` bytes (the task's own frames, as
 * pcb_fiber_headroom pads them; pad <= stack_size). */
int pcb_fiber_run_padded(size_t stack_size, size_t pad, pcb_stack_fn fn,
                         void *arg, bool *overflowed);

/* The trial the two searches below run, each size or padding once:
 * pcb_fiber_run_padded unless a caller replaces it -- bench/shipped/
 * runs each trial in a forked process, since an allocator abandoned
 * mid-call by an overflow keeps its locks and its re-entrancy state.
 * Their warm-up run (the largest fiber) always runs in this process. */
typedef int (*pcb_fiber_trial_fn)(size_t stack_size, size_t pad,
                                  pcb_stack_fn fn, void *arg,
                                  bool *overflowed);
extern pcb_fiber_trial_fn pcb_fiber_trial;

/* The smallest power of two from PCB_FIBER_STACK_MIN up to
 * PCB_FIBER_STACK_MAX on which fn completes; PCB_EOVERFLOW if none does.
 * fn runs once on the largest fiber first, unjudged, as it does before
 * pcb_fiber_headroom's search: the figures are the steady state. */
int pcb_min_fiber_stack(pcb_stack_fn fn, void *arg, size_t *min_size);

/*
 * The most padding bytes, a multiple of 16, that a frame between the
 * fiber's entry and fn can hold (and touch) while fn still completes on a
 * stack_size fiber.  The fiber's own fixed frames are not counted.
 * PCB_EOVERFLOW if fn overflows even with no padding.
 */
int pcb_fiber_headroom(size_t stack_size, pcb_stack_fn fn, void *arg,
                       size_t *headroom);

/* For tests.  Bytes a fiber's entry fills before it has completed the
 * switch onto the fiber, as a lazily bound first call there would: an
 * overflow that early must still be caught.  0 outside tests. */
extern size_t pcb__fiber_prologue_bytes;

/* For tests: the size of this thread's last fiber run's alternate signal
 * stack, and the most of it a signal handler used (0 if none ran). */
void pcb__fiber_altstack_use(size_t *size, size_t *peak);

#endif
