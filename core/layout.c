/*
 * Layout randomisation (see include/pcbench/layout.h for the model).
 *
 * The stack offset is a variable-length array in a frame of its own that
 * the compiler can neither inline nor turn into a tail call: the array's
 * address goes into an empty asm before the call and again after it, so
 * the pad exists and stays live while fn runs, and fn itself goes through
 * an asm too, so no build (LTO included) can see and inline it.  The pad
 * is offset + 16 bytes, a multiple of 16, so the compiler's rounding of
 * the allocation to the stack alignment adds nothing and fn's frame moves
 * by exactly the offset (sanitizer builds add redzones around the pad).
 */
#include <stdint.h>

#include "pcbench/error.h"
#include "pcbench/layout.h"

void pcb_layout_draw(struct pcb_rng *r, struct pcb_layout *out)
{
  out->stack_offset = PCB_LAYOUT_STACK_STEP *
    (size_t)pcb_rng_below(r, PCB_LAYOUT_SPAN / PCB_LAYOUT_STACK_STEP);
  out->heap_offset = PCB_LAYOUT_HEAP_STEP *
    (size_t)pcb_rng_below(r, PCB_LAYOUT_SPAN / PCB_LAYOUT_HEAP_STEP);
}

__attribute__((noinline))
static void call_below(size_t pad_bytes, void (*fn)(void *), void *arg)
{
  unsigned char pad[pad_bytes];

  pad[0] = 0;  /* touch the lowest byte: its page is mapped before fn */
  __asm__ volatile("" : "+r"(fn) : "r"(pad) : "memory");
  fn(arg);
  __asm__ volatile("" : : "r"(pad) : "memory");
}

int pcb_layout_call(size_t stack_offset, void (*fn)(void *), void *arg)
{
  if (fn == NULL || stack_offset >= PCB_LAYOUT_SPAN ||
      stack_offset % PCB_LAYOUT_STACK_STEP != 0)
    return PCB_EINVAL;
  call_below(stack_offset + PCB_LAYOUT_STACK_STEP, fn, arg);
  return 0;
}

size_t pcb_layout_region_bytes(size_t buf_bytes)
{
  size_t extra = 2 * (size_t)PCB_LAYOUT_SPAN;  /* align up, then offset */

  return buf_bytes > SIZE_MAX - extra ? 0 : buf_bytes + extra;
}

void *pcb_layout_place(void *region, size_t region_bytes, size_t buf_bytes,
                       size_t heap_offset)
{
  uintptr_t start = (uintptr_t)region, page, at;

  if (region == NULL || heap_offset >= PCB_LAYOUT_SPAN ||
      heap_offset % PCB_LAYOUT_HEAP_STEP != 0)
    return NULL;
  page = (start + PCB_LAYOUT_SPAN - 1) & ~(uintptr_t)(PCB_LAYOUT_SPAN - 1);
  at = page + heap_offset;
  if (at - start > region_bytes || buf_bytes > region_bytes - (at - start))
    return NULL;
  return (void *)at;
}
