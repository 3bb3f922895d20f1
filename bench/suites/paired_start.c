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
 * (strategy.h); a first_event batch with any failed init runs no event;
 * a batch's first failure (PCB_E*: an init's, or an event's, which
 * pcb_wl_bare_event returns as record did) is the entry's, and ends it.
 * Not thread safe: the contexts are static, and paired entries run one
 * at a time on the measuring thread.
 */
#include "pcbench/clock.h"
#include "pcbench/layout.h"
#include "suites/paired_start.h"

static struct pcb_thread ctx[PCB_START_BATCH];
static int init_rc[PCB_START_BATCH], event_rc[PCB_START_BATCH];
static struct pcb_oracle oracle;

struct batch {
  const struct pcb_strategy *s;
  struct pcb_wl_thread *w;             /* the consumer's argument */
  const struct pcb_event_module *m;
  int depth, err;                      /* err: the first failure's */
  uint64_t ticks;
};

/* The batch's first failure, if it has none yet: 0 or PCB_E*. */
static void note_failure(struct batch *b, int rc)
{
  if (b->err == 0)
    b->err = rc;
}

/* thread_exit of every context whose thread_init succeeded; the first
 * failure of those that did not into b->err. */
static void exit_all(struct batch *b)
{
  for (int i = 0; i < PCB_START_BATCH; i++)
    if (init_rc[i] == 0)
      b->s->thread_exit(&ctx[i]);
    else
      note_failure(b, init_rc[i]);
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
  exit_all(b);
}

/* At the bottom of the chain: the first event of every context. */
__attribute__((noinline)) static int first_site(void *arg)
{
  struct batch *b = arg;
  pcb_consume_fn consume = b->w->consume;
  void *to = b->w;
  uint64_t t0 = pcb_clock_read();

  for (int i = 0; i < PCB_START_BATCH; i++)
    event_rc[i] = pcb_wl_bare_event(&ctx[i], consume, to, false);
  b->ticks = pcb_clock_read() - t0;
  for (int i = 0; i < PCB_START_BATCH; i++)
    note_failure(b, event_rc[i]);
  return 0;
}

static void first_run(void *arg)
{
  struct batch *b = arg;
  const struct pcb_strategy *s = b->s;
  bool all = true;

  for (int i = 0; i < PCB_START_BATCH; i++) {
    pcb_thread_prepare(&ctx[i], s, b->depth);
    ctx[i].stack = b->w->thread.stack;  /* the measuring thread's */
    init_rc[i] = s->thread_init(&ctx[i]);
    all &= init_rc[i] == 0;
  }
  b->ticks = 0;
  if (all)
    note_failure(b, b->m != NULL ? b->m->oracle_run(&oracle, PCB_START_FRAMES,
                                                    first_site, b)
                                 : pcb_oracle_run(&oracle, PCB_START_FRAMES,
                                                  first_site, b));
  exit_all(b);
}

/* One batch of run(), below a fresh stack offset: ns per operation. */
static double batch_ns(void (*run)(void *), struct pcb__arm *arm,
                       const struct pcb_point *p,
                       const struct pcb_event_module *m, struct pcb_rng *rng,
                       int *err)
{
  struct batch b = { arm->ptr[0]->thread.strategy, arm->ptr[0], m, p->depth,
                     0, 0 };
  struct pcb_layout lay;

  pcb_layout_draw(rng, &lay);
  pcb_layout_call(lay.stack_offset, run, &b);
  if (*err == 0)
    *err = b.err;
  return (double)b.ticks * pcb_runner_ns_per_tick() / PCB_START_BATCH;
}

static double thread_start_ns(struct pcb__arm *arm, const struct pcb_point *p,
                              const struct pcb_event_module *m,
                              struct pcb_rng *rng, int *err)
{
  return batch_ns(start_run, arm, p, m, rng, err);
}

static double first_event_ns(struct pcb__arm *arm, const struct pcb_point *p,
                             const struct pcb_event_module *m,
                             struct pcb_rng *rng, int *err)
{
  return batch_ns(first_run, arm, p, m, rng, err);
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
