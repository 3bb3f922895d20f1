/*
 * What a point's threads may spend, from the machine and the
 * configuration alone: the spin budget of a wait, and Go's block rate in
 * this machine's counter ticks (see budget.h).
 */
#include "base/topo.h"
#include "pcbench/handoff.h"
#include "run/budget.h"

uint64_t pcb_spin_budget(const struct pcb_point *p, uint64_t spin_ns)
{
  char desc[128];
  int npus = pcb_topo_npus();

  if (p->threads > npus)
    return 0;
  for (int i = 1; i < p->threads; i++)
    if (!pcb_handoff_spin_possible(
            npus, 0, pcb_topo_pu_for(p->place, i, desc, sizeof(desc))))
      return 0;
  return spin_ns;
}

uint64_t pcb_go_block_cycles(uint64_t ns, double ns_per_tick)
{
  double ticks_per_second = 1e9 / ns_per_tick;
  uint64_t r = (uint64_t)((double)ns * ticks_per_second / 1e9);

  return r ? r : 1;
}
