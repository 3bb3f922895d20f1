/*
 * Fibers: Go's goroutine stacks as small fixed stacks over a guard.
 *
 * Model: a goroutine starts on a 2 KiB stack, and when a call would run
 * past its end the runtime doubles the stack by copying.  C stacks cannot
 * be copied, so pcbench asks what the runtime would find out: on a stack of
 * N bytes, does the call complete, or would it have forced a doubling?  The
 * profiling path's stack use is what forces it; min_fiber_stack and
 * headroom_bytes are that consequence, measured.
 *
 * A fiber is a ucontext on a fresh mapping (page size P):
 *     [map, lo)       guard, PROT_NONE, GUARD_PAGES pages
 *     [lo, lo + N)    the fiber's usable stack; its initial sp is lo + N
 *     [lo + N, end)   the rest of the last page, never used: the stack grows
 *                     down and nothing on a fiber lies above its initial sp
 * so the usable bytes are exactly N for any N, a page or less included: the
 * guard starts at the first byte below them and there is no slack to watch.
 * The guard is several pages, not one, so that a frame larger than a page
 * cannot step over it (stack clash); a single frame larger than the whole
 * guard still could, and is the caller's to avoid.
 *
 * An overflow is a fault in the guard.  The SIGSEGV handler runs on an
 * alternate signal stack (the fiber's own has just run out), recognises an
 * address in the guard of the fiber running on this thread, and
 * siglongjmps back into pcb_fiber_run; fn's frames are abandoned.
 *
 * Invariants:
 *  - While fn runs, the thread's pcb_thread (if any) has the fiber's stack
 *    bounds, and the fiber's outermost frame has a zero frame pointer: an
 *    unwind inside fn stops at the fiber's top, as a goroutine's traceback
 *    ends at its own stack.  The old bounds come back on every exit path.
 *  - An overflow abandons fn's frames mid-call.  The thread's in-use guard
 *    (Go's acquirem), which an abandoned event may hold, is put back as it
 *    was before the run -- else every later event on the thread would be
 *    refused as nested -- and a shared buffer's try-lock that it holds
 *    (pcb_thread.held) is released, else the buffer is lost for good.
 *    Nothing else can be undone: fn must not overflow while holding any
 *    other lock (a cold first event that calls malloc, say).
 *  - The handler is installed while any thread runs a fiber (a count under
 *    a mutex); the disposition found before comes back when the last one
 *    leaves.  A fault outside the running fiber's guard puts that
 *    disposition back at once and faults again under it.
 *  - Each run has its own alternate signal stack, sized from the kernel's
 *    signal-frame size on this CPU (fiber_signal.c), not from a constant;
 *    the thread's previous one comes back afterwards.  Runs nest (fn may
 *    run a fiber).
 *  - An overflow may arrive before the fiber has finished its switch (its
 *    first frames alone overrun the stack): the handler completes the
 *    switch for the sanitizers before it starts the one back.
 *  - Nothing is bound lazily on a fiber: the project links with -z now
 *    (CMakeLists.txt).  The dynamic linker's resolver saves the CPU's whole
 *    xsave state on the stack it runs on -- several KiB with AVX-512 --
 *    so a lazily bound first call would cost a fiber more stack on one
 *    CPU model than another, and a goroutine has no such cost to model.
 *  - ASan, TSan and valgrind are told of every stack switch (fiber_san.h);
 *    the mapping's ASan shadow is cleared before unmapping (an overflow
 *    leaves redzones).
 *
 * The overflow handler and its alternate stack are fiber_signal.c's, the
 * sanitizer hand-offs fiber_san.h's, the fiber's state fiber_int.h's.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "fiber_int.h"
#include "fiber_san.h"
#include "instrument.h"
#include "pcbench/arch.h"
#include "pcbench/error.h"
#include "pcbench/stackmeasure.h"
#include "pcbench/thread.h"

enum { GUARD_PAGES = 16 };

size_t pcb__fiber_prologue_bytes;

static void fiber_unmap(struct fiber *f)
{
  VALGRIND_STACK_DEREGISTER(f->vg_stack);
#ifdef PCB_ASAN
  ASAN_UNPOISON_MEMORY_REGION(f->map, f->map_len);
#endif
#ifdef PCB_TSAN
  __tsan_destroy_fiber(f->tsan_self);
#endif
  munmap(f->map, f->map_len);
}

/* Maps guard + stack.  The mapping is made writable and the guard then
 * closed (not the other way round): memcheck ignores mprotect, and must
 * see the stack as addressable. */
static int fiber_map(struct fiber *f, size_t stack_size)
{
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t guard = GUARD_PAGES * page;

  f->map_len = guard + (stack_size + page - 1) / page * page;
  f->map = mmap(NULL, f->map_len, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (f->map == MAP_FAILED)
    return PCB_ENOMEM;
  if (mprotect(f->map, guard, PROT_NONE) != 0) {
    munmap(f->map, f->map_len);
    return PCB_ESYS;
  }
  f->lo = (uintptr_t)f->map + guard;
  f->hi = f->lo + stack_size;
  f->vg_stack = VALGRIND_STACK_REGISTER(f->lo, f->hi);
#ifdef PCB_TSAN
  f->tsan_caller = __tsan_get_current_fiber();
  f->tsan_self = __tsan_create_fiber(0);
#endif
  return 0;
}

/* The task's own frames above fn: `pad` bytes, touched from the top down
 * so that padding which does not fit faults in the guard, never below it.
 * Not instrumented, so that ASan adds no redzones to the padding. */
PCB_NO_SANITIZE __attribute__((noinline)) static void fiber_pad(struct fiber *f)
{
  volatile unsigned char *p = __builtin_alloca(f->pad);

  for (size_t i = f->pad; i > 0; i--)
    p[i - 1] = 0;
  f->fn(f->arg);
  __asm__ volatile("" : : "r"(p) : "memory");  /* live across fn: no tail call */
}

/* The test hook pcb__fiber_prologue_bytes: frames that fill the fiber
 * before fiber_entry has told the sanitizers the switch is complete, as a
 * lazily bound first call there would.  Touched from the top down, like
 * the padding. */
PCB_NO_SANITIZE __attribute__((noinline)) static void fiber_prologue(size_t n)
{
  volatile unsigned char *p = __builtin_alloca(n);

  for (size_t i = n; i > 0; i--)
    p[i - 1] = 0;
  __asm__ volatile("" : : "r"(p) : "memory");
}

/* Returns into glibc's __start_context, which resumes uc_link (the caller)
 * with a direct call, rather than calling setcontext through the PLT:
 * a library linked without -z now could still bind it lazily, and the
 * resolver alone can overflow a small fiber. */
static void fiber_entry(void)
{
  struct fiber *f = pcb__fiber_running;

  if (pcb__fiber_prologue_bytes != 0)
    fiber_prologue(pcb__fiber_prologue_bytes);
  pcb__fiber_san_entered(f);
  f->entered = 1;
  fiber_pad(f);
  pcb__fiber_san_leave(f);
}

static int fiber_context(struct fiber *f)
{
  if (getcontext(&f->self) != 0)
    return PCB_ESYS;
  f->self.uc_stack.ss_sp = (void *)f->lo;
  f->self.uc_stack.ss_size = f->hi - f->lo;
  f->self.uc_link = &f->caller;
  makecontext(&f->self, fiber_entry, 0);
  /* The outermost frame's saved frame pointer: 0 ends an unwind there. */
  PCB_ARCH_UCONTEXT_FP(&f->self) = 0;
  return 0;
}

/* 1 if the fiber overflowed, 0 if fn returned, PCB_ESYS if no switch. */
__attribute__((noinline)) static int fiber_switch(struct fiber *f)
{
  if (sigsetjmp(f->overflow, 1) != 0) {
    pcb__fiber_san_left(f, true);
    return 1;
  }
  pcb__fiber_san_enter(f);
  if (swapcontext(&f->caller, &f->self) != 0) {
    pcb__fiber_san_left(f, false);
    return PCB_ESYS;
  }
  pcb__fiber_san_left(f, false);
  return 0;
}

/* Runs fn on a fresh stack_size fiber below a `pad`-byte frame. */
int pcb_fiber_run_padded(size_t stack_size, size_t pad, pcb_stack_fn fn,
                            void *arg, bool *overflowed)
{
  struct fiber f = { .fn = fn, .arg = arg, .pad = pad };
  struct pcb_thread *t = pcb_thread_self();
  struct pcb_stack_bounds saved = { 0, 0 };
  sig_atomic_t in_use = 0;
  atomic_uint *held = NULL;
  struct altstack as;
  int rc;

  if (fn == NULL || overflowed == NULL || stack_size % 16 != 0 ||
      stack_size < PCB_FIBER_SIZE_LOW || stack_size > PCB_FIBER_SIZE_HIGH ||
      pad > stack_size)
    return PCB_EINVAL;
  rc = fiber_map(&f, stack_size);
  if (rc)
    return rc;
  rc = pcb__fiber_altstack_push(&as);
  if (rc)
    goto out_unmap_fiber;
  rc = pcb__fiber_handler_acquire();
  if (rc)
    goto out_pop_altstack;
  rc = fiber_context(&f);
  if (rc)
    goto out_release_handler;
  if (t != NULL) {
    saved = t->stack;
    in_use = t->in_use;
    held = t->held;
    t->stack = (struct pcb_stack_bounds){ f.lo, f.hi };
  }
  f.outer = pcb__fiber_running;
  pcb__fiber_running = &f;
  rc = fiber_switch(&f);
  pcb__fiber_running = f.outer;
  if (t != NULL) {
    t->stack = saved;
    if (rc == 1)
      t->in_use = in_use;  /* an abandoned event may have held the guard */
    /* ... or a shared buffer: the innermost one only.  An abandoned
     * event whose own nested event (a signal) also held one would leave
     * the outer buffer claimed; pcbench raises no signal on a fiber. */
    if (rc == 1 && t->held != held) {
      atomic_store_explicit(t->held, 0, memory_order_release);
      t->held = held;
    }
  }
  if (rc >= 0) {
    *overflowed = rc == 1;
    rc = 0;
  }
out_release_handler:
  pcb__fiber_handler_release();
out_pop_altstack:
  pcb__fiber_altstack_pop(&as);
out_unmap_fiber:
  fiber_unmap(&f);
  return rc;
}

int pcb_fiber_run(size_t stack_size, pcb_stack_fn fn, void *arg,
                  bool *overflowed)
{
  return pcb_fiber_run_padded(stack_size, 0, fn, arg, overflowed);
}

pcb_fiber_trial_fn pcb_fiber_trial = pcb_fiber_run_padded;

/* One run of fn on the largest fiber, its outcome ignored, before a
 * search: fn's first run on a fiber may take a deeper path than the ones
 * after it -- an unwinder that caches what it learns per return address
 * (libunwind) meets the fiber's own frames for the first time -- and a
 * search that overflowed there would be abandoned before anything was
 * learnt, and find a fiber too large.  The figures are the steady state,
 * as pcb_stack_used's are. */
static int warm(pcb_stack_fn fn, void *arg)
{
  bool over;

  return pcb_fiber_run_padded(PCB_FIBER_STACK_MAX, 0, fn, arg, &over);
}

int pcb_min_fiber_stack(pcb_stack_fn fn, void *arg, size_t *min_size)
{
  int rc;

  if (min_size == NULL)
    return PCB_EINVAL;
  if ((rc = warm(fn, arg)) != 0)
    return rc;
  for (size_t size = PCB_FIBER_STACK_MIN; size <= PCB_FIBER_STACK_MAX;
       size *= 2) {
    bool over;
    int rc = pcb_fiber_trial(size, 0, fn, arg, &over);

    if (rc)
      return rc;
    if (!over) {
      *min_size = size;
      return 0;
    }
  }
  return PCB_EOVERFLOW;
}

/* Binary search over the padding in 16-byte steps.  Invariant: a pad of
 * `fits` completes and one of `fails` overflows.  A pad as large as the
 * stack cannot fit beside the fiber's own frames, so it starts as `fails`
 * without a run. */
int pcb_fiber_headroom(size_t stack_size, pcb_stack_fn fn, void *arg,
                       size_t *headroom)
{
  size_t fits = 0, fails = stack_size;
  bool over;
  int rc;

  if (headroom == NULL)
    return PCB_EINVAL;
  if ((rc = warm(fn, arg)) != 0)
    return rc;
  rc = pcb_fiber_trial(stack_size, 0, fn, arg, &over);
  if (rc)
    return rc;
  if (over)
    return PCB_EOVERFLOW;
  while (fails - fits > 16) {
    size_t mid = fits + (fails - fits) / 32 * 16;

    rc = pcb_fiber_trial(stack_size, mid, fn, arg, &over);
    if (rc)
      return rc;
    if (over)
      fails = mid;
    else
      fits = mid;
  }
  *headroom = fits;
  return 0;
}
