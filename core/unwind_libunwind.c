/*
 * libunwind's unw_backtrace() behind the unwinder interface: DWARF
 * call-frame information read by the nongnu libunwind (Debian
 * libunwind-dev), the unwinder gperftools and many profilers link.  Its
 * local fast path caches a recipe per return address, so a warm walk is
 * cheaper than libgcc's; it is still table-driven, and the yardstick for
 * when the unwind, not the buffer's placement, is what an event costs.
 *
 * Loaded with dlopen(RTLD_LOCAL), not linked.  libunwind.so also defines
 * _Unwind_Backtrace and the rest of the _Unwind_* ABI, and a weak
 * backtrace(); linked into the program it comes before libgcc_s and libc
 * in symbol lookup and takes their place, so the `backtrace` and `libgcc`
 * unwinders -- and C++ exception unwinding -- would silently become
 * libunwind (test_unwinders checks that they have not).  Loaded locally
 * its symbols serve only the pointer fetched here.  The file loaded is
 * the one pkg-config names (PCB_LIBUNWIND_PATH, set by CMake), not a
 * soname search: LLVM's unrelated libunwind.so.1 may sit beside it.
 *
 * Like backtrace() it starts where it is called: it walks into the
 * strategy's buffer, using the slack beyond depth for our frames and the
 * skipped ones, and keeps the PCs from the anchor frame on
 * (unwind_anchor.h), so skip, depth and truncation mean what they mean
 * for the frame-pointer walk.  The stack bounds are not used; the walk
 * ends where the call-frame information ends.
 *
 * First use is not signal-safe: it loads the library (dlopen allocates
 * and takes the loader lock), and libunwind finds the unwind tables with
 * dl_iterate_phdr.  After that, libunwind documents local unwinding as
 * safe in a signal handler.  If the library cannot be loaded, the walk
 * captures nothing (the correctness check then fails every event) and
 * one line on stderr says why.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "pcbench/unwind.h"
#include "unwind_anchor.h"

typedef int (*backtrace_fn)(void **buffer, int size);

/* The prototype the pointer is fetched for must be libunwind's own.  The
 * operand of _Generic is not evaluated: no reference to link against. */
_Static_assert(_Generic(&unw_backtrace, backtrace_fn: 1, default: 0),
               "unw_backtrace is not int (void **, int)");

static pthread_once_t loaded = PTHREAD_ONCE_INIT;
static backtrace_fn walk;  /* written once, under `loaded` */

static void load(void)
{
  void *lib = dlopen(PCB_LIBUNWIND_PATH, RTLD_NOW | RTLD_LOCAL);

  if (lib != NULL)
    *(void **)&walk = dlsym(lib, "unw_backtrace");
  if (walk == NULL)
    fprintf(stderr, "pcbench: libunwind: %s\n", dlerror());
}

static int unwind_libunwind(const void *fp, int skip,
                            const struct pcb_stack_bounds *b, uintptr_t *pcs,
                            int depth, bool *truncated)
{
  int n;

  (void)b;
  pthread_once(&loaded, load);
  if (walk == NULL) {
    *truncated = false;
    return 0;
  }
  n = walk((void **)pcs, pcb__unwind_cap(skip, depth));
  return pcb__unwind_from_anchor(fp, skip, pcs, n, depth, truncated);
}

const struct pcb_unwinder pcb_unwinder_libunwind = {
  .name = "libunwind",
  .summary = "libunwind unw_backtrace(): DWARF CFI, cached; dlopen'd on first use",
  .unwind = unwind_libunwind,
  .slack = PCB__UNWIND_SLACK,
};
