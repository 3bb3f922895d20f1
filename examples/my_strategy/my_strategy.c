/*
 * my_strategy -- an example of a strategy brought from outside pcbench,
 * as a module: a per-thread heap slice allocated when the thread
 * registers, used under a guard (a nested event on the same thread, a
 * signal handler, is refused), written against the installed headers
 * alone.  It is `thread` again; yours goes here.
 *
 * Build (out of tree, against an installed pcbench):
 *   cmake -S . -B build -DCMAKE_PREFIX_PATH=<prefix> && cmake --build build
 * Run:
 *   pcbench --module=./build/libmy_strategy.so \
 *           --strategies=off,stack,thread,my_strategy --quick
 */
#include <signal.h>
#include <stdatomic.h>

#include <pcbench/error.h>
#include <pcbench/module.h>
#include <pcbench/strategy.h>

static int my_record(struct pcb_thread *t, const struct pcb_event *ev)
{
  if (t->in_use)
    return PCB_EBUSY;  /* nested on this thread: the slice is taken */
  t->in_use = 1;
  atomic_signal_fence(memory_order_seq_cst);  /* guard before the slice */
  pcb_capture(t, ev, t->buf);
  atomic_signal_fence(memory_order_seq_cst);  /* the slice before release */
  t->in_use = 0;
  return 0;
}

const struct pcb_strategy my_strategy = {
  .version = PCB_STRATEGY_VERSION,
  .name = "my_strategy",
  .summary = "example module: a guarded per-thread slice (as thread)",
  .flags = PCB_F_ALLOC_INIT | PCB_F_GUARDED | PCB_F_MAY_DROP | PCB_F_SIGSAFE,
  .thread_init = pcb_slice_alloc,
  .thread_exit = pcb_slice_free,
  .record = my_record,
  .heap_bytes = pcb_thread_buf_bytes,
};

/* The module's entry point: my_strategy first, then pcbench's own. */
PCB_STRATEGY_MODULE(my_strategy)
