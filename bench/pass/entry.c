/*
 * The entries of points (see entry.h): one Google Benchmark entry per
 * point, named by the point's name (run/points.h).  The sets live until
 * pcb_point_sets_fini: Google Benchmark's bodies point into them.
 */
#include <stdlib.h>

#include "pass/entry.h"

static struct pcb_point_set *sets;  /* every set made, newest first */

struct adding {
  struct pcb_point_set *set;
  const char *kind;
};

static int add_entry(const struct pcb_point *p, void *arg)
{
  const struct adding *a = arg;
  struct pcb_point_entry *e = &a->set->at[a->set->n];

  *e = (struct pcb_point_entry){ .p = *p, .index = a->set->n++ };
  return pcb_point_name(e->name, sizeof(e->name), a->kind, p, true);
}

struct pcb_point_set *pcb_point_register(const struct pcb_config *c,
                                         const char *kind, pcb_gb_fn body,
                                         const struct pcb_gb_opts *o)
{
  struct pcb_point_set *set = calloc(1, sizeof(*set) +
                                     (size_t)pcb_points_count(c) *
                                     sizeof(set->at[0]));
  struct adding a = { set, kind };

  if (set == NULL)
    return NULL;
  if (pcb_points_each(c, add_entry, &a) != 0) {
    free(set);
    return NULL;
  }
  for (int i = 0; i < set->n; i++) {
    struct pcb_gb_opts oi = *o;

    oi.real_time = set->at[i].p.wl->real_time;
    pcb_gb_register(set->at[i].name, body, &set->at[i], &oi);
  }
  set->next = sets;
  sets = set;
  return set;
}

void pcb_point_sets_fini(void)
{
  while (sets != NULL) {
    struct pcb_point_set *next = sets->next;

    free(sets);
    sets = next;
  }
}
