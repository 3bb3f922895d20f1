/*
 * The strategies' allocator, counted: while installed, every buffer a
 * strategy takes through pcb_hooks is counted by what the allocator holds
 * for it (malloc_usable_size, its rounding included), and every Nth
 * allocation can be made to fail.  The heap and churn entries read it.
 */
#ifndef PCBENCH_COUNTED_H
#define PCBENCH_COUNTED_H

/* Installs it with counts at zero; fail_every 0: no failures. */
void pcb_counted_install(unsigned long fail_every);
/* Puts back the allocator it replaced, and nothing else (the run's
 * unwinder stays). */
void pcb_counted_remove(void);
/* Bytes held now (allocated minus freed), and failures injected. */
long pcb_counted_live(void);
unsigned long pcb_counted_injected(void);

#endif
