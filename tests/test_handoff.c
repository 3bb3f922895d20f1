/*
 * The token ring: the token visits the threads strictly in ring order, no
 * wake is lost with or without spinning, stop releases a parked waiter,
 * and spinning is refused where a partner cannot run alongside.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "pcbench/error.h"
#include "pcbench/handoff.h"

enum { ROUNDS = 2000, MAX_THREADS = 4 };

struct ring {
  struct pcb_handoff h;
  int holder[ROUNDS * MAX_THREADS];  /* who held the token, in order */
  int n;                             /* written only by the holder */
  int rounds;
  atomic_int done;                   /* members that have left */
};

struct member {
  struct ring *ring;
  int me;
};

static void *member_main(void *arg)
{
  struct member *m = arg;
  struct ring *r = m->ring;

  for (int i = 0; i < r->rounds; i++) {
    if (!pcb_handoff_wait(&r->h, m->me))
      break;
    r->holder[r->n++] = m->me;
    pcb_handoff_pass(&r->h, m->me);
  }
  atomic_fetch_add(&r->done, 1);
  return NULL;
}

static void run_ring(int nthreads, uint64_t spin_ns)
{
  static struct ring r;
  pthread_t tid[MAX_THREADS];
  struct member m[MAX_THREADS];

  struct timespec tick = { 0, 10 * 1000 * 1000 };

  r.n = 0;
  r.rounds = ROUNDS;
  atomic_init(&r.done, 0);
  assert_int_equal(pcb_handoff_init(&r.h, nthreads, spin_ns), 0);
  for (int i = 0; i < nthreads; i++) {
    m[i] = (struct member){ &r, i };
    assert_int_equal(pthread_create(&tid[i], NULL, member_main, &m[i]), 0);
  }
  /* A lost wake or a skipped member would hang the ring: give up after
   * 30 s and let the count below fail. */
  for (int i = 0; i < 3000 && atomic_load(&r.done) < nthreads; i++)
    nanosleep(&tick, NULL);
  pcb_handoff_stop(&r.h);
  for (int i = 0; i < nthreads; i++)
    pthread_join(tid[i], NULL);
  assert_int_equal(r.n, ROUNDS * nthreads);
  for (int i = 0; i < r.n; i++)
    assert_int_equal(r.holder[i], i % nthreads);
  assert_int_equal(atomic_load(&r.h.waits), (uint64_t)(ROUNDS * nthreads));
  assert_true(atomic_load(&r.h.parked) <= atomic_load(&r.h.waits));
}

static void ring_order_parking(void **state)
{
  (void)state;
  run_ring(2, 0);
  run_ring(3, 0);
}

static void ring_order_spinning(void **state)
{
  (void)state;
  run_ring(2, 50 * 1000);
  run_ring(4, 50 * 1000);
}

static void *stop_waiter(void *arg)
{
  struct pcb_handoff *h = arg;

  return pcb_handoff_wait(h, 1) ? (void *)h : NULL;
}

/* Thread 1 waits for a token that never comes; stop releases it and says
 * so, and later waits return at once. */
static void stop_releases_parked(void **state)
{
  struct pcb_handoff h;
  struct timespec nap = { 0, 20 * 1000 * 1000 };
  pthread_t tid;
  void *got = &h;

  (void)state;
  assert_int_equal(pcb_handoff_init(&h, 2, 0), 0);
  assert_int_equal(pthread_create(&tid, NULL, stop_waiter, &h), 0);
  nanosleep(&nap, NULL);
  pcb_handoff_stop(&h);
  pthread_join(tid, &got);
  assert_null(got);
  assert_false(pcb_handoff_wait(&h, 0));
}

static void spin_only_when_both_run(void **state)
{
  (void)state;
  assert_false(pcb_handoff_spin_possible(1, 0, 0));
  assert_false(pcb_handoff_spin_possible(1, -1, -1));
  assert_false(pcb_handoff_spin_possible(2, 0, 0));
  assert_true(pcb_handoff_spin_possible(2, 0, 1));
  assert_true(pcb_handoff_spin_possible(2, -1, 1));
}

static void bad_arguments(void **state)
{
  struct pcb_handoff h;

  (void)state;
  assert_int_equal(pcb_handoff_init(NULL, 2, 0), PCB_EINVAL);
  assert_int_equal(pcb_handoff_init(&h, 1, 0), PCB_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(ring_order_parking),
    cmocka_unit_test(ring_order_spinning),
    cmocka_unit_test(stop_releases_parked),
    cmocka_unit_test(spin_only_when_both_run),
    cmocka_unit_test(bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
