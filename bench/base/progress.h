/*
 * Progress on stderr, and the entry being run.  Every entry's body names
 * itself here before it measures anything; an interrupted run's message
 * reads back which entry it stopped in.  Bottom layer: any suite may call
 * it, and it calls nothing of theirs.
 */
#ifndef PCBENCH_PROGRESS_H
#define PCBENCH_PROGRESS_H

#ifdef __cplusplus
extern "C" {
#endif

/* How many steps the run has: entries to run, times their repetitions
 * when those are interleaved (gbshim.cc counts them before the run). */
void pcb_progress_total(int n);
/* Names `name` on stderr the first time it runs (each repetition calls
 * again) and remembers it; `name` must outlive the run.  With a total,
 * each new name is one step, shown as "[12/96, ETA 1m05s]": the time left
 * at the mean pace of the steps so far. */
void pcb_progress(const char *name);
/* The same, numbered as the i-th (from 0) of n entries of `group`. */
void pcb_progress_nth(const char *name, const char *group, int i, int n);
/* The entry running now, or NULL.  Read from a signal handler: a plain
 * pointer load. */
const char *pcb_progress_current(void);
void pcb_progress_clear(void);

#ifdef __cplusplus
}
#endif

#endif
