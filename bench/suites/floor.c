/*
 * floor/depth:D/frames:F -- the runner's floor (run/floor.h) at each
 * (depth, frames) point of the run, timed as an entry of its own: the
 * configured unwinder into a warm buffer, nothing else.  The matrix
 * entries read it back for floor_ratio.
 *
 * unwind/<unwinder>/frames:N -- each unwinder capturing an N-deep chain
 * (N in 16, 64, 256, 1024) into a buffer of PCB_DEPTH_MAX PCs, warm; the
 * first call of the process is timed once and reported as first_call_ns.
 * ns_per_frame divides by the PCs actually captured.
 *
 * Both carry stack_bytes: the stack the unwinder itself takes at that
 * depth and chain, its buffer off the stack (pcb_floor_stack_bytes).  So
 * every run says how much stack each unwinder needs by itself, and what
 * a matrix entry's stack figure holds beyond the unwind.
 */
#include "base/name.h"
#include "base/progress.h"
#include "pcbench/error.h"
#include "pcbench/oracle.h"
#include "run/floor.h"
#include "suites/suite.h"

enum { UNWIND_MAX = 16, FLOOR_MAX = PCB_LIST_MAX * PCB_LIST_MAX };

struct entry {
  char name[64];
  const struct pcb_unwinder *u;
  int depth, frames;
  int index;   /* unwind/: the unwinder's table index; floor/: -1 */
  double ns;   /* the last measured ns per unwind */
};

static struct entry floors[FLOOR_MAX], unwinds[UNWIND_MAX];
static double first_call_ns[UNWIND_MAX];  /* per unwinder: its first call */

static struct pcb_oracle oracle;

static void floor_body(pcb_gb_state *st, void *arg)
{
  struct entry *e = arg;
  struct pcb_floor_run r = { .u = e->u, .depth = e->depth, .st = st };
  int64_t pcs;
  double ns;
  size_t used;

  pcb_progress(e->name);
  if (e->index >= 0 && first_call_ns[e->index] == 0)
    first_call_ns[e->index] = pcb_floor_once_ns(e->u, e->depth);
  pcb_oracle_run(&oracle, e->frames, pcb_floor_loop, &r);
  ns = r.ns;
  pcs = r.pcs;
  if (ns > 0)
    e->ns = ns;
  if (ns > 0 && e->index < 0)
    pcb_floor_set(e->depth, e->frames, ns);
  pcb_gb_counter(st, "pcs", (double)pcs, PCB_GB_PLAIN);
  if (pcs > 0 && e->ns > 0)
    pcb_gb_counter(st, "ns_per_frame", e->ns / (double)pcs, PCB_GB_PLAIN);
  if (e->index >= 0)
    pcb_gb_counter(st, "first_call_ns", first_call_ns[e->index],
                   PCB_GB_PLAIN);
  if (pcb_floor_stack_bytes(e->u, e->depth, e->frames, &used))
    pcb_gb_counter(st, "stack_bytes", (double)used, PCB_GB_PLAIN);
}

static int floor_setup(const struct pcb_config *c)
{
  static const int unwind_frames[] = { 16, 64, 256, 1024 };
  struct pcb_gb_opts o = { 0 };
  int n = 0, err = 0;

  for (size_t u = 0; u < pcb_unwinder_count(); u++)
    for (size_t f = 0; f < sizeof(unwind_frames) / sizeof(*unwind_frames) &&
                       n < UNWIND_MAX && !err; f++) {
      struct entry *e = &unwinds[n++];

      *e = (struct entry){ .u = pcb_unwinder_at(u), .depth = PCB_DEPTH_MAX,
                           .frames = unwind_frames[f], .index = (int)u };
      err = PCB_ENTRY_NAME(e->name, PCB_NAME_WORD("unwind"),
                           PCB_NAME_WORD(e->u->name),
                           PCB_NAME_INT("frames", e->frames));
      pcb_gb_register(e->name, floor_body, e, &o);
    }
  n = 0;
  for (int d = 0; d < c->ndepths; d++)
    for (int f = 0; f < c->nframes && !err; f++) {
      struct entry *e = &floors[n++];

      *e = (struct entry){ .u = c->unwinder, .depth = c->depths[d],
                           .frames = c->frames[f], .index = -1 };
      err = PCB_ENTRY_NAME(e->name, PCB_NAME_WORD("floor"),
                           PCB_NAME_INT("depth", e->depth),
                           PCB_NAME_INT("frames", e->frames));
      pcb_gb_register(e->name, floor_body, e, &o);
    }
  return err;
}

const struct pcb_suite pcb_suite_floor = {
  .name = "floor",
  .summary = "the unwinders' cost per frame, and the floor at each point",
  .kind = "companion",
  .prefixes = "floor+unwind",
  .setup = floor_setup,
};
