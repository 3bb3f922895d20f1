/*
 * The arms of a paired entry (paired_arms.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "layout/layouts.h"
#include "layout/modules.h"
#include "pcbench/error.h"
#include "pcbench/layout.h"
#include "pcbench/unwind.h"
#include "suites/paired_arms.h"

struct reg {
  const struct pcb_strategy *s;
  int depth;
};

static int arm_register(struct pcb_wl_thread *w, void *arg)
{
  const struct reg *r = arg;

  return pcb_thread_register(&w->thread, r->s, r->depth);
}

static int arm_unregister(struct pcb_wl_thread *w, void *arg)
{
  (void)arg;
  pcb_thread_unregister(&w->thread);
  return 0;
}

const struct pcb_event_module *pcb__arm_on_copy(struct pcb__arm *arm,
                                                int threads, int copy)
{
  const struct pcb_event_module *m = pcb_layout_at(copy);
  const struct pcb_strategy *s = arm->s;

  if (arm->nhomes > 0) {
    /* another build's copy: the homes of its label, dealt as copies */
    int h = (arm->s->flags & PCB_F_SHARED) ? 0
                                            : (copy + arm->shift) % arm->nhomes;

    for (int i = 0; i < threads && arm->ptr[i] != NULL; i++) {
      arm->ptr[i]->thread.strategy = arm->home_s[h];
      arm->ptr[i]->consume = arm->home[h]->consume_timed;
    }
    return arm->home[h];
  }
  if (pcb_modules_owner(arm->s) != NULL) {
    /* a user's module's strategy: its module is its only copy */
    m = pcb_modules_owner(arm->s);
    for (int i = 0; i < threads && arm->ptr[i] != NULL; i++) {
      arm->ptr[i]->thread.strategy = arm->s;
      arm->ptr[i]->consume = m->consume_timed;
    }
    return m;
  }
  if (copy != 0 && !(arm->s->flags & PCB_F_SHARED))
    s = m->strategy(arm->s->name);
  if (s == NULL || s == arm->s)
    m = pcb_layout_at(0);
  for (int i = 0; i < threads && arm->ptr[i] != NULL; i++) {
    arm->ptr[i]->thread.strategy = s ? s : arm->s;
    arm->ptr[i]->consume = m->consume_timed;
  }
  return m == pcb_layout_at(0) ? NULL : m;
}

/* The measuring thread's state back where it registered, with the
 * buffer its strategy allocated, on pcbench's own copy: so that
 * thread_exit frees that buffer. */
static void arm_home(struct pcb__arm *arm, int threads)
{
  pcb__arm_on_copy(arm, threads, 0);
  if (arm->ptr[0] != NULL && arm->ptr[0] != &arm->w[0])
    memcpy(&arm->w[0], arm->ptr[0], sizeof(arm->w[0]));
  arm->ptr[0] = &arm->w[0];
  if (arm->own_buf != NULL)
    arm->w[0].thread.buf = arm->own_buf;
  arm->own_buf = NULL;
}

void pcb__arm_free(struct pcb__arm *arm, const struct pcb_point *p)
{
  arm_home(arm, p->threads);
  for (int i = 0; i < arm->registered && i < p->threads; i++)
    pcb_runner_call_on(i, arm_unregister, &arm->w[i], NULL);
  free(arm->ns);
  for (int k = 0; k < PCB_ARM_PAGES; k++) {
    if (arm->region[k] != NULL)
      munmap(arm->region[k], arm->region_bytes);
    if (arm->heap[k] != NULL)
      munmap(arm->heap[k], arm->heap_bytes);
  }
  *arm = (struct pcb__arm){ 0 };
}

void pcb__arm_relayout(struct pcb__arm *arm, struct pcb_rng *rng)
{
  struct pcb_thread *t;
  struct pcb_layout lay;
  unsigned char *to;
  size_t k = (size_t)pcb_rng_below(rng, PCB_ARM_PAGES);

  pcb_layout_draw(rng, &lay);
  to = arm->region[k] + lay.stack_offset;
  memmove(to, arm->ptr[0], sizeof(arm->w[0]));
  arm->ptr[0] = (struct pcb_wl_thread *)(void *)to;
  t = &arm->ptr[0]->thread;
  if (t->buf == NULL || t->buf_bytes == 0 || (arm->s->flags & PCB_F_SHARED) ||
      t->buf_bytes > arm->heap_bytes / 2)
    return;
  if (arm->own_buf == NULL)
    arm->own_buf = t->buf;
  k = (size_t)pcb_rng_below(rng, PCB_ARM_PAGES);
  t->buf = pcb_layout_place(arm->heap[k], arm->heap_bytes, t->buf_bytes,
                            lay.heap_offset);
}

/* A mapping of its own, touched: its pages are there before any round. */
static unsigned char *fresh_pages(size_t bytes)
{
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  if (p == MAP_FAILED)
    return NULL;
  memset(p, 0, bytes);
  return p;
}

int pcb__arm_add(struct pcb__arm *arm, const struct pcb_point *p,
                 const struct pcb_strategy *s, const char *suffix,
                 int rounds, uint64_t rate)
{
  struct reg r = { s, p->depth };
  int err = 0;

  arm->s = s;
  snprintf(arm->label, sizeof(arm->label), "%s%s", s->name, suffix);
  arm->ns = calloc((size_t)rounds, sizeof(double));
  arm->region_bytes = PCB_LAYOUT_SPAN + sizeof(arm->w[0]);
  arm->heap_bytes = pcb_layout_region_bytes(  /* room for any slack */
      (size_t)(p->depth + PCB_SLACK_MAX) * sizeof(uintptr_t));
  if (arm->ns == NULL)
    return PCB_ENOMEM;
  for (int k = 0; k < PCB_ARM_PAGES; k++) {
    arm->region[k] = fresh_pages(arm->region_bytes);
    arm->heap[k] = fresh_pages(arm->heap_bytes);
    if (arm->region[k] == NULL || arm->heap[k] == NULL)
      return PCB_ENOMEM;
  }
  for (int i = 0; i < p->threads && err == 0; i++) {
    pcb_runner_arm_state(i, &arm->w[i], rate);
    arm->ptr[i] = &arm->w[i];
    err = pcb_runner_call_on(i, arm_register, &arm->w[i], &r);
    arm->registered += err == 0;
  }
  return err;
}

int pcb__arm_add_labelled(struct pcb__arm *arm, const struct pcb_point *p,
                          const char *name, const char *label, int shift,
                          int rounds, uint64_t rate)
{
  const struct pcb_event_module *home[PCB_ARM_HOMES];
  const struct pcb_strategy *home_s[PCB_ARM_HOMES];
  char suffix[72];
  int n = 0, err;

  for (int k = 0; k < pcb_modules_count(); k++) {
    if (strcmp(pcb_modules_label(k), label) != 0)
      continue;
    if (n == PCB_ARM_HOMES)
      break;
    home[n] = pcb_modules_at(k);
    home_s[n] = home[n]->strategy(name);
    if (home_s[n] == NULL)
      return PCB_ENOENT;
    n++;
  }
  if (n == 0)
    return PCB_ENOENT;
  snprintf(suffix, sizeof(suffix), "@%s", label);
  err = pcb__arm_add(arm, p, home_s[0], suffix, rounds, rate);
  snprintf(arm->label, sizeof(arm->label), "%s@%s", name, label);
  memcpy(arm->home, home, sizeof(home[0]) * (size_t)n);
  memcpy(arm->home_s, home_s, sizeof(home_s[0]) * (size_t)n);
  arm->nhomes = n;
  arm->shift = shift;
  return err;
}

/* The shared-path arm of old against new: the first capture-only
 * strategy (its record the capture path alone, strategy.h), unless one
 * of the run's arms[0..nhost) times it already; NULL if none. */
static const struct pcb_strategy *shared_path(const struct pcb__arm *arms,
                                              int nhost)
{
  for (size_t i = 0; i < pcb_strategy_count(); i++) {
    const struct pcb_strategy *s = pcb_strategy_at(i);

    if (s->flags & PCB_F_CAPTURE_ONLY) {
      for (int a = 0; a < nhost; a++)
        if (arms[a].s == s)
          return NULL;
      return s;
    }
  }
  return NULL;
}

int pcb__arms_add_other_builds(struct pcb__arm *arms, int *narms, int max,
                               const struct pcb_point *p, int rounds,
                               uint64_t rate)
{
  const int nhost = *narms;
  const struct pcb_strategy *extra = shared_path(arms, nhost);
  int err = 0, shift = 0;

  for (int k = 0; k < pcb_modules_count() && err == 0; k++) {
    const char *label = pcb_modules_label(k);
    bool seen = false, added = false;

    for (int j = 0; j < pcb_modules_count(); j++)
      if (strcmp(pcb_modules_label(j), label) == 0)
        seen |= j < k || pcb_modules_brought(j) > 0;
    for (int a = 0; a <= nhost && !seen && err == 0; a++) {
      const struct pcb_strategy *s = a < nhost ? arms[a].s : extra;

      if (s == NULL)
        break;
      if (pcb_modules_owner(s) != NULL || *narms + 1 >= max)
        continue;  /* a module's own strategy has no other build */
      err = pcb__arm_add_labelled(&arms[*narms], p, s->name, label, shift,
                                  rounds, rate);
      if (err == PCB_ENOENT)
        err = 0;  /* that build lacks it: no arm */
      else
        ++*narms, added = true;  /* pcb__arm_free undoes it all */
    }
    shift += added;
  }
  return err;
}

bool pcb__arms_other_builds(const struct pcb__arm *arms, int narms)
{
  for (int a = 0; a < narms; a++)
    if (arms[a].nhomes > 0)
      return true;
  return false;
}
