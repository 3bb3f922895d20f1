/*
 * The points of a configuration and their entries (see runner.h): the
 * one enumeration of the matrix, in its order, and the one place that
 * names a point's entry.
 */
#include <stdlib.h>

#include "base/name.h"
#include "run/runner.h"

static int places_of(const struct pcb_config *c, const struct pcb_workload *wl)
{
  return wl->min_threads > 1 ? c->nplaces : 1;
}

/* Cold entries only for a workload that has cold loops. */
static bool has_cache(const struct pcb_workload *wl, enum pcb_cache cache)
{
  return cache == PCB_CACHE_WARM || wl->cold_loop != NULL;
}

/* The points of workload wl, cache state k: strategy, depth, frames,
 * placement. */
static int points_of(const struct pcb_config *c, const struct pcb_workload *wl,
                     enum pcb_cache k, pcb_point_fn fn, void *arg)
{
  int err = 0;

  for (int s = 0; s < c->nstrategies; s++)
    for (int d = 0; d < c->ndepths; d++)
      for (int f = 0; f < c->nframes; f++)
        for (int i = 0; i < places_of(c, wl) && !err; i++) {
          struct pcb_point p = {
            wl, c->strategies[s], c->depths[d], c->frames[f],
            c->threads ? c->threads : wl->min_threads, c->places[i], k };

          err = fn(&p, arg);
        }
  return err;
}

/* Warm entries first, as before the cache axis; then the cold ones. */
int pcb_points_each(const struct pcb_config *c, pcb_point_fn fn, void *arg)
{
  int err = 0;

  for (int k = 0; k < c->ncaches && !err; k++)
    for (int w = 0; w < c->nworkloads && !err; w++)
      if (has_cache(c->workloads[w], c->caches[k]))
        err = points_of(c, c->workloads[w], c->caches[k], fn, arg);
  return err;
}

int pcb_points_count(const struct pcb_config *c)
{
  int n = 0;

  for (int k = 0; k < c->ncaches; k++)
    for (int w = 0; w < c->nworkloads; w++)
      if (has_cache(c->workloads[w], c->caches[k]))
        n += places_of(c, c->workloads[w]);
  return n * c->nstrategies * c->ndepths * c->nframes;
}

struct entries {
  struct pcb_point_entry *at;
  int n;
  const char *kind;
};

static int add_entry(const struct pcb_point *p, void *arg)
{
  struct entries *es = arg;
  struct pcb_point_entry *e = &es->at[es->n];

  *e = (struct pcb_point_entry){ .p = *p, .index = es->n++ };
  return PCB_ENTRY_NAME(e->name, PCB_NAME_WORD_IF(es->kind, es->kind ? es->kind : ""),
                        PCB_NAME_WORD(p->wl->name), PCB_NAME_WORD(p->s->name),
                        PCB_NAME_INT("depth", p->depth),
                        PCB_NAME_INT("frames", p->frames),
                        PCB_NAME_INT_IF(p->threads > 1, "threads", p->threads),
                        PCB_NAME_STR_IF(p->wl->min_threads > 1, "place",
                                        pcb_place_name(p->place)),
                        PCB_NAME_STR_IF(p->cache == PCB_CACHE_COLD, "cache",
                                        pcb_cache_name(p->cache)));
}

struct pcb_point_entry *pcb_point_entries(const struct pcb_config *c,
                                          const char *kind, int *n)
{
  struct entries es = { calloc((size_t)pcb_points_count(c) + 1,
                               sizeof(*es.at)), 0, kind };

  if (es.at != NULL && pcb_points_each(c, add_entry, &es) != 0) {
    free(es.at);
    es = (struct entries){ NULL, 0, kind };
  }
  *n = es.n;
  return es.at;
}

