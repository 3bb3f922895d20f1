/*
 * The host's side of the layouts (module.h): pcbench's own event path as
 * copy 0, and the layout modules found beside the executable
 * (pcbench-layouts/layout-<k>.so) as copies 1..n.  Loaded once, before
 * any entry runs; each file is mapped on its own, so a copy's code lies
 * at another virtual address and on other physical pages as well as in
 * another order.
 */
#ifndef PCBENCH_LAYOUTS_H
#define PCBENCH_LAYOUTS_H

#include "layout/module.h"

/* Loads up to `want` modules (0: none) from `dir` (NULL: the folder
 * pcbench-layouts beside the running executable); pcbench's own copy is
 * always there.  Describes the outcome in the results' context
 * (`layouts`).  The number of copies (>= 1); a module that cannot load,
 * or was built from other sources, is an error: PCB_EVERSION / PCB_ESYS,
 * *err says which file and why. */
int pcb_layouts_init(const char *dir, int want, const char *unwinder,
                     enum pcb_clock_path clock, char *err, size_t errlen);
void pcb_layouts_fini(void);
/* What the last pcb_layouts_init loaded, in words: the results' context
 * key `layouts`. */
const char *pcb_layouts_describe(void);
int pcb_layouts_count(void);
/* Copy i, 0 <= i < pcb_layouts_count(); 0 is pcbench's own. */
const struct pcb_event_module *pcb_layout_at(int i);

/* Opens the module at `path` (dlopen, its entry point) and checks it
 * against pcbench's own copy: its ABI version and struct sizes.  0 and
 * *out, or PCB_ESYS (cannot load) / PCB_EVERSION (not a module, or one of
 * another version: *err names both); *handle is dlopen's, NULL if none,
 * for the caller to close either way.  Does not call init. */
int pcb__module_open(const char *path, void **handle,
                     const struct pcb_event_module **out, char *err,
                     size_t errlen);
/* The same from a private copy of the file (a memfd): an object and
 * pages of this process's own, placed afresh in each process, never
 * shared with another load of the file.  For another build's event
 * path timed against this one: a file's own pages sit at the same
 * physical addresses in every process, a placement no draw of processes
 * varies (docs/ci.md). */
int pcb__module_open_private(const char *path, void **handle,
                             const struct pcb_event_module **out, char *err,
                             size_t errlen);

#endif
