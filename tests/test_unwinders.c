/* Every registered unwinder, behind pcb_hooks, captures the ground truth:
 * the same PCs from the same anchor, whatever its method; and each is the
 * library it says it is. */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pcbench/hooks.h"
#include "pcbench/oracle.h"
#include "pcbench/strategy.h"

struct ctx {
  struct pcb_thread *t;
  struct pcb_oracle *o;
  int calls;
  bool ok;
};

static void consume(void *arg, const uintptr_t *pcs, int n, bool truncated)
{
  struct ctx *c = arg;

  c->calls++;
  c->ok = pcb_oracle_match(c->o, c->t->depth, pcs, n, truncated);
}

__attribute__((noinline)) static int site(void *arg)
{
  struct ctx *c = arg;
  struct pcb_event ev = { __builtin_frame_address(0), 1, consume, c, false };
  int rc = pcb_record(c->t, &ev);

  __asm__ volatile("" : "+r"(rc) : : "memory");
  return rc;
}

static void captures_truth(void **state)
{
  static struct pcb_oracle o;
  static const int frames[] = { 8, 100, 300 }, depths[] = { 1, 32, 128 };
  const struct pcb_unwinder *u = *state;

  pcb_hooks.unwinder = u;
  for (size_t f = 0; f < 3; f++)
    for (size_t d = 0; d < 3; d++) {
      struct pcb_thread t;
      struct ctx c = { &t, &o, 0, false };

      assert_int_equal(pcb_thread_register(&t, pcb_strategy_find("thread"),
                                           depths[d]), 0);
      assert_int_equal(pcb_oracle_run(&o, frames[f], site, &c), 0);
      pcb_thread_unregister(&t);
      assert_int_equal(c.calls, 1);
      assert_true(c.ok);
    }
  pcb_hooks_reset();
}

/* libunwind also defines backtrace() and _Unwind_Backtrace; were it
 * linked rather than loaded locally, the program's calls to those would
 * reach it, and `backtrace` and `libgcc` would measure libunwind. */
static void dwarf_unwinders_not_interposed(void **state)
{
  static const char *const names[] = { "backtrace", "_Unwind_Backtrace" };

  (void)state;
  for (size_t i = 0; i < 2; i++) {
    void *fn = dlsym(RTLD_DEFAULT, names[i]);
    Dl_info info;

    assert_non_null(fn);
    assert_true(dladdr(fn, &info) != 0);
    assert_non_null(info.dli_fname);
    assert_null(strstr(info.dli_fname, "libunwind"));
  }
}

int main(void)
{
  struct CMUnitTest tests[9];
  size_t n = 0;

  for (size_t i = 0; i < pcb_unwinder_count() && n < 8; i++)
    tests[n++] = (struct CMUnitTest){ .name = pcb_unwinder_at(i)->name,
                                      .test_func = captures_truth,
                                      .initial_state = (void *)pcb_unwinder_at(i) };
  tests[n++] = (struct CMUnitTest){ .name = "dwarf_unwinders_not_interposed",
                                    .test_func = dwarf_unwinders_not_interposed };
  return _cmocka_run_group_tests("unwinders", tests, n, NULL, NULL);
}
