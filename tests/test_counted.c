/* The counted allocator of the heap and churn entries (bench/run/
 * counted.c): it counts what it holds, fails every Nth allocation when
 * told to, and when removed puts back the allocator it replaced and
 * nothing else -- the run's unwinder stays, or every thread registered
 * after the first heap or churn entry would capture with another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pcbench/hooks.h"
#include "run/counted.h"

static void counts_and_fails(void **state)
{
  void *p, *q;

  (void)state;
  pcb_counted_install(2);
  p = pcb_hooks.alloc(100);
  q = pcb_hooks.alloc(100);  /* the 2nd: fails */
  assert_non_null(p);
  assert_null(q);
  assert_true(pcb_counted_live() >= 100);
  pcb_hooks.free(p);
  assert_int_equal(pcb_counted_live(), 0);
  assert_int_equal(pcb_counted_injected(), 1);
  pcb_counted_remove();
  pcb_hooks_reset();
}

static void removal_keeps_the_unwinder(void **state)
{
  const struct pcb_unwinder *u = pcb_unwinder_find("backtrace");

  (void)state;
  pcb_hooks.unwinder = u;
  pcb_counted_install(0);
  pcb_counted_remove();
  assert_ptr_equal(pcb_hooks.unwinder, u);
  assert_ptr_equal(pcb_hooks.alloc, malloc);
  assert_ptr_equal(pcb_hooks.free, free);
  pcb_hooks_reset();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(counts_and_fails),
    cmocka_unit_test(removal_keeps_the_unwinder),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
