/* The bucket table: identity by PCs, copies, counts, concurrency, full. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pcbench/bucket.h"
#include "pcbench/error.h"

static void same_stack_same_bucket(void **state)
{
  struct pcb_bucket_table bt;
  uintptr_t a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 4 };

  (void)state;
  assert_int_equal(pcb_bucket_table_init(&bt, 16, 64), 0);
  assert_int_equal(pcb_bucket_add(&bt, a, 3, 10, 0), 0);
  assert_int_equal(pcb_bucket_add(&bt, a, 3, 20, 5), 0);
  assert_int_equal(pcb_bucket_add(&bt, b, 3, 1, 0), 0);
  assert_int_equal(pcb_bucket_add(&bt, a, 2, 1, 0), 0);  /* a prefix differs */
  assert_int_equal(pcb_bucket_count(&bt), 3);
  const struct pcb_bucket *k = pcb_bucket_find(&bt, a, 3);
  assert_non_null(k);
  assert_int_equal(k->events, 2);
  assert_int_equal(k->bytes, 30);
  assert_int_equal(k->cycles, 5);
  pcb_bucket_table_destroy(&bt);
}

static void copies_the_pcs(void **state)
{
  struct pcb_bucket_table bt;
  uintptr_t a[2] = { 7, 8 };

  (void)state;
  assert_int_equal(pcb_bucket_table_init(&bt, 4, 8), 0);
  assert_int_equal(pcb_bucket_add(&bt, a, 2, 0, 0), 0);
  a[0] = 0;
  assert_null(pcb_bucket_find(&bt, a, 2));
  a[0] = 7;
  assert_non_null(pcb_bucket_find(&bt, a, 2));
  pcb_bucket_table_destroy(&bt);
}

static void full_table(void **state)
{
  struct pcb_bucket_table bt;
  uintptr_t pc[1];

  (void)state;
  assert_int_equal(pcb_bucket_table_init(&bt, 2, 100), 0);
  for (int i = 0; i < 2; i++) {
    pc[0] = 100 + i;
    assert_int_equal(pcb_bucket_add(&bt, pc, 1, 0, 0), 0);
  }
  pc[0] = 7;
  assert_int_equal(pcb_bucket_add(&bt, pc, 1, 0, 0), PCB_EFULL);
  assert_int_equal(bt.full, 1);
  pcb_bucket_table_destroy(&bt);
  /* pool exhausted */
  uintptr_t big[8] = { 0 };
  assert_int_equal(pcb_bucket_table_init(&bt, 8, 4), 0);
  assert_int_equal(pcb_bucket_add(&bt, big, 8, 0, 0), PCB_EFULL);
  pcb_bucket_table_destroy(&bt);
}

#define THREADS 8
#define ADDS 20000

static struct pcb_bucket_table shared;

static void *adder(void *arg)
{
  uintptr_t pcs[4] = { 1, 2, 3, (uintptr_t)arg % 4 };

  for (int i = 0; i < ADDS; i++)
    pcb_bucket_add(&shared, pcs, 4, 1, 2);
  return NULL;
}

static void concurrent_counts(void **state)
{
  pthread_t th[THREADS];
  uint64_t events = 0, bytes = 0;

  (void)state;
  assert_int_equal(pcb_bucket_table_init(&shared, 64, 1024), 0);
  for (uintptr_t i = 0; i < THREADS; i++)
    assert_int_equal(pthread_create(&th[i], NULL, adder, (void *)i), 0);
  for (int i = 0; i < THREADS; i++)
    pthread_join(th[i], NULL);
  for (size_t i = 0; i < shared.nslots; i++) {
    events += shared.slots[i].events;
    bytes += shared.slots[i].bytes;
  }
  assert_int_equal(events, THREADS * ADDS);
  assert_int_equal(bytes, THREADS * ADDS);
  assert_true(pcb_bucket_count(&shared) >= 4);
  pcb_bucket_table_destroy(&shared);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(same_stack_same_bucket),
    cmocka_unit_test(copies_the_pcs),
    cmocka_unit_test(full_table),
    cmocka_unit_test(concurrent_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
