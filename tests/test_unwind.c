/*
 * The frame-pointer unwinder against fake frame chains laid out in an
 * array: a good chain, skip, depth and truncation, and the corrupt chains
 * it must stop on cleanly (cycles, pointers outside the stack, misaligned
 * pointers, a zero return address).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pcbench/unwind.h"

#define WORDS 64

struct fake {
  _Alignas(16) uintptr_t w[WORDS];
  struct pcb_stack_bounds b;
};

/* Frame i sits at word 4*i: [fp] = next fp, [fp+8] = 0x1000 + i. */
static const void *fake_chain(struct fake *f, int frames)
{
  for (int i = 0; i < frames; i++) {
    f->w[4 * i] = i + 1 < frames ? (uintptr_t)&f->w[4 * (i + 1)] : 0;
    f->w[4 * i + 1] = 0x1000 + (uintptr_t)i;
  }
  f->b.lo = (uintptr_t)f->w;
  f->b.hi = (uintptr_t)(f->w + WORDS);
  return f->w;
}

static void good_chain(void **state)
{
  struct fake f;
  uintptr_t pcs[16];
  bool trunc;
  const void *fp = fake_chain(&f, 10);
  int n = pcb_unwind_fp(fp, 0, &f.b, pcs, 16, &trunc);

  (void)state;
  assert_int_equal(n, 10);
  assert_false(trunc);
  for (int i = 0; i < n; i++)
    assert_int_equal(pcs[i], 0x1000 + i);
}

struct trunc_case {
  int frames, skip, depth, want_n;
  bool want_trunc;
};

static const struct trunc_case trunc_cases[] = {
  { 10, 0, 10, 10, false },  /* exactly full: nothing remains */
  { 10, 0, 9, 9, true },
  { 10, 0, 1, 1, true },
  { 10, 3, 7, 7, false },
  { 10, 3, 6, 6, true },
  { 10, 10, 4, 0, false },   /* everything skipped */
  { 1, 0, 1, 1, false },
};

static void skip_depth_truncation(void **state)
{
  (void)state;
  for (size_t c = 0; c < sizeof(trunc_cases) / sizeof(trunc_cases[0]); c++) {
    const struct trunc_case *tc = &trunc_cases[c];
    struct fake f;
    uintptr_t pcs[16];
    bool trunc;
    const void *fp = fake_chain(&f, tc->frames);
    int n = pcb_unwind_fp(fp, tc->skip, &f.b, pcs, tc->depth, &trunc);

    assert_int_equal(n, tc->want_n);
    assert_int_equal(trunc, tc->want_trunc);
    if (n > 0)
      assert_int_equal(pcs[0], 0x1000 + tc->skip);
  }
}

static int walk(struct fake *f, const void *fp)
{
  uintptr_t pcs[WORDS];
  bool trunc;

  return pcb_unwind_fp(fp, 0, &f->b, pcs, WORDS, &trunc);
}

static void cycle_stops(void **state)
{
  struct fake f;
  const void *fp = fake_chain(&f, 6);

  (void)state;
  f.w[4 * 5] = (uintptr_t)&f.w[4 * 2];  /* frame 5 -> frame 2 */
  assert_int_equal(walk(&f, fp), 6);
  f.w[0] = (uintptr_t)&f.w[0];          /* frame 0 -> itself */
  assert_int_equal(walk(&f, fp), 1);
}

static void outside_stack_stops(void **state)
{
  struct fake f;
  const void *fp = fake_chain(&f, 6);

  (void)state;
  f.w[4 * 3] = (uintptr_t)0xdeadbeef000;     /* far away */
  assert_int_equal(walk(&f, fp), 4);
  f.w[4 * 3] = (uintptr_t)&f.w[WORDS - 1];   /* last word: record spills out */
  assert_int_equal(walk(&f, fp), 4);
  assert_int_equal(walk(&f, (const void *)(f.b.lo - 16)), 0);
  assert_int_equal(walk(&f, NULL), 0);
}

static void misaligned_stops(void **state)
{
  struct fake f;
  const void *fp = fake_chain(&f, 6);

  (void)state;
  f.w[4 * 2] = (uintptr_t)&f.w[4 * 3] + 3;
  assert_int_equal(walk(&f, fp), 3);
  assert_int_equal(walk(&f, (const char *)fp + 4), 0);
}

static void zero_pc_stops(void **state)
{
  struct fake f;
  const void *fp = fake_chain(&f, 6);

  (void)state;
  f.w[4 * 4 + 1] = 0;
  assert_int_equal(walk(&f, fp), 4);
}

/* The real stack: walking from here finds this function's caller chain. */
__attribute__((noinline)) static void real_stack(void **state)
{
  struct pcb_stack_bounds b = {
    (uintptr_t)__builtin_frame_address(0), UINTPTR_MAX - 15
  };
  uintptr_t pcs[4];
  bool trunc;
  int n = pcb_unwind_fp(__builtin_frame_address(0), 0, &b, pcs, 4, &trunc);

  (void)state;
  assert_true(n >= 1);
  assert_int_equal(pcs[0], (uintptr_t)__builtin_return_address(0));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(good_chain),
    cmocka_unit_test(skip_depth_truncation),
    cmocka_unit_test(cycle_stops),
    cmocka_unit_test(outside_stack_stops),
    cmocka_unit_test(misaligned_stops),
    cmocka_unit_test(zero_pc_stops),
    cmocka_unit_test(real_stack),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
