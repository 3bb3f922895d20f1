/* Worker threads owned by the harness; see partner.h. */
#include <errno.h>

#include "base/topo.h"
#include "pcbench/error.h"
#include "run/partner.h"

struct start {
  struct pcb_partner *p;
  int pu;
};

static void *partner_main(void *arg)
{
  struct pcb_partner *p = arg;

  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (p->fn == NULL && !p->quit)
      pthread_cond_wait(&p->cv, &p->mu);
    if (p->quit)
      break;
    pcb_partner_fn fn = p->fn;
    void *fa = p->arg;
    pthread_mutex_unlock(&p->mu);
    int r = fn(fa);
    pthread_mutex_lock(&p->mu);
    p->result = r;
    p->fn = NULL;
    p->busy = false;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

static int bind_to(void *arg)
{
  return pcb_topo_bind(*(int *)arg);
}

int pcb_partner_start(struct pcb_partner *p, int pu)
{
  int rc;

  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  p->fn = NULL;
  p->busy = p->quit = false;
  /* EAGAIN: no memory for the thread's stack or its thread-local
   * storage (or a thread limit): the run cannot have its threads */
  rc = pthread_create(&p->th, NULL, partner_main, p);
  if (rc != 0)
    return rc == EAGAIN ? PCB_ENOMEM : PCB_ESYS;
  return pcb_partner_bind(p, pu);
}

int pcb_partner_bind(struct pcb_partner *p, int pu)
{
  return pcb_partner_call(p, bind_to, &pu);
}

void pcb_partner_post(struct pcb_partner *p, pcb_partner_fn fn, void *arg)
{
  pthread_mutex_lock(&p->mu);
  while (p->busy)
    pthread_cond_wait(&p->cv, &p->mu);
  p->fn = fn;
  p->arg = arg;
  p->busy = true;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

int pcb_partner_join(struct pcb_partner *p)
{
  int r;

  pthread_mutex_lock(&p->mu);
  while (p->busy)
    pthread_cond_wait(&p->cv, &p->mu);
  r = p->result;
  pthread_mutex_unlock(&p->mu);
  return r;
}

int pcb_partner_call(struct pcb_partner *p, pcb_partner_fn fn, void *arg)
{
  pcb_partner_post(p, fn, arg);
  return pcb_partner_join(p);
}

void pcb_partner_stop(struct pcb_partner *p)
{
  pthread_mutex_lock(&p->mu);
  p->quit = true;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  pthread_join(p->th, NULL);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
}
