/*
 * stack_bytes (docs/design.md): how much stack one call uses, found by painting.
 *
 * Models the question a Go goroutine's stack answers for every call: the
 * stack starts at 2 KiB and doubles by copying when a call would run past
 * its end, so the bytes the profiling path puts below the event site are
 * what forces the first doubling.  The figure is measured, not read from
 * the compiler: paint the stack below the call point, make the call, find
 * the deepest byte that changed.  (The fiber figures are in core/fiber.c.)
 *
 * Invariants:
 *  - The reference point is the stack pointer at the call into fn, read in
 *    measure_pass, the function that makes the call.  Its frame is fixed
 *    (no alloca, no stack arguments) and it calls nothing between painting
 *    and fn, so below that point only fn and its callees write.  The point
 *    is read again just before the call, and a mismatch is an error rather
 *    than a figure.
 *  - The painter paints below its own frame only, [lo, sp), with volatile
 *    byte stores that the compiler may neither drop nor turn into a memset
 *    call (a call would itself write below sp).
 *  - The region lies inside the thread's stack, at most PCB_PAINT_BYTES,
 *    and is faulted in first by an alloca that carries the stack pointer
 *    over it: the main thread's stack grows only on demand, and valgrind
 *    only extends it close to the stack pointer.
 *  - The region's lowest TRIPWIRE bytes only detect: a change there means
 *    fn may have gone below the region, and gives PCB_EOVERFLOW.  Stack
 *    is written frame by frame, so a deeper call leaves a write there
 *    unless one frame holds over TRIPWIRE bytes it never writes.
 *  - fn runs once unmeasured first: its first call may bind PLT slots
 *    lazily (the dynamic linker's resolver alone takes over 1 KiB of
 *    stack) or allocate; the figure is the steady state.  And it runs
 *    once more through the very call of the measured passes, discarded:
 *    an unwinder that caches what it learns per return address
 *    (libunwind) takes a deeper path the first time it meets one, so the
 *    passes' own return addresses must not be new to it (the process's
 *    first measured event under libunwind took 1.7 KiB more than the
 *    same event measured again).  So the passes share one call site: a
 *    loop the compiler cannot unroll.
 *  - Collisions: a byte counts as changed only if it differs from the
 *    pattern, so a write of the pattern's own value is invisible.  Two
 *    passes with complementary patterns (0xA5, 0x5A), keeping the larger
 *    figure, leave the deepest write invisible only if it equals both.
 *  - Checkers: the painter is not instrumented by ASan or TSan (it touches
 *    memory they consider dead); valgrind's memcheck is told that the
 *    region is addressable while it is painted and defined while scanned.
 */
#include <stdint.h>

#include "instrument.h"
#include "pcbench/error.h"
#include "pcbench/stackmeasure.h"
#include "pcbench/thread.h"

enum {
  PATTERN_A = 0xA5,
  PATTERN_B = 0x5A,
  FLOOR_MARGIN = 256,   /* bytes above the stack's low bound left unpainted */
  PREFAULT_BELOW = 128, /* the prefault reaches this far below the region */
  TRIPWIRE = 4096,      /* a write this close to the region's bottom may
                           have a deeper one below it: no figure */
  MIN_REGION = TRIPWIRE + 512,
};

/* One painting pass. */
struct pass {
  uintptr_t lo;          /* lowest painted byte */
  unsigned char pattern;
  size_t used;           /* bytes below the call point that changed */
  bool bottom;           /* fn wrote in the tripwire: it may have gone deeper */
  bool moved;            /* the stack pointer moved inside measure_pass */
};

/* Bounds of the stack this thread runs on now, which must contain sp: the
 * registered context's (they follow fibers), else the pthread's. */
static int current_bounds(uintptr_t sp, struct pcb_stack_bounds *b)
{
  struct pcb_thread *t = pcb_thread_self();

  if (t != NULL && sp > t->stack.lo && sp <= t->stack.hi) {
    *b = t->stack;
    return 0;
  }
  if (pcb_thread_stack_bounds(b) != 0)
    return PCB_ESYS;
  return sp > b->lo && sp <= b->hi ? 0 : PCB_ESYS;
}

/* Carries the stack pointer down below `lo`, touching each page on the way
 * from above, so the region below exists before it is painted. */
PCB_NO_SANITIZE __attribute__((noinline)) static void prefault(uintptr_t lo)
{
  uintptr_t here = pcb__sp();
  volatile unsigned char *p;
  size_t n;

  if (here <= lo + 64)
    return;
  n = here - lo - 64;  /* alloca may round up: keep its bottom above lo */
  p = __builtin_alloca(n);
  for (size_t i = n; i >= 1024; i -= 1024)
    p[i - 1] = 0;
  p[0] = 0;
  __asm__ volatile("" : : "r"(p) : "memory");
}

/* Paints [ps->lo, sp), calls fn, finds the deepest changed byte.  noinline
 * so that its frame, and so the call point, is the same on every pass. */
PCB_NO_SANITIZE __attribute__((noinline)) static void
measure_pass(pcb_stack_fn fn, void *arg, struct pass *ps)
{
  const uintptr_t sp = pcb__sp();  /* the call point */
  const unsigned char pat = ps->pattern;
  volatile unsigned char *const lo = (volatile unsigned char *)ps->lo;
  volatile unsigned char *const end = (volatile unsigned char *)sp;
  volatile unsigned char *p;

  VALGRIND_MAKE_MEM_UNDEFINED(ps->lo, sp - ps->lo);
  for (p = lo; p < end; p++)
    *p = pat;
  ps->moved = pcb__sp() != sp;
  fn(arg);
  VALGRIND_MAKE_MEM_DEFINED(ps->lo, sp - ps->lo);
  for (p = lo; p < end && *p == pat; p++)
    continue;
  VALGRIND_MAKE_MEM_NOACCESS(ps->lo, sp - ps->lo);
  ps->used = (size_t)(end - p);
  ps->bottom = p < lo + TRIPWIRE;
}

int pcb_stack_used(pcb_stack_fn fn, void *arg, size_t *used)
{
  const uintptr_t here = pcb__sp();
  struct pcb_stack_bounds b;
  struct pass ps[3];  /* a warm-up, then the two patterns */
  uintptr_t lo;
  int err, npass;

  if (fn == NULL || used == NULL)
    return PCB_EINVAL;
  err = current_bounds(here, &b);
  if (err)
    return err;
  if (here - b.lo < FLOOR_MARGIN + MIN_REGION)
    return PCB_EOVERFLOW;  /* no room left on this stack to measure in */
  lo = here - b.lo > FLOOR_MARGIN + PCB_PAINT_BYTES ? here - PCB_PAINT_BYTES
                                                    : b.lo + FLOOR_MARGIN;
  fn(arg);  /* warm-up: lazy PLT binding, first-use allocations */
  prefault(lo - PREFAULT_BELOW);
  npass = 3;
  __asm__("" : "+r"(npass));  /* a count the compiler cannot unroll by */
  for (int i = 0; i < npass; i++) {
    ps[i] = (struct pass){ .lo = lo, .pattern = i < 2 ? PATTERN_A
                                                      : PATTERN_B };
    measure_pass(fn, arg, &ps[i]);  /* the passes' one call site */
  }
  if (ps[1].moved || ps[2].moved)
    return PCB_ESYS;  /* the build broke the fixed-frame invariant */
  if (ps[1].bottom || ps[2].bottom)
    return PCB_EOVERFLOW;
  *used = ps[1].used > ps[2].used ? ps[1].used : ps[2].used;
  return 0;
}
