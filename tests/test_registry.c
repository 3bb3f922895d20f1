/* The registry: the table is valid, lookup works, bad ops are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pcbench/error.h"
#include "pcbench/strategy.h"

static void table_is_valid(void **state)
{
  const struct pcb_strategy *bad = NULL;

  (void)state;
  assert_int_equal(pcb_registry_check(&bad), 0);
  assert_null(bad);
}

static void required_strategies_present(void **state)
{
  static const char *const names[] = { "off", "stack", "thread", "lazy",
                                       "hybrid", "percpu", "pool",
                                       "thread_unguarded" };

  (void)state;
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const struct pcb_strategy *s = pcb_strategy_find(names[i]);

    assert_non_null(s);
    assert_string_equal(s->name, names[i]);
  }
  assert_null(pcb_strategy_find("nope"));
  assert_null(pcb_strategy_find(""));
  assert_null(pcb_strategy_at(pcb_strategy_count()));
  assert_true(pcb_strategy_find("thread_unguarded")->flags & PCB_F_CONTROL);
  assert_false(pcb_strategy_find("thread")->flags & PCB_F_CONTROL);
}

static int dummy_init(struct pcb_thread *t) { (void)t; return 0; }

static void bad_ops_refused(void **state)
{
  struct pcb_strategy s = *pcb_strategy_find("stack");

  (void)state;
  assert_int_equal(pcb_strategy_check(&s), 0);
  s.version = PCB_STRATEGY_VERSION + 1;
  assert_int_equal(pcb_strategy_check(&s), PCB_EVERSION);
  s.version = PCB_STRATEGY_VERSION;
  s.record = NULL;
  assert_int_equal(pcb_strategy_check(&s), PCB_EINCOMPLETE);
  s = *pcb_strategy_find("stack");
  s.thread_init = dummy_init;
  s.heap_bytes = NULL;
  assert_int_equal(pcb_strategy_check(&s), PCB_EINCOMPLETE);
  s = *pcb_strategy_find("stack");
  s.name = NULL;
  assert_int_equal(pcb_strategy_check(&s), PCB_EINVAL);
  assert_int_equal(pcb_strategy_check(NULL), PCB_EINVAL);
}

/* A strategy added at run time (a module's): after the table's rows,
 * found by name; a taken name, a name outside [a-z_]+, a clone or a bad
 * ops struct refused; forgotten by pcb_strategy_drop_added. */
static void added_strategies(void **state)
{
  size_t n = pcb_strategy_count();
  struct pcb_strategy mine = *pcb_strategy_find("thread"), bad;

  (void)state;
  mine.name = "mine";
  assert_int_equal(pcb_strategy_add(&mine), 0);
  assert_int_equal(pcb_strategy_count(), n + 1);
  assert_ptr_equal(pcb_strategy_at(n), &mine);
  assert_ptr_equal(pcb_strategy_find("mine"), &mine);
  assert_null(pcb_strategy_at(n + 1));
  assert_int_equal(pcb_strategy_add(&mine), PCB_EINVAL);  /* taken */
  bad = mine;
  bad.name = "stack";
  assert_int_equal(pcb_strategy_add(&bad), PCB_EINVAL);
  bad.name = "Mine2";
  assert_int_equal(pcb_strategy_add(&bad), PCB_EINVAL);
  bad.name = "mine_clone";
  bad.flags |= PCB_F_CLONE;
  bad.clone_of = "mine";
  assert_int_equal(pcb_strategy_add(&bad), PCB_EINVAL);
  bad = mine;
  bad.name = "other";
  bad.version = PCB_STRATEGY_VERSION + 1;
  assert_int_equal(pcb_strategy_add(&bad), PCB_EVERSION);
  assert_int_equal(pcb_strategy_count(), n + 1);
  assert_null(pcb_strategy_clone(&mine));
  pcb_strategy_drop_added();
  assert_int_equal(pcb_strategy_count(), n);
  assert_null(pcb_strategy_find("mine"));
}

static void error_table(void **state)
{
  (void)state;
  assert_string_equal(pcb_errname(PCB_EDEPTH), "EDEPTH");
  assert_string_equal(pcb_errname(PCB_ENOMEM), "ENOMEM");
  assert_true(strcmp(pcb_strerror(PCB_EDEPTH), pcb_strerror(PCB_ENOMEM)) != 0);
  assert_string_equal(pcb_strerror(12345), "unknown error");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(table_is_valid),
    cmocka_unit_test(required_strategies_present),
    cmocka_unit_test(bad_ops_refused),
    cmocka_unit_test(added_strategies),
    cmocka_unit_test(error_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
