/*
 * The per-thread context: pcbench's M.  A worker thread registers once
 * (Go's mcommoninit) and unregisters when it ends; in between every event
 * on that thread goes through its struct pcb_thread.  The context is
 * owned by its thread and touched only by it (and by signal handlers that
 * interrupt it), so none of its fields need atomics.
 */
#ifndef PCBENCH_THREAD_H
#define PCBENCH_THREAD_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCB_DEPTH_MAX 1024
/* The most return addresses an event may skip (Go's maxSkip): what an
 * unwinder that cannot start at the anchor sizes its slack by. */
#define PCB_SKIP_MAX 6

struct pcb_strategy;

/* Called with the captured PCs while the strategy's buffer is valid. */
typedef void (*pcb_consume_fn)(void *arg, const uintptr_t *pcs, int n,
                               bool truncated);

/*
 * One event.  The unwind starts at the frame `fp` (a frame of the event
 * path that is still live) and drops the first `skip` return addresses, so
 * that PC 0 is the event site's caller in the workload.  Anchoring on a
 * frame rather than counting from the unwinder makes the skip independent
 * of how many frames a strategy's own record path has.  The anchor frame
 * must stay live until record returns: its function must not tail-call
 * into pcb_record.
 */
struct pcb_event {
  const void *fp;
  int skip;                      /* 0..PCB_SKIP_MAX */
  pcb_consume_fn consume;
  void *arg;
  bool async;  /* raised in a signal handler: record must not allocate */
};

/* Addresses [lo, hi) of the stack the thread is running on now. */
struct pcb_stack_bounds {
  uintptr_t lo, hi;
};

struct pcb_thread {
  const struct pcb_strategy *strategy;
  int depth;                      /* PCs per capture, 1..PCB_DEPTH_MAX */
  /* PCs a buffer of this thread's holds: depth + the slack of pcb_hooks'
   * unwinder when it registered, which stays for its life (hooks.h). */
  int room;
  struct pcb_stack_bounds stack;  /* follows fibers while they run */
  volatile sig_atomic_t in_use;   /* Go's acquirem: buffer is in use */
  void *buf;                      /* the strategy's per-thread buffer */
  size_t buf_bytes;               /* its size, for heap accounting */
  /* The try-lock of the shared buffer (percpu, pool) that the event in
   * progress holds, or NULL: an event abandoned mid-capture (a fiber
   * overflow) is released through it, as the guard is restored. */
  atomic_uint *volatile held;
};

/*
 * Registers the calling thread: learns its stack bounds (this allocates:
 * never call it from an event or a malloc wrapper), sets `depth` and
 * `room` (pcb_thread_prepare), runs the strategy's thread_init.  `t` must outlive the registration.  Returns 0,
 * PCB_EDEPTH, PCB_ESYS, or what thread_init returned.
 */
int pcb_thread_register(struct pcb_thread *t, const struct pcb_strategy *s,
                        int depth);
/* Sets t's strategy, depth and room (for pcb_hooks' unwinder), the rest
 * of t zero: what thread_init may read.  For the entries that run a
 * strategy's hooks without registering a thread (thread start). */
void pcb_thread_prepare(struct pcb_thread *t, const struct pcb_strategy *s,
                        int depth);
/* Runs thread_exit and forgets the thread. */
void pcb_thread_unregister(struct pcb_thread *t);
/* The calling thread's stack bounds (allocates: not for events). */
int pcb_thread_stack_bounds(struct pcb_stack_bounds *b);
/* The calling thread's context, or NULL.  Async-signal-safe. */
struct pcb_thread *pcb_thread_self(void);

/*
 * Shared capture step for strategies: unwinds with pcb_hooks' unwinder
 * into pcs[0..t->depth) from ev's anchor within t's stack bounds, then
 * calls ev->consume.  pcs[] must hold t->room PCs: the unwinder may use
 * the slack beyond depth.  Never allocates; async-signal-safe.
 */
void pcb_capture(struct pcb_thread *t, const struct pcb_event *ev,
                 uintptr_t *pcs);
/* Its unwind half alone: at most `depth` PCs, the count returned, for a
 * strategy that looks at a capture before handing it on (a spill); pcs[]
 * holds depth + the unwinder's slack. */
int pcb_unwind_event(const struct pcb_thread *t, const struct pcb_event *ev,
                     uintptr_t *pcs, int depth, bool *truncated);

/* The per-thread slice (t->buf) of t->room PCs, allocated through
 * pcb_hooks so a test or the churn entries can fail it: 0 or PCB_ENOMEM,
 * t unchanged on failure.  pcb_thread_buf_bytes, a heap_bytes hook, is
 * t->buf_bytes: what the strategy set when it took its buffer. */
int pcb_slice_alloc(struct pcb_thread *t);
void pcb_slice_free(struct pcb_thread *t);
size_t pcb_thread_buf_bytes(const struct pcb_thread *t);
/* The hooks of a strategy that keeps no buffer (off, stack): nothing to
 * set up or free, and no heap. */
int pcb_nobuf_init(struct pcb_thread *t);
void pcb_nobuf_exit(struct pcb_thread *t);
size_t pcb_nobuf_bytes(const struct pcb_thread *t);

#endif
