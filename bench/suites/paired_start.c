/*
 * paired/thread_start/depth:D and paired/first_event/depth:D -- a
 * thread's start and its first event, timed as paired.c times the warm
 * events: the same arms (every strategy of the run, `S@label` on other
 * builds' modules, the A/A control last), the same rounds, copies and
 * report (paired_report.c); only the batch, here, differs.
 *
 * Model: the companion entries thread_start/<s>/ and first_event/<s>/
 * (suites/memory.c) time each strategy in an entry of its own, seconds
 * apart, so the host's state between entries is in their difference.
 * Here a round runs every arm once, in a fresh random order, and that
 * state divides out of each round's ratio.
 *
 * A batch: PCB_START_BATCH fresh contexts with the arm's strategy on the
 * round's copy of the event path (pcb__arm_on_copy: another build's, or
 * a layout module's, thread_init, record, capture and unwinder).
 *   thread_start: pcb_thread_prepare and thread_init of each context,
 *                 timed; the exits untimed.
 *   first_event:  the inits untimed; at the bottom of a 16-frame chain
 *                 (the copy's), the first event on each context, timed,
 *                 into the copy's consumer; the exits untimed.
 * The sample is the ticks between the two reads over PCB_START_BATCH.
 * Between the reads run the strategy's code and the loop alone: no
 * allocation, I/O or logging but what the strategy does (thread's
 * buffer, lazy's on its first event).
 *
 * Invariants: a context whose thread_init failed is never exited
 * (strategy.h); a first_event batch with any failed init runs no event.
 * Not thread safe: the contexts are static, and paired entries run one
 * at a time on the measuring thread.
 */
#include "pcbench/clock.h"
#include "pcbench/layout.h"
#include "suites/paired_start.h"

static struct pcb_thread ctx[PCB_START_BATCH];
static int init_rc[PCB_START_BATCH];
static struct pcb_oracle oracle;

struct batch {
  const struct pcb_strategy *s;
  struct pcb_wl_thread *w;             /* the consumer's argument */
  const struct pcb_event_module *m;
  int depth, failed;
  uint64_t ticks;
};

/* thread_exit of every context whose thread_init succeeded. */
static void exit_all(const struct pcb_strategy *s)
{
  for (int i = 0; i < PCB_START_BATCH; i++)
    if (init_rc[i] == 0)
      s->thread_exit(&ctx[i]);
}

static void start_run(void *arg)
{
  struct batch *b = arg;
  const struct pcb_strategy *s = b->s;
  uint64_t t0 = pcb_clock_read();

  for (int i = 0; i < PCB_START_BATCH; i++) {
    pcb_thread_prepare(&ctx[i], s, b->depth);
    init_rc[i] = s->thread_init(&ctx[i]);
  }
  b->ticks = pcb_clock_read() - t0;
  for (int i = 0; i < PCB_START_BATCH; i++)
    b->failed += init_rc[i] != 0;
  exit_all(s);
}

/* At the bottom of the chain: the first event of every context. */
__attribute__((noinline)) static int first_site(void *arg)
{
  struct batch *b = arg;
  pcb_consume_fn consume = b->w->consume;
  void *to = b->w;
  int failed = 0;
  uint64_t t0 = pcb_clock_read();

  for (int i = 0; i < PCB_START_BATCH; i++)
    failed += pcb_wl_bare_event(&ctx[i], consume, to, false) != 0;
  b->ticks = pcb_clock_read() - t0;
  b->failed += failed;
  return 0;
}

static void first_run(void *arg)
{
  struct batch *b = arg;
  const struct pcb_strategy *s = b->s;
  int failed = 0;

  for (int i = 0; i < PCB_START_BATCH; i++) {
    pcb_thread_prepare(&ctx[i], s, b->depth);
    ctx[i].stack = b->w->thread.stack;  /* the measuring thread's */
    init_rc[i] = s->thread_init(&ctx[i]);
    failed += init_rc[i] != 0;
  }
  b->ticks = 0;
  if (failed == 0 && b->m != NULL)
    b->m->oracle_run(&oracle, PCB_START_FRAMES, first_site, b);
  else if (failed == 0)
    pcb_oracle_run(&oracle, PCB_START_FRAMES, first_site, b);
  b->failed += failed;
  exit_all(s);
}

/* One batch of run(), below a fresh stack offset: ns per operation. */
static double batch_ns(void (*run)(void *), struct pcb__arm *arm,
                       const struct pcb_point *p,
                       const struct pcb_event_module *m, struct pcb_rng *rng,
                       int *failed)
{
  struct batch b = { arm->ptr[0]->thread.strategy, arm->ptr[0], m, p->depth,
                     0, 0 };
  struct pcb_layout lay;

  pcb_layout_draw(rng, &lay);
  pcb_layout_call(lay.stack_offset, run, &b);
  *failed += b.failed;
  return (double)b.ticks * pcb_runner_ns_per_tick() / PCB_START_BATCH;
}

static double thread_start_ns(struct pcb__arm *arm, const struct pcb_point *p,
                              const struct pcb_event_module *m,
                              struct pcb_rng *rng, int *failed)
{
  return batch_ns(start_run, arm, p, m, rng, failed);
}

static double first_event_ns(struct pcb__arm *arm, const struct pcb_point *p,
                             const struct pcb_event_module *m,
                             struct pcb_rng *rng, int *failed)
{
  return batch_ns(first_run, arm, p, m, rng, failed);
}

static const struct pcb__paired_kind thread_start = {
  .word = "thread_start",
  .over_off_physical = false,
  .batch_ns = thread_start_ns,
};

static const struct pcb__paired_kind first_event = {
  .word = "first_event",
  .over_off_physical = true,
  .batch_ns = first_event_ns,
};

const struct pcb__paired_kind *const pcb__paired_kinds[] = {
  &thread_start, &first_event, NULL
};
