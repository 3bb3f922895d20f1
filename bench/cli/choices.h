/*
 * The choices of the option table's name rows (choices.c).
 */
#ifndef PCBENCH_CLI_CHOICES_H
#define PCBENCH_CLI_CHOICES_H

#include "cli/options.h"

extern const struct pcb_choices pcb_choices_workloads;
extern const struct pcb_choices pcb_choices_strategies;
extern const struct pcb_choices pcb_choices_unwinders;
extern const struct pcb_choices pcb_choices_placements;
extern const struct pcb_choices pcb_choices_cache_states;
extern const struct pcb_choices pcb_choices_clock_paths;
extern const struct pcb_choices pcb_choices_counters;
extern const struct pcb_choices pcb_choices_externals;

#endif
