/*
 * The child's handle on the preloaded allocator's profiler, resolved
 * with dlsym (control.c): switch it on and off, name it, read its profile
 * and, where the allocator can say, the heap its profiler holds.
 */
#ifndef PCBENCH_SHIPPED_CONTROL_H
#define PCBENCH_SHIPPED_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

struct pcb_prof_control {
  /* 0, or -1 and *why: its calls are not in the process (not preloaded) */
  int (*init)(const char **why);
  void (*active)(bool on);
  void (*version)(char *out, size_t n);
  void (*settings)(char *out, size_t n);
  /* The profile as text (malloc'd, the caller frees), or NULL. */
  char *(*profile)(void);
  /* Heap the allocator counts as its own metadata (bytes), or -1 where it
   * cannot say. */
  long (*metadata)(void);
};

const struct pcb_prof_control *pcb_prof_control_find(const char *name);

#endif
