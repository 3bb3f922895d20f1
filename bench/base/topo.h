/*
 * Machine topology and thread placement, through hwloc.  The measuring
 * thread is bound to one PU; partners of a blocking workload are placed
 * on the same core or on a core sharing as little cache as the machine
 * allows, and the placement actually used is described for the results.
 */
#ifndef PCBENCH_TOPO_H
#define PCBENCH_TOPO_H

#include <stdbool.h>
#include <stddef.h>

enum pcb_place { PCB_PLACE_SAME_CORE, PCB_PLACE_CROSS_CORE, PCB_PLACE_COUNT };

/* 0, or PCB_ESYS: hwloc could not load a topology, and every function
 * below then describes one unbound PU (binding does nothing). */
int pcb_topo_init(void);
void pcb_topo_fini(void);
bool pcb_topo_loaded(void);
/* "packages=1 cores=2 pus=2 L1d=32KiB*2 L2=..." */
const char *pcb_topo_summary(void);
int pcb_topo_npus(void);
/* The first L2 cache's size in bytes, or 0 if hwloc reports none. */
unsigned long long pcb_topo_l2_bytes(void);
/* PU (logical index) for thread `role` of a run under `place`; *desc says
 * what the pair shares, e.g. "PU0+PU1: different cores, share L3". */
int pcb_topo_pu_for(enum pcb_place place, int role, char *desc, size_t len);
/* Binds the calling thread to PU `pu`; 0 or PCB_ESYS. */
int pcb_topo_bind(int pu);
const char *pcb_place_name(enum pcb_place p);

#endif
