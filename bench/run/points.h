/*
 * The points of a configuration: the one enumeration of the matrix, in
 * its order, and the one builder of a point's entry name.
 */
#ifndef PCBENCH_POINTS_H
#define PCBENCH_POINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "run/point.h"

/* fn(p, arg) for each point of c, in the matrix's order (workload,
 * strategy, depth, frames, placement -- the last only for workloads of
 * several threads); stops at, and returns, the first error. */
typedef int (*pcb_point_fn)(const struct pcb_point *p, void *arg);
int pcb_points_each(const struct pcb_config *c, pcb_point_fn fn, void *arg);
int pcb_points_count(const struct pcb_config *c);
/* The entry name of point p (base/name.h): `kind` first if not NULL, the
 * strategy's name unless !strategy (an entry across strategies). */
int pcb_point_name(char *buf, size_t len, const char *kind,
                   const struct pcb_point *p, bool strategy);

#endif
