/*
 * The paired runs' random order and layout (core/rng.c, core/layout.c):
 * seeds reproduce their sequence, bounded draws stay in bounds and hit
 * every value, the shuffle is a permutation and reaches every order about
 * equally often, drawn offsets are in range and aligned, the stack offset
 * moves the callee's frame by exactly that many bytes, and a placed heap
 * buffer sits at its offset from a 4 KiB boundary inside its region.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pcbench/error.h"
#include "pcbench/layout.h"
#include "pcbench/rng.h"

static void seed_reproduces_sequence(void **state)
{
  struct pcb_rng a, b, c;
  int differ = 0;

  (void)state;
  pcb_rng_seed(&a, 42);
  pcb_rng_seed(&b, 42);
  pcb_rng_seed(&c, 43);
  for (int i = 0; i < 100; i++) {
    uint64_t x = pcb_rng_next(&a);

    assert_true(x == pcb_rng_next(&b));
    differ += x != pcb_rng_next(&c);
  }
  assert_int_equal(differ, 100);
  pcb_rng_seed(&a, 0);
  assert_true(a.state != 0);
}

static void below_stays_in_bounds_and_hits_all(void **state)
{
  static const uint64_t bounds[] = { 1, 2, 3, 7, 256, 1000 };
  struct pcb_rng r;
  unsigned seen[1000];

  (void)state;
  pcb_rng_seed(&r, 7);
  for (size_t b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++) {
    memset(seen, 0, sizeof(seen));
    for (int i = 0; i < 20000; i++) {
      uint64_t x = pcb_rng_below(&r, bounds[b]);

      assert_true(x < bounds[b]);
      seen[x]++;
    }
    for (uint64_t v = 0; v < bounds[b]; v++)
      assert_true(seen[v] > 0);
  }
  assert_int_equal(pcb_rng_below(&r, 0), 0);
  for (int i = 0; i < 1000; i++) {
    double u = pcb_rng_unit(&r);

    assert_true(u >= 0 && u < 1);
  }
}

/* The index of a permutation of 0..3 among the 24 (a base-4 code). */
static unsigned perm_code(const unsigned *p)
{
  return ((p[0] * 4 + p[1]) * 4 + p[2]) * 4 + p[3];
}

static void shuffle_is_permutation_covering_all_orders(void **state)
{
  enum { N = 4, ROUNDS = 24000 };
  static unsigned count[256];
  struct pcb_rng r;
  unsigned idx[N] = { 0, 1, 2, 3 };
  int orders = 0;

  (void)state;
  pcb_rng_seed(&r, 12345);
  for (int i = 0; i < ROUNDS; i++) {
    unsigned mask = 0;

    /* from the same start each time: a shuffle that reaches only some
     * orders from one start (Sattolo's cycles, an off-by-one) shows */
    for (unsigned k = 0; k < N; k++)
      idx[k] = k;
    pcb_rng_shuffle(&r, idx, N);
    for (int k = 0; k < N; k++)
      mask |= 1u << idx[k];
    assert_int_equal(mask, 0xf);  /* each index exactly once */
    count[perm_code(idx)]++;
  }
  for (unsigned c = 0; c < 256; c++) {
    if (count[c] == 0)
      continue;
    orders++;
    /* 1000 expected per order, sd about 31 */
    assert_in_range(count[c], 850, 1150);
  }
  assert_int_equal(orders, 24);
  pcb_rng_shuffle(&r, idx, 1);  /* n 0 and 1 are no-ops */
  pcb_rng_shuffle(&r, idx, 0);
}

static void drawn_offsets_in_range_and_aligned(void **state)
{
  struct pcb_rng r;
  struct pcb_layout l;
  size_t max_stack = 0, max_heap = 0, min_stack = SIZE_MAX, min_heap = SIZE_MAX;

  (void)state;
  pcb_rng_seed(&r, 99);
  for (int i = 0; i < 20000; i++) {
    pcb_layout_draw(&r, &l);
    assert_true(l.stack_offset < PCB_LAYOUT_SPAN);
    assert_int_equal(l.stack_offset % 16, 0);
    assert_true(l.heap_offset < PCB_LAYOUT_SPAN);
    assert_int_equal(l.heap_offset % 8, 0);
    max_stack = l.stack_offset > max_stack ? l.stack_offset : max_stack;
    min_stack = l.stack_offset < min_stack ? l.stack_offset : min_stack;
    max_heap = l.heap_offset > max_heap ? l.heap_offset : max_heap;
    min_heap = l.heap_offset < min_heap ? l.heap_offset : min_heap;
  }
  assert_int_equal(min_stack, 0);
  assert_int_equal(max_stack, 4080);
  assert_int_equal(min_heap, 0);
  assert_int_equal(max_heap, 4088);
}

__attribute__((noinline)) static void note_frame(void *arg)
{
  *(uintptr_t *)arg = (uintptr_t)__builtin_frame_address(0);
}

static void stack_offset_moves_callee_frame(void **state)
{
  static const size_t offs[] = { 16, 32, 1024, 2048 + 48, 4080 };
  uintptr_t base = 0, at = 0;

  (void)state;
  assert_int_equal(pcb_layout_call(0, note_frame, &base), 0);
  for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
    assert_int_equal(pcb_layout_call(offs[i], note_frame, &at), 0);
#if defined(__SANITIZE_ADDRESS__)
    /* ASan pads each stack allocation with redzones */
    assert_in_range(base - at, offs[i], offs[i] + 64);
#else
    assert_int_equal(base - at, offs[i]);
#endif
  }
  at = 0;
  assert_int_equal(pcb_layout_call(4096, note_frame, &at), PCB_EINVAL);
  assert_int_equal(pcb_layout_call(8, note_frame, &at), PCB_EINVAL);
  assert_int_equal(pcb_layout_call(0, NULL, &at), PCB_EINVAL);
  assert_int_equal(at, 0);  /* refused without calling */
}

static void heap_place_within_region(void **state)
{
  enum { BUF = 1000 };
  size_t bytes = pcb_layout_region_bytes(BUF);
  unsigned char *region = malloc(bytes);

  (void)state;
  assert_non_null(region);
  for (size_t off = 0; off < PCB_LAYOUT_SPAN; off += 8) {
    unsigned char *p = pcb_layout_place(region, bytes, BUF, off);

    assert_non_null(p);
    assert_int_equal((uintptr_t)p % PCB_LAYOUT_SPAN, off);
    assert_true(p >= region && p + BUF <= region + bytes);
    memset(p, 0xa5, BUF);  /* valgrind and ASan check the bounds too */
  }
  assert_null(pcb_layout_place(region, bytes, BUF, 4));
  assert_null(pcb_layout_place(region, bytes, BUF, PCB_LAYOUT_SPAN));
  assert_null(pcb_layout_place(region, BUF, BUF, 4088));
  assert_null(pcb_layout_place(NULL, bytes, BUF, 0));
  assert_int_equal(pcb_layout_region_bytes(SIZE_MAX), 0);
  free(region);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(seed_reproduces_sequence),
    cmocka_unit_test(below_stays_in_bounds_and_hits_all),
    cmocka_unit_test(shuffle_is_permutation_covering_all_orders),
    cmocka_unit_test(drawn_offsets_in_range_and_aligned),
    cmocka_unit_test(stack_offset_moves_callee_frame),
    cmocka_unit_test(heap_place_within_region),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
