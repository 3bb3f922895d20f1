/*
 * The cycle counter: which read each machine gets (against fake CPUs, so
 * every rule is tested on any machine), every read this machine can run
 * calibrated for real, and the timer floor against a fake clock whose
 * every read costs a known number of ticks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "pcbench/clock.h"
#include "pcbench/error.h"

/* Fake machines and the read each must get. */
static const struct {
  struct pcb_clock_features f;
  enum pcb_clock_path best;
  const char *rdtscp_why;  /* a word of why rdtscp cannot, or NULL */
} machines[] = {
  /* x86_64 tsc tsc_user rdtscp valgrind aarch64 cntvct */
  { { true, true, true, true, false, false, false }, PCB_CLOCK_RDTSCP, NULL },
  /* runs rdtscp natively, but CPUID hides it */
  { { true, true, true, false, false, false, false }, PCB_CLOCK_LFENCE_RDTSC,
    "advertise" },
  /* valgrind's CPU advertises rdtscp whatever the host has */
  { { true, true, true, true, true, false, false }, PCB_CLOCK_LFENCE_RDTSC,
    "valgrind" },
  { { true, true, true, false, true, false, false }, PCB_CLOCK_LFENCE_RDTSC,
    "advertise" },
  /* the kernel forbids rdtsc (PR_SET_TSC): no counter at all */
  { { true, true, false, true, false, false, false }, PCB_CLOCK_MONOTONIC,
    "PR_GET_TSC" },
  { { true, false, true, false, false, false, false }, PCB_CLOCK_MONOTONIC,
    "advertise" },
  { { false, false, false, false, false, false, false }, PCB_CLOCK_MONOTONIC,
    "x86-64" },
  /* AArch64: the generic timer, unless the firmware left it unset */
  { { false, false, false, false, false, true, true }, PCB_CLOCK_CNTVCT,
    "x86-64" },
  { { false, false, false, false, true, true, true }, PCB_CLOCK_CNTVCT,
    "x86-64" },
  { { false, false, false, false, false, true, false }, PCB_CLOCK_MONOTONIC,
    "x86-64" },
};

static void choice_follows_cpuid(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
    const struct pcb_clock_features *f = &machines[i].f;
    const char *why = pcb_clock_unusable(f, PCB_CLOCK_RDTSCP);

    assert_int_equal(pcb_clock_best(f), machines[i].best);
    assert_null(pcb_clock_unusable(f, PCB_CLOCK_MONOTONIC));
    assert_null(pcb_clock_unusable(f, PCB_CLOCK_AUTO));
    if (machines[i].rdtscp_why == NULL)
      assert_null(why);
    else
      assert_non_null(strstr(why, machines[i].rdtscp_why));
    /* what is best is usable; lfence;rdtsc wherever rdtscp is */
    assert_null(pcb_clock_unusable(f, pcb_clock_best(f)));
    if (why == NULL)
      assert_null(pcb_clock_unusable(f, PCB_CLOCK_LFENCE_RDTSC));
  }
}

static void names_round_trip(void **state)
{
  (void)state;
  assert_string_equal(pcb_clock_path_name(PCB_CLOCK_RDTSCP), "rdtscp");
  assert_string_equal(pcb_clock_path_name(PCB_CLOCK_LFENCE_RDTSC),
                      "lfence_rdtsc");
  assert_string_equal(pcb_clock_path_name(PCB_CLOCK_MONOTONIC), "monotonic");
  assert_string_equal(pcb_clock_path_name(PCB_CLOCK_CNTVCT), "cntvct");
  assert_null(pcb_clock_path_name(PCB_CLOCK_PATH_COUNT));
}

/* The machine's own answer: auto is its best, and a read it cannot run
 * is refused with nothing changed. */
static void this_machine_refuses_what_it_lacks(void **state)
{
  struct pcb_clock_features f;
  enum pcb_clock_path before;

  (void)state;
  pcb_clock_probe(&f);
  assert_int_equal(pcb_clock_use(PCB_CLOCK_AUTO), 0);
  assert_int_equal(pcb_clock_current(), pcb_clock_best(&f));
  printf("clock: this CPU: tsc %d, tsc in user mode %d, rdtscp %d, "
         "valgrind %d; auto is %s\n", f.tsc, f.tsc_user, f.rdtscp,
         f.valgrind, pcb_clock_path_name(pcb_clock_current()));
  before = pcb_clock_current();
  for (int p = PCB_CLOCK_RDTSCP; p < PCB_CLOCK_PATH_COUNT; p++)
    if (pcb_clock_unusable(&f, (enum pcb_clock_path)p) != NULL) {
      assert_int_equal(pcb_clock_use((enum pcb_clock_path)p),
                       PCB_EUNSUPPORTED);
      assert_int_equal(pcb_clock_current(), before);
    }
}

/* `word` is one of the blank-separated words of `list`. */
static int has_word(const char *list, const char *word)
{
  size_t n = strlen(word);

  for (const char *p = strstr(list, word); p != NULL; p = strstr(p + 1, word))
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return 1;
  return 0;
}

/* The flags the results' context says the CPU advertises are the ones the
 * clock chose its read from (core/arch/), the flag said hidden is not
 * among them, and neither is left empty. */
static void context_flags_agree_with_the_clock(void **state)
{
  struct pcb_clock_features f;
  struct pcb_arch_cpu_flags cf;
  char first[64] = "";

  (void)state;
  pcb_clock_probe(&f);
  pcb_arch_cpu_flags(&cf);
  printf("clock: advertised \"%s\"; hidden \"%s\"\n", cf.advertised,
         cf.hidden);
  assert_int_equal(has_word(cf.advertised, "tsc"), f.tsc);
  assert_int_equal(has_word(cf.advertised, "rdtscp"), f.rdtscp);
  assert_true(cf.hidden[0] != '\0');
  sscanf(cf.hidden, "%63s", first);
  assert_false(has_word(cf.advertised, first));
  assert_true(cf.advertised[0] != '\0' || f.x86_64);  /* x86-64: may be */
}

static uint64_t counter_after(int ms, uint64_t *mono_ns)
{
  struct timespec d = { 0, ms * 1000000L };
  uint64_t c0 = pcb_cycles(), n0 = pcb_clock_read_mono();

  nanosleep(&d, NULL);
  *mono_ns = pcb_clock_read_mono() - n0;
  return pcb_cycles() - c0;
}

/* Every read this machine can run, for real: it moves forward, its
 * calibration is sane, and pcb_cycles() counts in the unit it calibrated
 * (a wait's cycles are converted with ns_per_tick).  Reads it cannot run
 * are skipped, and the output says why. */
static void each_usable_path_calibrates(void **state)
{
  struct pcb_clock_features f;

  (void)state;
  pcb_clock_probe(&f);
  for (int p = PCB_CLOCK_RDTSCP; p < PCB_CLOCK_PATH_COUNT; p++) {
    const char *why = pcb_clock_unusable(&f, (enum pcb_clock_path)p);
    struct pcb_clock c;
    uint64_t ns, cycles, a, b;

    if (why != NULL) {
      printf("clock: %s not tried: %s\n",
             pcb_clock_path_name((enum pcb_clock_path)p), why);
      continue;
    }
    assert_int_equal(pcb_clock_use((enum pcb_clock_path)p), 0);
    a = pcb_clock_read();
    b = pcb_clock_read();
    assert_true(b >= a);
    assert_int_equal(pcb_clock_calibrate(&pcb_clock_counter, 20, 1001, &c), 0);
    assert_true(c.ns_per_tick > 0.01 && c.ns_per_tick < 100);
    assert_true(c.floor_ns >= 0 && c.floor_ns < 100000);
    cycles = counter_after(20, &ns);
    /* the same unit within a factor of 2: a unit error is 2.5x or more */
    assert_true((double)cycles * c.ns_per_tick > 0.5 * (double)ns);
    assert_true((double)cycles * c.ns_per_tick < 2.0 * (double)ns);
    printf("clock: %s: %.4f ns/tick, floor %.1f ns\n",
           pcb_clock_path_name((enum pcb_clock_path)p), c.ns_per_tick,
           c.floor_ns);
  }
  assert_int_equal(pcb_clock_use(PCB_CLOCK_AUTO), 0);
}

/* A fake counter: each read advances 7 ticks; mono time 2 ns per read. */
static uint64_t fake_ticks, fake_ns;

static uint64_t fake_read(void)
{
  return fake_ticks += 7;
}

static uint64_t fake_mono(void)
{
  fake_ticks += 7;  /* the reference read costs as much */
  return fake_ns += 2;
}

static void floor_from_fake_clock(void **state)
{
  const struct pcb_clock_source src = { "fake", fake_read, fake_mono };
  struct pcb_clock c;

  (void)state;
  assert_int_equal(pcb_clock_calibrate(&src, 1, 1001, &c), 0);
  assert_int_equal(c.floor_ticks, 7);
  /* each reference read: 7 ticks and 2 ns */
  assert_true(c.ns_per_tick > 0.2855 && c.ns_per_tick < 0.2858);
  assert_int_equal(pcb_clock_ns(&c, 7), 0);
  assert_int_equal(pcb_clock_ns(&c, 3), 0);  /* below the floor: 0 */
  assert_int_equal(pcb_clock_ns(&c, 7 + 70), 20);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(choice_follows_cpuid),
    cmocka_unit_test(names_round_trip),
    cmocka_unit_test(this_machine_refuses_what_it_lacks),
    cmocka_unit_test(context_flags_agree_with_the_clock),
    cmocka_unit_test(each_usable_path_calibrates),
    cmocka_unit_test(floor_from_fake_clock),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
