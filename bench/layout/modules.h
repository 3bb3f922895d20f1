/*
 * Users' modules (pcbench --module=PATH, repeatable): event-path modules
 * (pcbench/module.h) loaded by path, each bringing strategies pcbench
 * does not have.  Those join the strategy table (pcb_strategy_add) under
 * their own names, so --strategies, --list and every suite take them; a
 * name pcbench has stays pcbench's (the module's copy of it is not used).
 * An event of a module's strategy runs its record, capture, unwinder and
 * consumer from that module; a paired batch runs there whole (loops,
 * chain and all).  Google Benchmark's timed loops are pcbench's: a module
 * never runs them (layout/build.c).
 *
 * Naming: a module is known by its label, --module=LABEL=PATH with LABEL
 * [a-z_]+, or else by its file's name without "lib" and ".so", any
 * character outside [a-z_] made '_' (libmy_strategy.so: my_strategy), in
 * the results' context (`modules`, `strategy_modules`).  Modules may
 * share a label: another build's layout modules, loaded as one "old".
 *
 * Old against new: a module that brings no strategy of its own is
 * another build's event path (its layout-<k>.so).  A strategy the run
 * times that such a module also carries is not added to the table; the
 * paired entries time it a second time on the module's copies, as the
 * arm `<strategy>@<label>` (suites/paired.c), the only place it appears.
 * A module that brings a strategy (a user's) gets no such arms: the
 * copies of pcbench's strategies it carries are pcbench's own code.
 */
#ifndef PCBENCH_LAYOUT_MODULES_H
#define PCBENCH_LAYOUT_MODULES_H

#include <stddef.h>

#include "layout/module.h"

/* Loads every --module=PATH (or --module PATH) of argv, in order, before
 * the command line is parsed, and adds their new strategies to the
 * table.  0, or 2 with *err one line: a file that cannot load, is no
 * module, has another ABI version (both named), a strategy it brings is
 * malformed, or more than 72 modules. */
int pcb_modules_load(int argc, char **argv, char *err, size_t errlen);
/* Each module's init, with the host's hooks, unwinder and clock: 0, or
 * PCB_E* and *err naming the module. */
int pcb_modules_init(const char *unwinder, enum pcb_clock_path clock,
                     char *err, size_t errlen);
void pcb_modules_fini(void);
/* The module strategy s came from, NULL for pcbench's own. */
const struct pcb_event_module *pcb_modules_owner(
    const struct pcb_strategy *s);
/* Its module's name (above), NULL for pcbench's own. */
const char *pcb_modules_name(const struct pcb_strategy *s);
/* The loaded modules, in --module order, and each one's label. */
int pcb_modules_count(void);
const struct pcb_event_module *pcb_modules_at(int k);
const char *pcb_modules_label(int k);
/* How many strategies module k added to the table (0: another build). */
int pcb_modules_brought(int k);
/* "name=path;..." of the loaded modules, "" if none: context `modules`. */
const char *pcb_modules_describe(void);

#endif
