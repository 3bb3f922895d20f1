/*
 * The machine in the results' context (machine.c): kernel, CPU and its
 * flags (with those CPUID hides), frequency, SMT, huge pages, ASLR,
 * libraries, and the load average at the start and the end of the run.
 */
#ifndef PCBENCH_MACHINE_H
#define PCBENCH_MACHINE_H

/* Before the run: every key but the end's; warns on stderr when the
 * machine is loaded (more than 0.5 per CPU). */
void pcb_machine_describe(void);

/* After the last entry, before the results are written: load_avg_end. */
void pcb_machine_describe_end(void);

#endif
