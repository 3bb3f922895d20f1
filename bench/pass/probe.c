/* The event probe of instruction mode; see probe.h. */
#include "base/icount.h"
#include "pcbench/unwind.h"
#include "pass/pass.h"
#include "pass/probe.h"
#include "run/runner.h"

struct probe {
  struct pcb_wl_thread *w;
  const struct pcb_workload *wl;
  int64_t warm, count;
  bool cold;
  void *own_buf;  /* the strategy's own heap buffer, while `placed` is used */
};

/* The counted events' per-thread heap buffer: at the start of a cache
 * line, whatever the heap's history.  glibc's malloc places the buffer
 * wherever earlier allocations left room -- and those include the
 * strings of every entry's printed results, whose lengths vary with
 * their times -- and a buffer straddling one more line costs a cold event
 * one more miss.  (Go's size classes align such buffers too: a 256- or
 * 1024-byte slice starts on a line.)  The paired suite moves buffers the
 * same way (pcb_layout_place). */
static _Alignas(64) unsigned char placed[(PCB_DEPTH_MAX + PCB_SLACK_MAX) *
                                        sizeof(uintptr_t)];

static void place_buffer(struct probe *p)
{
  struct pcb_thread *t = &p->w->thread;

  if (t->buf == NULL || t->buf_bytes == 0 || t->buf_bytes > sizeof(placed) ||
      t->strategy == NULL || (t->strategy->flags & PCB_F_SHARED))
    return;
  p->own_buf = t->buf;
  t->buf = placed;
}

/* Runs at the bottom of the chain: the caller of the workload's probe.
 * One loop and one call of one_event for the warm-up and the counted
 * events: a second call site (here or anywhere up to main, which a
 * capture of depth 128 reaches) would give the first counted event a
 * stack of its own, inserted into the bucket table -- a one-off cost,
 * counted. */
__attribute__((noinline)) static int probe_loop(void *arg)
{
  struct probe *p = arg;

  for (int64_t i = 0; i < p->warm + p->count; i++) {
    if (i == p->warm) {
      place_buffer(p);
      PCB_ICOUNT_ZERO();
    }
    if (p->cold && i >= p->warm)
      pcb_wl_walk(p->w);
    p->wl->one_event(p->w);
  }
  return 0;
}

int pcb_probe_events(struct pcb_wl_thread *w, const struct pcb_workload *wl,
                     int frames, int64_t warm, int64_t count, bool cold)
{
  struct probe p = { w, wl, warm, count, cold, NULL };
  int err = pcb_oracle_run(w->oracle, frames, probe_loop, &p);

  if (p.own_buf != NULL)  /* thread_exit frees the one it allocated */
    w->thread.buf = p.own_buf;
  return err;
}

/* No frame of its own between the suite and the events beyond what the
 * runner's own probe had: the counted events unwind through the frames
 * above the chain, so one more would add to every count. */
int pcb_pass_probe(const struct pcb_point *p, int64_t warm, int64_t count)
{
  return pcb_probe_events(pcb_runner_lend(), p->wl, p->frames, warm, count,
                          p->cache == PCB_CACHE_COLD);
}
