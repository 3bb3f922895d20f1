/*
 * Shipped heap profilers as external rows (docs/shipped.md).
 *
 * An allocator with a heap profiler built in replaces malloc for the
 * whole process, so each is measured in a process of its own: pcbench
 * starts itself again with the allocator preloaded (LD_PRELOAD) and
 * PCB_SHIPPED_CHILD naming it (child.c), and the child runs the malloc
 * workload's event -- a 64-byte malloc and free at the bottom of the same
 * oracle chain -- through the real allocator, its profiler active against
 * the same allocator with it inactive.  The child writes its figures as
 * "key value" lines on stdout; the parent (spawn.c) reads them into one
 * results row.  Nothing here links the allocators: their calls are
 * dlsym'd in the child, so the pcbench binary stays as it was.
 *
 * Every profiler keeps its PCs somewhere: jemalloc in a per-thread
 * buffer of 128 made on the thread's first sampled allocation (pcbench's
 * `lazy`), gperftools on the capturing frame, 32 of them (`stack`).
 */
#ifndef PCBENCH_SHIPPED_H
#define PCBENCH_SHIPPED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcb_shipped {
  const char *name;      /* "jemalloc": --external's word, the row's */
  const char *package;   /* the Debian package that ships the library */
  const char *library;   /* the file preloaded */
  int depth;             /* PCs its profiler keeps at most */
  const char *design;    /* pcbench's strategy of the same design */
  const char *unwinder;  /* pcbench's unwinder the profiler's matches */
  /* Sampling rates, mean bytes between samples: every allocation (1),
   * and the allocator's default (1 again where it samples everything). */
  uint64_t rate_default;
  /* The environment a child of this allocator gets at `rate`, as
   * "NAME=value" strings (at most 4, NULL-terminated, static). */
  void (*environment)(uint64_t rate, const char **env);
};

size_t pcb_shipped_count(void);
const struct pcb_shipped *pcb_shipped_at(size_t i);
const struct pcb_shipped *pcb_shipped_find(const char *name);
/* NULL if the allocator can be measured here, else why not. */
const char *pcb_shipped_unusable(const struct pcb_shipped *a);

/* The child's side: set when PCB_SHIPPED_CHILD is in the environment;
 * returns the process's exit status. */
bool pcb_shipped_is_child(void);
int pcb_shipped_child_main(void);

/* The parent's side: what one child measured. */
enum { PCB_SHIPPED_FIGS_MAX = 32 };
struct pcb_shipped_figs {
  int n;
  char key[PCB_SHIPPED_FIGS_MAX][32];
  double value[PCB_SHIPPED_FIGS_MAX];
  char version[96];   /* the allocator's own */
  char settings[160]; /* its profiler's, as the child set them */
};

/* Runs a child for allocator a at `frames` and `rate`, `rounds` paired
 * rounds; 0, or -1 with one line on stderr. */
int pcb_shipped_run(const struct pcb_shipped *a, int frames, uint64_t rate,
                    int rounds, uint64_t seed, struct pcb_shipped_figs *f);

#endif
