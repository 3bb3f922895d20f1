/* Every registered unwinder, behind pcb_hooks, captures the ground truth
 * into every strategy's buffer: the same PCs from the same anchor,
 * whatever its method and wherever the buffer lives (sized depth + the
 * unwinder's slack: the sanitizer builds catch a write past it); and
 * each is the library it says it is. */
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

/* frames x depth, 200 frames at depth 32 among them: truncated exactly. */
static void captures_truth(void **state)
{
  static struct pcb_oracle o;
  static const int frames[] = { 8, 100, 200, 300 };
  static const int depths[] = { 1, 16, 17, 32, 128 };
  const struct pcb_unwinder *u = *state;

  pcb_hooks.unwinder = u;
  for (size_t s = 0; s < pcb_strategy_count(); s++) {
    const struct pcb_strategy *st = pcb_strategy_at(s);

    if (st->flags & PCB_F_NO_CAPTURE)
      continue;
    for (size_t f = 0; f < 4; f++)
      for (size_t d = 0; d < 5; d++) {
        struct pcb_thread t;
        struct ctx c = { &t, &o, 0, false };

        assert_int_equal(pcb_thread_register(&t, st, depths[d]), 0);
        assert_int_equal(t.room, depths[d] + u->slack);
        assert_int_equal(pcb_oracle_run(&o, frames[f], site, &c), 0);
        pcb_thread_unregister(&t);
        assert_int_equal(c.calls, 1);
        if (!c.ok)
          print_error("%s: %d frames, depth %d: wrong capture\n", st->name,
                      frames[f], depths[d]);
        assert_true(c.ok);
      }
  }
  pcb_hooks_reset();
}

/* Every unwinder declares the room it needs, within what the static
 * buffers of the harness allow for. */
static void slack_bounded(void **state)
{
  (void)state;
  for (size_t i = 0; i < pcb_unwinder_count(); i++)
    assert_in_range(pcb_unwinder_at(i)->slack, 0, PCB_SLACK_MAX);
  assert_int_equal(pcb_unwinder_find("fp")->slack, 0);
  assert_int_equal(pcb_unwinder_find("libgcc")->slack, 0);
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
  struct CMUnitTest tests[10];
  size_t n = 0;

  for (size_t i = 0; i < pcb_unwinder_count() && n < 8; i++)
    tests[n++] = (struct CMUnitTest){ .name = pcb_unwinder_at(i)->name,
                                      .test_func = captures_truth,
                                      .initial_state = (void *)pcb_unwinder_at(i) };
  tests[n++] = (struct CMUnitTest){ .name = "slack_bounded",
                                    .test_func = slack_bounded };
  tests[n++] = (struct CMUnitTest){ .name = "dwarf_unwinders_not_interposed",
                                    .test_func = dwarf_unwinders_not_interposed };
  return _cmocka_run_group_tests("unwinders", tests, n, NULL, NULL);
}
