/*
 * stack_clone -- `stack`, compiled a second time: the same source
 * (stack.c, included below under other names), another function at
 * another address.
 *
 * Models: nothing.  It is the timing control for code placement.  Two
 * copies of one function differ only in where the linker put them, so
 * any timed difference between `stack_clone` and `stack` is layout -- the
 * alignment of their code, what it shares a cache set or a branch
 * predictor entry with -- and an interval that calls them different is
 * too narrow to tell strategies apart (docs/design.md, "Paired timing").
 * A twin that shares `stack`'s code cannot show this: it shares its
 * placement.  Trade-off: none; every figure but time is stack's.
 */
#define STACK_CLONE
#define STACK_STRATEGY pcb_strategy_stack_clone
#define STACK_RECORD stack_clone_record
#include "stack.c"

const struct pcb_strategy pcb_strategy_stack_clone = {
  .version = PCB_STRATEGY_VERSION,
  .name = "stack_clone",
  .summary = "stack compiled again at another address: the code-placement "
             "control",
  .flags = PCB_F_SIGSAFE | PCB_F_CLONE,
  .clone_of = "stack",
  .thread_init = pcb_nobuf_init,
  .thread_exit = pcb_nobuf_exit,
  .record = STACK_RECORD,
  .heap_bytes = pcb_nobuf_bytes,
};
