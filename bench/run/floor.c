/* The floor; see floor.h. */
#include "pcbench/error.h"
#include "pcbench/clock.h"
#include "pcbench/oracle.h"
#include "pcbench/stackmeasure.h"
#include "run/floor.h"

enum { FLOOR_MAX = PCB_LIST_MAX * PCB_LIST_MAX, FLOOR_PROBE = 4096 };

struct point {
  int depth, frames;
  double ns;   /* ns per unwind; 0 until measured */
};

static struct point points[FLOOR_MAX];
static int npoints;
static const struct pcb_unwinder *unwinder;  /* the run's */
static struct pcb_stack_bounds bounds;       /* the measuring thread's */
static uintptr_t buf[PCB_DEPTH_MAX + PCB_SLACK_MAX];
static struct pcb_oracle oracle;

static double now_ns(void)
{
  return (double)pcb_clock_read_mono();
}

int pcb_floor_init(const struct pcb_config *c)
{
  int err = pcb_thread_stack_bounds(&bounds);

  if (err)
    return err;
  unwinder = c->unwinder;
  npoints = 0;
  for (int d = 0; d < c->ndepths; d++)
    for (int f = 0; f < c->nframes; f++)
      points[npoints++] = (struct point){ c->depths[d], c->frames[f], 0 };
  return 0;
}

static struct point *find(int depth, int frames)
{
  for (int i = 0; i < npoints; i++)
    if (points[i].depth == depth && points[i].frames == frames)
      return &points[i];
  return NULL;
}

double pcb_floor_ns(int depth, int frames)
{
  const struct point *p = find(depth, frames);

  return p ? p->ns : 0;
}

void pcb_floor_set(int depth, int frames, double ns)
{
  struct point *p = find(depth, frames);

  if (p)
    p->ns = ns;
}

/* One raw unwind, anchored on this frame like an event site. */
__attribute__((noinline)) static int raw_unwind(const struct pcb_unwinder *u,
                                                int depth)
{
  bool truncated;
  int n = u->unwind(__builtin_frame_address(0), 1, &bounds, buf, depth,
                    &truncated);

  __asm__ volatile("" : "+r"(n) : : "memory");
  return n;
}

__attribute__((noinline)) int pcb_floor_loop(void *arg)
{
  struct pcb_floor_run *r = arg;
  double t0 = now_ns();
  int64_t iters = 0;

  while (pcb_gb_keep_running_batch(r->st, 64))
    for (int i = 0; i < 64; i++, iters++)
      r->pcs = raw_unwind(r->u, r->depth);
  if (iters > 0)
    r->ns = (now_ns() - t0) / (double)iters;
  return 0;
}

/* The untimed probe: the same unwinds, a fixed count, the same clock. */
__attribute__((noinline)) static int floor_probe(void *arg)
{
  struct pcb_floor_run *r = arg;
  double t0;

  for (int i = 0; i < 64; i++)  /* warm */
    r->pcs = raw_unwind(r->u, r->depth);
  t0 = now_ns();
  for (int i = 0; i < FLOOR_PROBE; i++)
    r->pcs = raw_unwind(r->u, r->depth);
  r->ns = (now_ns() - t0) / FLOOR_PROBE;
  return 0;
}

void pcb_floor_ensure(int depth, int frames)
{
  struct point *p = find(depth, frames);

  if (p && p->ns == 0) {
    struct pcb_floor_run r = { .u = unwinder, .depth = depth };

    pcb_oracle_run(&oracle, frames, floor_probe, &r);
    p->ns = r.ns;
  }
}

double pcb_floor_once_ns(const struct pcb_unwinder *u, int depth)
{
  double t0 = now_ns();

  raw_unwind(u, depth);
  return now_ns() - t0;
}

/* The stack figure: one raw unwind, painted, at the bottom of the chain.
 * (Unused in sanitizer builds, which take no stack figures.) */
struct stack_probe {
  const struct pcb_unwinder *u;
  int depth;
  size_t used;
  int err;
};

__attribute__((unused)) static void unwind_once(void *arg)
{
  struct stack_probe *p = arg;

  raw_unwind(p->u, p->depth);
}

__attribute__((unused)) static int stack_probe_site(void *arg)
{
  struct stack_probe *p = arg;

  p->err = pcb_stack_used(unwind_once, p, &p->used);
  return 0;
}

bool pcb_floor_stack_bytes(const struct pcb_unwinder *u, int depth,
                           int frames, size_t *used)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  (void)u;
  (void)depth;
  (void)frames;
  (void)used;
  return false;  /* instrumented frames are not the build measured */
#else
  struct stack_probe p = { .u = u, .depth = depth, .err = PCB_EINVAL };

  if (pcb_oracle_run(&oracle, frames, stack_probe_site, &p) != 0 ||
      p.err != 0)
    return false;
  *used = p.used;
  return true;
#endif
}
