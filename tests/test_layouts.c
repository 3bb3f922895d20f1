/*
 * The layout modules (bench/layout/): each loads, is a copy of pcbench's
 * own event path with its code elsewhere, and records correct captures.
 *
 * For every copy, every strategy that may run on a copy (not the shared
 * ones, which run on pcbench's own) and two chain depths, a thread
 * registers with the copy's strategy and runs the copy's malloc loop at
 * the bottom of the copy's ground-truth chain, with pcbench's checking
 * consumer: every capture must equal the truth the copy's chain saved,
 * and that truth must lie in the copy's code, not pcbench's.  Copies
 * differ in where their code and their data sit.
 *
 * usage: test_layouts DIR (the folder of layout-<k>.so)
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "layout/layouts.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"
#include "pcbench/thread.h"

enum { EVENTS = 200 };

static const char *dir;

static int setup(void **state)
{
  char err[256] = "";
  int n = pcb_layouts_init(dir, 64, "fp", PCB_CLOCK_MONOTONIC, err,
                           sizeof(err));

  (void)state;
  if (n < 2) {
    fprintf(stderr, "test_layouts: %d copies from %s: %s\n", n, dir, err);
    return -1;
  }
  printf("test_layouts: %d copies (pcbench's own and %d modules)\n", n,
         n - 1);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  pcb_layouts_fini();
  return 0;
}

/* The file a code address lies in. */
static const char *file_of(uintptr_t pc)
{
  Dl_info info;

  return dladdr((void *)pc, &info) && info.dli_fname ? info.dli_fname : "?";
}

static void run_copy(const struct pcb_event_module *m, int copy,
                     const struct pcb_strategy *s, int frames)
{
  static struct pcb_wl_thread w;
  static struct pcb_oracle oracle;
  static struct pcb_bucket_table bt;
  struct pcb_wl_shared sh = { .nthreads = 1 };
  struct pcb_run run = { .w = &w, .sh = &sh, .count = EVENTS };
  const struct pcb_workload *wl = m->workload("malloc");

  assert_non_null(wl);
  assert_int_equal(pcb_bucket_table_init(&bt, 1 << 10, 1 << 16), 0);
  w = (struct pcb_wl_thread){ .oracle = &oracle, .buckets = &bt,
                              .consume = pcb_wl_consume_check };
  pcb_sampler_init(&w.sampler, 1, 1);
  assert_int_equal(pcb_thread_register(&w.thread, s, 32), 0);
  assert_int_equal(m->oracle_run(&oracle, frames, wl->loop, &run), 0);
  pcb_thread_unregister(&w.thread);
  pcb_bucket_table_destroy(&bt);
  if (w.seen != EVENTS || w.correct != EVENTS)
    fail_msg("copy %d, %s, %d frames: %llu of %llu captures correct", copy,
             s->name, frames, (unsigned long long)w.correct,
             (unsigned long long)w.seen);
  /* the chain that ran, and so the code captured, is the copy's own */
  if (copy > 0 && strstr(file_of(oracle.truth[0]), "layout-") == NULL)
    fail_msg("copy %d ran code of %s", copy, file_of(oracle.truth[0]));
}

static void every_copy_captures_correctly(void **state)
{
  (void)state;
  for (int c = 0; c < pcb_layouts_count(); c++) {
    const struct pcb_event_module *m = pcb_layout_at(c);

    for (size_t i = 0; i < pcb_strategy_count(); i++) {
      const struct pcb_strategy *s = m->strategy(pcb_strategy_at(i)->name);

      assert_non_null(s);
      if (s->flags & (PCB_F_SHARED | PCB_F_NO_CAPTURE))
        continue;  /* shared: runs on pcbench's own copy alone */
      run_copy(m, c, s, 16);
      run_copy(m, c, s, 200);
    }
  }
}

/* Each copy's code is in its own place: a strategy's record differs
 * from pcbench's and every other copy's. */
static void copies_are_distinct(void **state)
{
  (void)state;
  for (int c = 0; c < pcb_layouts_count(); c++)
    for (int d = 0; d < c; d++)
      assert_ptr_not_equal(
          (void *)pcb_layout_at(c)->strategy("stack")->record,
          (void *)pcb_layout_at(d)->strategy("stack")->record);
}

/* Where a datum sits, as an offset into the file it was loaded from. */
static uintptr_t data_offset(const void *p)
{
  Dl_info info;

  assert_true(dladdr(p, &info) && info.dli_fbase != NULL);
  return (uintptr_t)p - (uintptr_t)info.dli_fbase;
}

/* The modules' data are shuffled too: the strategies' tables (one datum
 * each) do not sit at the same offsets in any two modules.  The data
 * follow the code in the file, and code of the same size leaves them
 * all in one place if only the code is shuffled (bench/CMakeLists.txt). */
static void data_are_shuffled_too(void **state)
{
  (void)state;
  if (pcb_layouts_count() < 3)
    skip();
  for (int c = 2; c < pcb_layouts_count(); c++) {
    const struct pcb_event_module *m = pcb_layout_at(c), *m1 = pcb_layout_at(1);
    bool moved = false;

    for (size_t i = 0; m->strategy_at(i) != NULL && !moved; i++)
      moved = data_offset(m->strategy_at(i)) !=
              data_offset(m1->strategy(m->strategy_at(i)->name));
    if (!moved)
      fail_msg("layout %d's strategy tables sit where layout 1's do", c);
  }
}

/* A file loaded once more (a --module naming one of pcbench's own
 * layouts) is an object of its own: its code, data and module struct
 * are not those already loaded, and it captures correctly. */
static void loaded_again(int (*open)(const char *, void **,
                                     const struct pcb_event_module **,
                                     char *, size_t))
{
  char path[4200], err[512] = "";
  const struct pcb_event_module *m = NULL;
  void *h = NULL;

  snprintf(path, sizeof(path), "%s/layout-1.so", dir);
  if (open(path, &h, &m, err, sizeof(err)) != 0)
    fail_msg("%s", err);
  assert_non_null(m);
  assert_ptr_not_equal(m, pcb_layout_at(1));
  assert_ptr_not_equal((void *)m->strategy("stack")->record,
                       (void *)pcb_layout_at(1)->strategy("stack")->record);
  assert_int_equal(m->init(&(struct pcb_module_env){
                       pcb_hooks.alloc, pcb_hooks.free, "fp",
                       PCB_CLOCK_MONOTONIC }), 0);
  run_copy(m, -1, m->strategy("stack"), 16);
  dlclose(h);
}

static void a_file_loaded_twice_is_two_objects(void **state)
{
  (void)state;
  loaded_again(pcb__module_open);
  loaded_again(pcb__module_open_private);  /* a label's: always a copy */
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_copy_captures_correctly),
    cmocka_unit_test(copies_are_distinct),
    cmocka_unit_test(data_are_shuffled_too),
    cmocka_unit_test(a_file_loaded_twice_is_two_objects),
  };

  if (argc != 2) {
    fprintf(stderr, "usage: test_layouts DIR\n");
    return 2;
  }
  dir = argv[1];
  return cmocka_run_group_tests(tests, setup, teardown);
}
