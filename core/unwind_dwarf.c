/*
 * Table-driven unwinders behind the same interface as the frame-pointer
 * walk: glibc's backtrace() and libgcc's _Unwind_Backtrace, both reading
 * DWARF call-frame information (.eh_frame).  They are what a profiler
 * without frame pointers must use, and the yardstick for how much buffer
 * placement matters next to the unwind itself.
 *
 * Neither can start from an anchor frame: they start where they are
 * called.  So each captures from here into a scratch buffer on the stack,
 * finds the anchor frame's return address in it, and copies from there,
 * honouring skip and depth (unwind_anchor.h, shared with libunwind's
 * unw_backtrace in unwind_libunwind.c).  First use is not signal-safe:
 * backtrace() loads libgcc (and allocates); _Unwind_Backtrace builds its
 * FDE lookup (dl_iterate_phdr, which takes the loader lock).  The
 * unwinder table, in --list order, is at the end of this file.
 */
#include <execinfo.h>
#include <string.h>
#include <unwind.h>

#include "pcbench/unwind.h"
#include "unwind_anchor.h"

/* Frames worth capturing: ours, the skipped ones, depth, and one more to
 * tell truncation -- a real profiler stops there too. */
int pcb__unwind_cap(int skip, int depth)
{
  int n = PCB__UNWIND_SLACK + skip + depth + 1;

  return n < PCB__UNWIND_SCRATCH ? n : PCB__UNWIND_SCRATCH;
}

/* Copies tmp[0..n) from the anchor's return address on, after `skip`. */
int pcb__unwind_from_anchor(const void *fp, int skip, const uintptr_t *tmp,
                            int n, uintptr_t *pcs, int depth, bool *truncated)
{
  uintptr_t ra = ((const uintptr_t *)fp)[1];
  int i = 0, out;

  while (i < n && tmp[i] != ra)
    i++;
  i += skip;  /* tmp[i] was the anchor's own return address: PC 0 at skip 0 */
  if (i >= n) {
    *truncated = false;
    return 0;
  }
  out = n - i < depth ? n - i : depth;
  memcpy(pcs, tmp + i, (size_t)out * sizeof(*pcs));
  *truncated = n - i > depth;
  return out;
}

static int unwind_backtrace(const void *fp, int skip,
                            const struct pcb_stack_bounds *b, uintptr_t *pcs,
                            int depth, bool *truncated)
{
  int cap = pcb__unwind_cap(skip, depth);
  uintptr_t tmp[cap];  /* bounded: cap <= PCB__UNWIND_SCRATCH */
  int n = backtrace((void **)tmp, cap);

  (void)b;
  return pcb__unwind_from_anchor(fp, skip, tmp, n, pcs, depth, truncated);
}

struct gcc_walk {
  uintptr_t *tmp;
  int n, cap;
};

static _Unwind_Reason_Code gcc_step(struct _Unwind_Context *ctx, void *arg)
{
  struct gcc_walk *w = arg;

  if (w->n == w->cap)
    return _URC_END_OF_STACK;
  w->tmp[w->n++] = (uintptr_t)_Unwind_GetIP(ctx);
  return _URC_NO_REASON;
}

static int unwind_libgcc(const void *fp, int skip,
                         const struct pcb_stack_bounds *b, uintptr_t *pcs,
                         int depth, bool *truncated)
{
  int cap = pcb__unwind_cap(skip, depth);
  uintptr_t tmp[cap];  /* bounded: cap <= PCB__UNWIND_SCRATCH */
  struct gcc_walk w = { tmp, 0, cap };

  (void)b;
  _Unwind_Backtrace(gcc_step, &w);
  return pcb__unwind_from_anchor(fp, skip, tmp, w.n, pcs, depth, truncated);
}

const struct pcb_unwinder pcb_unwinder_backtrace = {
  .name = "backtrace",
  .summary = "glibc backtrace(): DWARF CFI via libgcc; loads it, allocates on first use",
  .unwind = unwind_backtrace,
};

const struct pcb_unwinder pcb_unwinder_libgcc = {
  .name = "libgcc",
  .summary = "libgcc _Unwind_Backtrace: DWARF CFI; first use builds its FDE lookup",
  .unwind = unwind_libgcc,
};

static const struct pcb_unwinder *const unwinders[] = {
  &pcb_unwinder_fp,
  &pcb_unwinder_backtrace,
  &pcb_unwinder_libgcc,
  &pcb_unwinder_libunwind,
};

size_t pcb_unwinder_count(void)
{
  return sizeof(unwinders) / sizeof(unwinders[0]);
}

const struct pcb_unwinder *pcb_unwinder_at(size_t i)
{
  return i < pcb_unwinder_count() ? unwinders[i] : NULL;
}

const struct pcb_unwinder *pcb_unwinder_find(const char *name)
{
  for (size_t i = 0; i < pcb_unwinder_count(); i++)
    if (strcmp(unwinders[i]->name, name) == 0)
      return unwinders[i];
  return NULL;
}
