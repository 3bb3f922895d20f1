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
 *  - Each run has its own alternate signal stack; the thread's previous one
 *    comes back afterwards.  Runs nest (fn may run a fiber).
 *  - ASan, TSan and valgrind are told of every stack switch; the mapping's
 *    ASan shadow is cleared before unmapping (an overflow leaves redzones).
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "instrument.h"
#include "pcbench/error.h"
#include "pcbench/stackmeasure.h"
#include "pcbench/thread.h"

enum { GUARD_PAGES = 16, ALTSTACK_BYTES = 64 * 1024 };

struct fiber {
  char *map;             /* guard, then stack */
  size_t map_len;
  uintptr_t lo, hi;      /* usable stack [lo, hi); the guard is [map, lo) */
  size_t pad;            /* bytes the padding frame holds above fn */
  pcb_stack_fn fn;
  void *arg;
  ucontext_t caller, self;
  sigjmp_buf overflow;   /* where the handler lands on a guard hit */
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

static __thread struct fiber *running;

static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;
static int handler_users;
static struct sigaction handler_prev;

/* Caller side, just before switching onto the fiber. */
static void san_enter(struct fiber *f)
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
static void san_entered(struct fiber *f)
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
static void san_leave(struct fiber *f)
{
#ifdef PCB_ASAN
  __sanitizer_start_switch_fiber(NULL, f->asan_caller_lo, f->asan_caller_size);
#endif
  (void)f;
}

/* Caller side, back on its own stack.  After an overflow the handler has
 * already switched TSan back: its siglongjmp interceptor looks for the
 * jump buffer in the caller's state. */
static void san_left(struct fiber *f, bool overflowed)
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

static void on_segv(int sig, siginfo_t *si, void *uctx)
{
  struct fiber *f = running;
  uintptr_t addr = (uintptr_t)si->si_addr;

  (void)uctx;
  if (f != NULL && si->si_code > 0 && addr >= (uintptr_t)f->map &&
      addr < f->lo) {
    san_leave(f);
#ifdef PCB_TSAN
    __tsan_switch_to_fiber(f->tsan_caller, 0);
#endif
    siglongjmp(f->overflow, 1);
  }
  /* Not ours: the fault recurs on return, under the old disposition; a
   * SIGSEGV sent by kill() is sent again (blocked until we return). */
  sigaction(sig, &handler_prev, NULL);
  if (si->si_code <= 0)
    raise(sig);
}

static int handler_acquire(void)
{
  struct sigaction sa = { .sa_sigaction = on_segv,
                          .sa_flags = SA_SIGINFO | SA_ONSTACK };
  int err = 0;

  sigemptyset(&sa.sa_mask);
  pthread_mutex_lock(&handler_lock);
  if (handler_users == 0 && sigaction(SIGSEGV, &sa, &handler_prev) != 0)
    err = PCB_ESYS;
  else
    handler_users++;
  pthread_mutex_unlock(&handler_lock);
  return err;
}

static void handler_release(void)
{
  pthread_mutex_lock(&handler_lock);
  if (--handler_users == 0)
    sigaction(SIGSEGV, &handler_prev, NULL);
  pthread_mutex_unlock(&handler_lock);
}

struct altstack {
  void *mem;
  stack_t prev;
};

static int altstack_push(struct altstack *as)
{
  stack_t ss = { .ss_size = ALTSTACK_BYTES };

  as->mem = mmap(NULL, ALTSTACK_BYTES, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (as->mem == MAP_FAILED)
    return PCB_ENOMEM;
  ss.ss_sp = as->mem;
  if (sigaltstack(&ss, &as->prev) != 0) {
    munmap(as->mem, ALTSTACK_BYTES);
    return PCB_ESYS;
  }
  return 0;
}

static void altstack_pop(struct altstack *as)
{
  sigaltstack(&as->prev, NULL);
  munmap(as->mem, ALTSTACK_BYTES);
}

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

/* Returns into glibc's __start_context, which resumes uc_link (the caller)
 * with a direct call.  Calling setcontext here instead would go through
 * the PLT, and its first, lazily bound call needs over 1 KiB of stack for
 * the dynamic linker's resolver: on a small fiber that alone overflows. */
static void fiber_entry(void)
{
  struct fiber *f = running;

  san_entered(f);
  fiber_pad(f);
  san_leave(f);
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
#if defined(__x86_64__)
  f->self.uc_mcontext.gregs[REG_RBP] = 0;
#elif defined(__aarch64__)
  f->self.uc_mcontext.regs[29] = 0;
#endif
  return 0;
}

/* 1 if the fiber overflowed, 0 if fn returned, PCB_ESYS if no switch. */
__attribute__((noinline)) static int fiber_switch(struct fiber *f)
{
  if (sigsetjmp(f->overflow, 1) != 0) {
    san_left(f, true);
    return 1;
  }
  san_enter(f);
  if (swapcontext(&f->caller, &f->self) != 0) {
    san_left(f, false);
    return PCB_ESYS;
  }
  san_left(f, false);
  return 0;
}

/* Runs fn on a fresh stack_size fiber below a `pad`-byte frame. */
static int fiber_run_padded(size_t stack_size, size_t pad, pcb_stack_fn fn,
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
  rc = altstack_push(&as);
  if (rc)
    goto out_unmap_fiber;
  rc = handler_acquire();
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
  f.outer = running;
  running = &f;
  rc = fiber_switch(&f);
  running = f.outer;
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
  handler_release();
out_pop_altstack:
  altstack_pop(&as);
out_unmap_fiber:
  fiber_unmap(&f);
  return rc;
}

int pcb_fiber_run(size_t stack_size, pcb_stack_fn fn, void *arg,
                  bool *overflowed)
{
  return fiber_run_padded(stack_size, 0, fn, arg, overflowed);
}

int pcb_min_fiber_stack(pcb_stack_fn fn, void *arg, size_t *min_size)
{
  if (min_size == NULL)
    return PCB_EINVAL;
  for (size_t size = PCB_FIBER_STACK_MIN; size <= PCB_FIBER_STACK_MAX;
       size *= 2) {
    bool over;
    int rc = pcb_fiber_run(size, fn, arg, &over);

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
  rc = fiber_run_padded(stack_size, 0, fn, arg, &over);
  if (rc)
    return rc;
  if (over)
    return PCB_EOVERFLOW;
  while (fails - fits > 16) {
    size_t mid = fits + (fails - fits) / 32 * 16;

    rc = fiber_run_padded(stack_size, mid, fn, arg, &over);
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
