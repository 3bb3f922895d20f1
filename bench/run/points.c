/*
 * The points of a configuration (see points.h): the one enumeration of
 * the matrix, in its order, and the one place that names a point.
 */
#include "base/name.h"
#include "run/points.h"

static int places_of(const struct pcb_config *c, const struct pcb_workload *wl)
{
  return wl->min_threads > 1 ? c->nplaces : 1;
}

/* Cold entries only for a workload that has cold loops. */
static bool has_cache(const struct pcb_workload *wl, enum pcb_cache cache)
{
  return cache == PCB_CACHE_WARM || wl->cold_loop != NULL;
}

static bool has_go(const struct pcb_config *c)
{
  for (int r = 0; r < c->nrates; r++)
    if (c->rates[r] == PCB_RATE_GO)
      return true;
  return false;
}

/* The points of workload wl, cache state k, rate: strategy, depth,
 * frames, placement. */
static int points_of(const struct pcb_config *c, const struct pcb_workload *wl,
                     enum pcb_cache k, uint64_t rate, pcb_point_fn fn,
                     void *arg)
{
  int err = 0;

  for (int s = 0; s < c->nstrategies; s++)
    for (int d = 0; d < c->ndepths; d++)
      for (int f = 0; f < c->nframes; f++)
        for (int i = 0; i < places_of(c, wl) && !err; i++) {
          struct pcb_point p = {
            wl, c->strategies[s], c->depths[d], c->frames[f],
            c->threads ? c->threads : wl->min_threads, c->places[i], k,
            rate };

          err = fn(&p, arg);
        }
  return err;
}

/*
 * Warm entries first, as before the cache axis; then the cold ones; each
 * cache state at every numeric rate of --rate, in its order.  Last, the
 * rate:go points, always cold, whatever --cache lists: Go's default rate
 * models a real program, which touches other memory between two sampled
 * events, so Go's rates meet caches the way a cold entry does.  They
 * exist for the workloads with cold loops alone.
 */
int pcb_points_each(const struct pcb_config *c, pcb_point_fn fn, void *arg)
{
  int err = 0;

  for (int k = 0; k < c->ncaches && !err; k++)
    for (int w = 0; w < c->nworkloads && !err; w++)
      for (int r = 0; r < c->nrates && !err; r++)
        if (c->rates[r] != PCB_RATE_GO && has_cache(c->workloads[w],
                                                    c->caches[k]))
          err = points_of(c, c->workloads[w], c->caches[k], c->rates[r], fn,
                          arg);
  for (int w = 0; w < c->nworkloads && !err && has_go(c); w++)
    if (has_cache(c->workloads[w], PCB_CACHE_COLD))
      err = points_of(c, c->workloads[w], PCB_CACHE_COLD, PCB_RATE_GO, fn,
                      arg);
  return err;
}

static int count_one(const struct pcb_point *p, void *arg)
{
  (void)p;
  ++*(int *)arg;
  return 0;
}

int pcb_points_count(const struct pcb_config *c)
{
  int n = 0;

  pcb_points_each(c, count_one, &n);
  return n;
}

int pcb_point_name(char *buf, size_t len, const char *kind,
                   const struct pcb_point *p, bool strategy)
{
  return pcb_entry_name(buf, len, (const struct pcb_name_part[]){
      PCB_NAME_WORD_IF(kind, kind ? kind : ""),
      PCB_NAME_WORD(p->wl->name),
      PCB_NAME_WORD_IF(strategy, p->s->name),
      PCB_NAME_INT("depth", p->depth),
      PCB_NAME_INT("frames", p->frames),
      PCB_NAME_INT_IF(p->threads > 1, "threads", p->threads),
      PCB_NAME_STR_IF(p->wl->min_threads > 1, "place",
                      pcb_place_name(p->place)),
      PCB_NAME_STR_IF(p->cache == PCB_CACHE_COLD, "cache",
                      pcb_cache_name(p->cache)),
      PCB_NAME_STR_IF(p->rate == PCB_RATE_GO, "rate", "go"),
      PCB_NAME_INT_IF(p->rate != PCB_RATE_GO && p->rate != 1, "rate",
                      (long long)p->rate),
      { NULL, NULL, 0, "", false } });
}
