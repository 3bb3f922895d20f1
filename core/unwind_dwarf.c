/*
 * Table-driven unwinders behind the same interface as the frame-pointer
 * walk: glibc's backtrace() and libgcc's _Unwind_Backtrace, both reading
 * DWARF call-frame information (.eh_frame).  They are what a profiler
 * without frame pointers must use, and the yardstick for how much buffer
 * placement matters next to the unwind itself.
 *
 * Both write straight into the strategy's buffer; neither keeps an array
 * of its own.  libgcc's walk calls back once per frame, so the callback
 * passes over our own frames until it meets the anchor frame's return
 * address, skips, and stores PCs in place until depth is full: no slack.
 * backtrace() cannot start from an anchor frame: it fills the buffer from
 * where it is called, so it needs room for our frames and the skipped
 * ones beyond depth, its slack (unwind_anchor.h, shared with libunwind's
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

int pcb__unwind_cap(int skip, int depth)
{
  int n = PCB__UNWIND_FRAMES + skip + depth + 1;

  return n < depth + PCB__UNWIND_SLACK ? n : depth + PCB__UNWIND_SLACK;
}

int pcb__unwind_from_anchor(const void *fp, int skip, uintptr_t *pcs, int n,
                            int depth, bool *truncated)
{
  uintptr_t ra = ((const uintptr_t *)fp)[1];
  int i = 0, out;

  while (i < n && pcs[i] != ra)
    i++;
  i += skip;  /* pcs[i] was the anchor's own return address: PC 0 at skip 0 */
  if (i >= n) {
    *truncated = false;
    return 0;
  }
  out = n - i < depth ? n - i : depth;
  memmove(pcs, pcs + i, (size_t)out * sizeof(*pcs));
  *truncated = n - i > depth;
  return out;
}

static int unwind_backtrace(const void *fp, int skip,
                            const struct pcb_stack_bounds *b, uintptr_t *pcs,
                            int depth, bool *truncated)
{
  int n = backtrace((void **)pcs, pcb__unwind_cap(skip, depth));

  (void)b;
  return pcb__unwind_from_anchor(fp, skip, pcs, n, depth, truncated);
}

/* One libgcc walk: before the anchor, `own` counts our frames down; from
 * it on, `skip` return addresses are dropped and PCs stored until depth is
 * full, when the next frame found only sets `truncated`. */
struct gcc_walk {
  uintptr_t ra;  /* the anchor frame's return address */
  uintptr_t *pcs;
  int own, skip, n, depth;
  bool found, truncated;
};

static _Unwind_Reason_Code gcc_step(struct _Unwind_Context *ctx, void *arg)
{
  struct gcc_walk *w = arg;
  uintptr_t ip = (uintptr_t)_Unwind_GetIP(ctx);

  if (!w->found) {
    if (ip != w->ra)
      return w->own-- > 0 ? _URC_NO_REASON : _URC_END_OF_STACK;
    w->found = true;
  }
  if (w->skip > 0) {
    w->skip--;
    return _URC_NO_REASON;
  }
  if (w->n == w->depth) {
    w->truncated = true;  /* a valid frame remains beyond the buffer */
    return _URC_END_OF_STACK;
  }
  w->pcs[w->n++] = ip;
  return _URC_NO_REASON;
}

static int unwind_libgcc(const void *fp, int skip,
                         const struct pcb_stack_bounds *b, uintptr_t *pcs,
                         int depth, bool *truncated)
{
  struct gcc_walk w = { .ra = ((const uintptr_t *)fp)[1], .pcs = pcs,
                        .own = PCB__UNWIND_FRAMES, .skip = skip,
                        .depth = depth };

  (void)b;
  _Unwind_Backtrace(gcc_step, &w);
  *truncated = w.truncated;
  return w.n;
}

const struct pcb_unwinder pcb_unwinder_backtrace = {
  .name = "backtrace",
  .summary = "glibc backtrace(): DWARF CFI via libgcc; loads it, allocates on first use",
  .unwind = unwind_backtrace,
  .slack = PCB__UNWIND_SLACK,
};

const struct pcb_unwinder pcb_unwinder_libgcc = {
  .name = "libgcc",
  .summary = "libgcc _Unwind_Backtrace: DWARF CFI; first use builds its FDE lookup",
  .unwind = unwind_libgcc,
  .slack = 0,  /* the callback skips to the anchor and stops at depth */
};
