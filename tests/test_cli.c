/* pcbench's option parser: defaults, accepted forms, and every rejection
 * (exit 2 with one line naming the flag, the value and what is allowed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "pcbench/strategy.h"

static struct pcb_config cfg;
static char err[512];

static enum pcb_cli_action parse(int argc, const char **argv)
{
  err[0] = '\0';
  return pcb_cli_parse(argc, (char **)argv, &cfg, err, sizeof(err));
}

/* The strategies the default matrix runs, spelt out: a registry or flag
 * change that alters the defaults must change this list too. */
static const char *const default_names[] = { "off", "stack", "thread",
                                             "lazy" };

static void defaults_are_the_matrix(void **state)
{
  const char *argv[] = { "pcbench" };

  (void)state;
  assert_int_equal(parse(1, argv), PCB_CLI_RUN);
  assert_int_equal(cfg.nworkloads, 2);
  assert_int_equal(cfg.nstrategies, 4);
  for (int i = 0; i < cfg.nstrategies; i++) {
    assert_string_equal(cfg.strategies[i]->name, default_names[i]);
    assert_false(cfg.strategies[i]->flags & (PCB_F_CONTROL | PCB_F_OPT_IN));
  }
  assert_int_equal(cfg.ndepths, 2);
  assert_int_equal(cfg.depths[0], 32);
  assert_int_equal(cfg.depths[1], 128);
  assert_int_equal(cfg.nframes, 3);
  assert_int_equal(cfg.frames[0], 16);
  assert_int_equal(cfg.frames[2], 200);
  assert_int_equal(cfg.ncaches, 1);
  assert_int_equal(cfg.caches[0], PCB_CACHE_WARM);
  assert_int_equal(cfg.working_set, 0);  /* main sets twice L2 */
  assert_int_equal(cfg.spin_ns, 50000);
  assert_int_equal(cfg.nrates, 1);  /* every event: names carry no rate */
  assert_int_equal(cfg.rates[0], 1);
  assert_int_equal(cfg.gb_argc, 1);
}

/* --rate is a list of numbers and the word go, kept in order. */
static void rate_axis_forms(void **state)
{
  const char *argv[] = { "pcbench", "--rate=go,1,524288" };
  const char *quick[] = { "pcbench", "--quick", "--rate=1,go" };

  (void)state;
  assert_int_equal(parse(2, argv), PCB_CLI_RUN);
  assert_int_equal(cfg.nrates, 3);
  assert_true(cfg.rates[0] == PCB_RATE_GO);
  assert_int_equal(cfg.rates[1], 1);
  assert_int_equal(cfg.rates[2], 524288);
  assert_int_equal(parse(3, quick), PCB_CLI_RUN);  /* given beside it: wins */
  assert_int_equal(cfg.nrates, 2);
  assert_true(cfg.rates[1] == PCB_RATE_GO);
}

static void cache_axis_forms(void **state)
{
  const char *argv[] = { "pcbench", "--cache=cold,warm", "--working-set=65536",
                         "--spin-ns=0" };

  (void)state;
  assert_int_equal(parse(4, argv), PCB_CLI_RUN);
  assert_int_equal(cfg.ncaches, 2);
  assert_int_equal(cfg.caches[0], PCB_CACHE_COLD);
  assert_int_equal(cfg.caches[1], PCB_CACHE_WARM);
  assert_int_equal(cfg.working_set, 65536);
  assert_int_equal(cfg.spin_ns, 0);
}

static void accepted_forms(void **state)
{
  const char *argv[] = { "pcbench", "--strategies=stack,thread_unguarded",
                         "--depths", "1,1024", "--frames=7",
                         "--threads=3", "--rate=512", "--min-time=0.5",
                         "--benchmark_filter=x", "--placement=same_core,cross_core" };

  (void)state;
  assert_int_equal(parse(10, argv), PCB_CLI_RUN);
  assert_int_equal(cfg.nstrategies, 2);
  assert_string_equal(cfg.strategies[1]->name, "thread_unguarded");
  assert_int_equal(cfg.depths[1], 1024);
  assert_int_equal(cfg.frames[0], 7);
  assert_int_equal(cfg.threads, 3);
  assert_int_equal(cfg.nrates, 1);
  assert_int_equal(cfg.rates[0], 512);
  assert_true(cfg.rate == PCB_RATE_POINT);  /* a rate is a point's */
  assert_int_equal(cfg.nplaces, 2);
  assert_int_equal(cfg.gb_argc, 2);
  assert_string_equal(cfg.gb_argv[1], "--benchmark_filter=x");
}

struct reject {
  const char *arg;
  const char *says;  /* what the one line must contain */
};

static const struct reject rejects[] = {
  { "--strategies=foo", "unknown strategy 'foo' (allowed: off, stack" },
  { "--strategies=", "--strategies" },
  { "--workloads=disk", "unknown workload 'disk'" },
  { "--depths=0", "--depths: '0' (allowed: integers 1..1024)" },
  { "--depths=5000", "'5000'" },
  { "--depths=32,", "--depths" },
  { "--depths=3x", "'3x'" },
  { "--frames=0", "--frames: '0'" },
  { "--frames=2001", "1..2000" },
  { "--threads=-1", "--threads: '-1' (allowed: integers 1..64)" },
  { "--threads=65", "--threads" },
  { "--rate=0", "--rate: '0' (allowed: integers 1..1099511627776; or go" },
  { "--rate=x", "--rate: 'x' (allowed: integers 1.." },
  { "--rate=GO", "--rate: 'GO' (allowed:" },
  { "--rate=1,,2", "--rate: '1,,2' has an empty item (allowed: 1..16 "
                   "comma-separated values)" },
  { "--rate=,go", "has an empty item" },
  { "--rate=4096,4096", "--rate: '4096' given twice (allowed: each value "
                        "once)" },
  { "--rate=go,1,go", "'go' given twice" },
  { "--rate=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
    "--rate: more than 16 values (allowed: 1..16 comma-separated values)" },
  { "--repetitions=0", "--repetitions" },
  { "--min-time=0", "--min-time" },
  { "--min-time=abc", "--min-time" },
  { "--check-events=0", "--check-events" },
  { "--placement=numa", "unknown placement 'numa'" },
  { "--out=/nonexistent/dir/r.json", "does not exist" },
  { "--out=", "--out" },
  { "--bogus", "unknown option '--bogus'" },
  { "--depths", "needs a value" },
  { "--depths=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "--depths" },
  { "--placement=same_core,same_core", "'same_core' given twice" },
  { "--quick=1", "--quick takes no value" },
  { "--storm=-1", "0..100000; 0 = no storm entries" },
  { "--unwinder=dwarf", "unknown unwinder 'dwarf' (allowed: fp, " },
  { "--cache=hot", "--cache: unknown cache state 'hot' (allowed: warm, cold)" },
  { "--cache=warm,warm", "'warm' given twice" },
  { "--working-set=0", "--working-set: '0' (allowed: bytes 1.." },
  { "--working-set=-4096", "--working-set: '-4096'" },
  { "--working-set=1099511627776", "more than this machine's memory" },
  { "--spin-ns=-1", "--spin-ns: '-1' (allowed: nanoseconds 0..1000000000" },
  { "--benchmark_filter=(", "'(' is not a regular expression (" },
  { "--benchmark_filter=a{2,1}", "is not a regular expression" },
  { "--benchmark_format=csv", "(allowed: one of console,json)" },
  { "--benchmark_context=a=b=c", "is not key=value pairs" },
};

static void rejections(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
    const char *argv[] = { "pcbench", rejects[i].arg };

    assert_int_equal(parse(2, argv), PCB_CLI_EXIT_USAGE);
    assert_non_null(strstr(err, rejects[i].says));
    assert_null(strchr(err, '\n'));  /* one line */
  }
}

/* A setting given twice, under one name or two, is refused rather than
 * one value silently kept; so are modes that exclude each other. */
static const char *const twice[][3] = {
  { "--depths=32", "--depths=128", "--depths: given twice" },
  { "--quick", "--quick", "--quick: given twice" },
  { "--repetitions=3", "--benchmark_repetitions=3",
    "--benchmark_repetitions: sets what --repetitions already set" },
  { "--interleave", "--benchmark_enable_random_interleaving=false",
    "sets what --interleave already set" },
  { "--benchmark_filter=a", "--benchmark_filter=b",
    "--benchmark_filter: given twice" },
  { "--instructions=10", "--interleave", "(allowed: one of the two)" },
};

static void given_twice(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof(twice) / sizeof(twice[0]); i++) {
    const char *argv[] = { "pcbench", twice[i][0], twice[i][1] };

    assert_int_equal(parse(3, argv), PCB_CLI_EXIT_USAGE);
    assert_non_null(strstr(err, twice[i][2]));
    assert_null(strchr(err, '\n'));
  }
}

/* Google Benchmark's variables go through their flags' rows: applied
 * unless the command line set the same thing, refused as the flag is. */
static void environment(void **state)
{
  const char *plain[] = { "pcbench" };
  const char *flag[] = { "pcbench", "--repetitions=3" };

  (void)state;
  setenv("BENCHMARK_REPETITIONS", "5", 1);
  setenv("BENCHMARK_FILTER", "^floor/", 1);
  assert_int_equal(parse(1, plain), PCB_CLI_RUN);
  assert_int_equal(cfg.repetitions, 5);
  assert_int_equal(cfg.gb_argc, 2);
  assert_string_equal(cfg.gb_argv[1], "--benchmark_filter=^floor/");
  assert_int_equal(parse(2, flag), PCB_CLI_RUN);  /* the flag wins */
  assert_int_equal(cfg.repetitions, 3);
  setenv("BENCHMARK_REPETITIONS", "0", 1);  /* checked even when it loses */
  assert_int_equal(parse(2, flag), PCB_CLI_EXIT_USAGE);
  assert_non_null(strstr(err, "BENCHMARK_REPETITIONS (environment): '0' "
                              "(allowed: integers 1..1000)"));
  unsetenv("BENCHMARK_REPETITIONS");
  unsetenv("BENCHMARK_FILTER");
  setenv("BENCHMARK_OUT", "x.json", 1);
  assert_int_equal(parse(1, plain), PCB_CLI_EXIT_USAGE);
  assert_non_null(strstr(err, "BENCHMARK_OUT (environment): refused"));
  unsetenv("BENCHMARK_OUT");
  setenv("BENCHMARK_FILTR", "x", 1);
  assert_int_equal(parse(1, plain), PCB_CLI_EXIT_USAGE);
  assert_non_null(strstr(err, "BENCHMARK_FILTR (environment): names none"));
  unsetenv("BENCHMARK_FILTR");
  assert_true(pcb_noptions <= PCB_OPTIONS_MAX);
}

/* --quick is a preset applied first: an option given beside it wins. */
static void quick_is_a_preset(void **state)
{
  const char *argv[] = { "pcbench", "--min-time=0.5", "--quick" };

  (void)state;
  assert_int_equal(parse(3, argv), PCB_CLI_RUN);
  assert_true(cfg.quick);
  assert_int_equal(cfg.nframes, 2);
  assert_int_equal(cfg.frames[1], 200);
  assert_true(cfg.min_time == 0.5);
  assert_int_equal(cfg.ncaches, 1);  /* warm only */
  assert_int_equal(cfg.caches[0], PCB_CACHE_WARM);
  assert_int_equal(cfg.nrates, 1);   /* rate 1 only */
  assert_int_equal(cfg.rates[0], 1);
}

/* Every row of the option table is whole, and its default, typed on the
 * command line, is accepted: the defaults are the table's. */
static void table_rows_parse(void **state)
{
  (void)state;
  for (size_t i = 0; i < pcb_noptions; i++) {
    const struct pcb_option *o = &pcb_options[i];
    char arg[128];
    const char *argv[] = { "pcbench", arg };

    assert_true(strncmp(o->name, "--", 2) == 0);
    assert_non_null(o->help);
    if (o->def == NULL || o->type == PCB_OPT_PRESET)
      continue;
    snprintf(arg, sizeof(arg), "%s=%s", o->name, o->def);
    assert_int_equal(parse(2, argv), PCB_CLI_RUN);
  }
}

static void too_few_threads_for_block(void **state)
{
  const char *argv[] = { "pcbench", "--workloads=block", "--threads=1" };

  (void)state;
  assert_int_equal(parse(3, argv), PCB_CLI_EXIT_USAGE);
  assert_non_null(strstr(err, "too few for workload 'block'"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(defaults_are_the_matrix),
    cmocka_unit_test(accepted_forms),
    cmocka_unit_test(cache_axis_forms),
    cmocka_unit_test(rate_axis_forms),
    cmocka_unit_test(rejections),
    cmocka_unit_test(quick_is_a_preset),
    cmocka_unit_test(table_rows_parse),
    cmocka_unit_test(too_few_threads_for_block),
    cmocka_unit_test(given_twice),
    cmocka_unit_test(environment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
