/*
 * A fiber's overflow, caught (fiber.c's model): the SIGSEGV handler,
 * installed while any thread runs a fiber, and the alternate signal stack
 * it runs on, one per run, sized from the kernel's signal frame on this
 * CPU.  A fault in the guard of the fiber running on this thread jumps
 * back into pcb_fiber_run; any other puts the old disposition back.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fiber_int.h"
#include "fiber_san.h"
#include "instrument.h"
#include "pcbench/error.h"
#include "pcbench/stackmeasure.h"

/* What on_segv needs of the alternate stack beyond the kernel's signal
 * frame: its own frames (sigaction, siglongjmp), and in a sanitizer build
 * the runtime's interceptors and fiber calls, which run there too. */
#if defined(PCB_ASAN) || defined(PCB_TSAN)
enum { HANDLER_BYTES = 32 * 1024 };
#else
enum { HANDLER_BYTES = 8 * 1024 };
#endif

__thread struct fiber *pcb__fiber_running;  /* this thread's, innermost */

static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;
static int handler_users;
static struct sigaction handler_prev;

static void on_segv(int sig, siginfo_t *si, void *uctx)
{
  struct fiber *f = pcb__fiber_running;
  uintptr_t addr = (uintptr_t)si->si_addr;

  (void)uctx;
  if (f != NULL && si->si_code > 0 && addr >= (uintptr_t)f->map &&
      addr < f->lo) {
    /* An overflow before fiber_entry finished the switch (its first
     * frames alone overran the stack): finish it here, so that the switch
     * back is one the sanitizers can start. */
    if (!f->entered)
      pcb__fiber_san_entered(f);
    pcb__fiber_san_leave(f);
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

int pcb__fiber_handler_acquire(void)
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

void pcb__fiber_handler_release(void)
{
  pthread_mutex_lock(&handler_lock);
  if (--handler_users == 0)
    sigaction(SIGSEGV, &handler_prev, NULL);
  pthread_mutex_unlock(&handler_lock);
}

/* The alternate signal stack: the kernel's signal frame, whose size
 * follows the CPU's xsave state (AT_MINSIGSTKSZ: about 3.5 KiB with
 * AVX-512, under 2 KiB without), once more for a first call the handler
 * might make through a lazily bound symbol of a library (the dynamic
 * linker's resolver saves the whole xsave state too), and the handler's
 * own needs.  Never less than the C library's SIGSTKSZ. */
static size_t altstack_bytes(void)
{
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  long frame = (long)getauxval(AT_MINSIGSTKSZ);
  long lib = sysconf(_SC_SIGSTKSZ);
  size_t need;

  if (frame <= 0)
    frame = sysconf(_SC_MINSIGSTKSZ);
  if (frame <= 0)
    frame = 2048;  /* the historical MINSIGSTKSZ */
  need = 2 * (size_t)frame + HANDLER_BYTES;
  if (lib > 0 && (size_t)lib > need)
    need = (size_t)lib;
  return (need + page - 1) / page * page;
}

/* The last run's alternate stack on this thread, for tests. */
static __thread size_t altstack_last_size, altstack_last_peak;

enum { ALTSTACK_PAINT = 0xA5 };

int pcb__fiber_altstack_push(struct altstack *as)
{
  stack_t ss;

  as->size = altstack_bytes();
  as->mem = mmap(NULL, as->size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (as->mem == MAP_FAILED)
    return PCB_ENOMEM;
  memset(as->mem, ALTSTACK_PAINT, as->size);
  ss = (stack_t){ .ss_sp = as->mem, .ss_size = as->size };
  if (sigaltstack(&ss, &as->prev) != 0) {
    munmap(as->mem, as->size);
    return PCB_ESYS;
  }
  return 0;
}

/* Records how deep a handler reached (0 if none ran) before unmapping. */
PCB_NO_SANITIZE void pcb__fiber_altstack_pop(struct altstack *as)
{
  size_t low = 0;

  sigaltstack(&as->prev, NULL);
  /* memcheck marks a handler's frames unaddressable once it has left
   * them; the bytes are ours to read back. */
  VALGRIND_MAKE_MEM_DEFINED(as->mem, as->size);
  while (low < as->size && as->mem[low] == ALTSTACK_PAINT)
    low++;
  altstack_last_size = as->size;
  altstack_last_peak = as->size - low;
  munmap(as->mem, as->size);
}

void pcb__fiber_altstack_use(size_t *size, size_t *peak)
{
  *size = altstack_last_size;
  *peak = altstack_last_peak;
}
