/*
 * The strategies' allocators, behind pcb_hooks.  A run's default is
 * malloc, checked: a strategy's buffer that cannot be allocated (the
 * thread's eager slice, lazy's first-event one, a shared set) ends the
 * run as out of memory (base/outfile.h), since every figure after it
 * would measure dropped events, not the strategy.  The counted one, while
 * installed, counts every buffer a strategy takes by what the allocator
 * holds for it (malloc_usable_size, its rounding included), and can make
 * every Nth allocation fail on purpose; a failure it did not inject ends
 * the run the same way.  The heap and churn entries read it.
 */
#ifndef PCBENCH_COUNTED_H
#define PCBENCH_COUNTED_H

/* Makes the checked malloc the strategies' allocator for the run. */
void pcb_checked_install(void);
/* Installs the counted one with counts at zero; fail_every 0: no
 * failures. */
void pcb_counted_install(unsigned long fail_every);
/* Puts back the allocator it replaced, and nothing else (the run's
 * unwinder stays). */
void pcb_counted_remove(void);
/* Bytes held now (allocated minus freed), and failures injected. */
long pcb_counted_live(void);
unsigned long pcb_counted_injected(void);

#endif
