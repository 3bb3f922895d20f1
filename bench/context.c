/*
 * The results' context: every key pcbench writes into the results file's
 * "context" object is written here, once, after set-up and before the
 * first entry runs -- the build and the machine, the configuration, the
 * run's clock and rates, the spin budgets, the layouts, and the tables'
 * own descriptions (strategy, workload and suite kinds), so that scripts
 * read roles from the data, not from names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/gbshim.h"
#include "base/topo.h"
#include "context.h"
#include "layout/layouts.h"
#include "layout/modules.h"
#include "machine.h"
#include "pcbench/arch.h"
#include "pcbench/clock.h"
#include "pcbench/strategy.h"
#include "pcbench/unwind.h"
#include "run/runner.h"
#include "suites/suite.h"
#include "workloads/workload.h"

#include "git_commit.h"  /* PCB_GIT_COMMIT, written at build time */
#ifndef PCB_COMPILER
#define PCB_COMPILER "unknown"
#endif
#ifndef PCB_CFLAGS
#define PCB_CFLAGS "unknown"
#endif

/* "name:attr,attr,key=value;name:...": the form of strategy_flags,
 * workload_kinds and suite_kinds, one row a table's entry. */
struct kinds {
  char buf[1024];
  size_t at;
  const char *sep;
};

static void kinds_add(struct kinds *k, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
static void kinds_add(struct kinds *k, const char *fmt, ...)
{
  va_list ap;

  if (k->at >= sizeof(k->buf))
    return;
  va_start(ap, fmt);
  k->at += (size_t)vsnprintf(k->buf + k->at, sizeof(k->buf) - k->at, fmt,
                             ap);
  va_end(ap);
}

static void kinds_row(struct kinds *k, const char *name)
{
  kinds_add(k, "%s%s:", k->at ? ";" : "", name);
  k->sep = "";
}

static void kinds_attr(struct kinds *k, const char *attr)
{
  kinds_add(k, "%s%s", k->sep, attr);
  k->sep = ",";
}

/* Each registered strategy's role flags, so that scripts read roles (the
 * baseline, the negative control, the opt-in ones, the code clones,
 * where the buffer lives) from the results, not from names:
 * "off:no_capture;stack:stack_buffer;thread:guarded;...", and which
 * strategy each clone copies: "stack_clone:stack". */
static void describe_strategies(void)
{
  static const struct { unsigned flag; const char *name; } roles[] = {
    { PCB_F_NO_CAPTURE, "no_capture" }, { PCB_F_CONTROL, "control" },
    { PCB_F_OPT_IN, "opt_in" }, { PCB_F_SHARED, "shared" },
    { PCB_F_GUARDED, "guarded" }, { PCB_F_CLONE, "clone" },
    { PCB_F_STACK_BUF, "stack_buffer" }, { PCB_F_SPILL, "spill" },
    { PCB_F_CAPTURE_ONLY, "capture_only" },
  };
  struct kinds flags = { .at = 0 }, clones = { .at = 0 }, mods = { .at = 0 };

  for (size_t i = 0; i < pcb_strategy_count(); i++) {
    const struct pcb_strategy *s = pcb_strategy_at(i);

    kinds_row(&flags, s->name);
    for (size_t r = 0; r < sizeof(roles) / sizeof(*roles); r++)
      if (s->flags & roles[r].flag)
        kinds_attr(&flags, roles[r].name);
    if (pcb_modules_name(s) != NULL) {  /* brought by --module */
      kinds_attr(&flags, "module");
      kinds_row(&mods, s->name);
      kinds_attr(&mods, pcb_modules_name(s));
    }
    if (s->clone_of) {
      kinds_row(&clones, s->name);
      kinds_attr(&clones, s->clone_of);
    }
  }
  pcb_gb_context("strategy_flags", flags.buf);
  pcb_gb_context("strategy_clones", clones.buf);
  /* only with --module: the strategies each module brought, by the
   * module's label ("my_strategy:my_strategy"), and each module's label
   * and file ("old=/x/layout-1.so;..."), also for modules that bring
   * none (another build's, timed as `<strategy>@<label>` arms) */
  if (mods.at > 0)
    pcb_gb_context("strategy_modules", mods.buf);
  if (pcb_modules_count() > 0)
    pcb_gb_context("modules", pcb_modules_describe());
}

/* Each workload's kind, so that scripts need no workload's name:
 * "malloc:rate=bytes,min_threads=1,cold,reference;block:rate=cycles,
 * min_threads=2,cold,real_time;...": what its --rate counts (bytes
 * allocated, or cycles of waiting), the threads a run needs, whether it
 * has cold loops (cache:cold and rate:go entries), whether it is timed in
 * wall time, whether the report reads it first, and its event site's
 * function (bench-ci counts instructions inside it). */
static void describe_workloads(void)
{
  struct kinds k = { .at = 0 };
  char attr[96];

  for (size_t i = 0; i < pcb_workload_count(); i++) {
    const struct pcb_workload *wl = pcb_workload_at(i);

    kinds_row(&k, wl->name);
    kinds_attr(&k, wl->rate_unit == PCB_RATE_BYTES ? "rate=bytes"
                                                   : "rate=cycles");
    snprintf(attr, sizeof(attr), "min_threads=%d", wl->min_threads);
    kinds_attr(&k, attr);
    if (wl->cold_loop != NULL)
      kinds_attr(&k, "cold");
    if (wl->real_time)
      kinds_attr(&k, "real_time");
    if (wl->reference)
      kinds_attr(&k, "reference");
    if (wl->site != NULL) {
      snprintf(attr, sizeof(attr), "site=%s", wl->site);
      kinds_attr(&k, attr);
    }
  }
  pcb_gb_context("workload_kinds", k.buf);
}

/* Each suite's kind: "matrix:point;paired:paired,prefix=paired;
 * memory:companion,prefix=thread_start+first_event+heap;...": what its
 * entries are (suite.h) and the first words of their names (none: the
 * workload's name). */
static void describe_suites(void)
{
  struct kinds k = { .at = 0 };
  char attr[128];

  for (size_t i = 0; i < pcb_suite_count(); i++) {
    const struct pcb_suite *s = pcb_suite_at(i);

    kinds_row(&k, s->name);
    kinds_attr(&k, s->kind);
    if (s->prefixes) {
      snprintf(attr, sizeof(attr), "prefix=%s", s->prefixes);
      kinds_attr(&k, attr);
    }
  }
  pcb_gb_context("suite_kinds", k.buf);
}

static void describe_machine(const struct pcb_config *c, bool bound)
{
  char buf[256];
  char desc[128] = "n/a (one PU)";

  pcb_gb_context("pcbench_version", PCB_VERSION);
  pcb_gb_context("git_commit", PCB_GIT_COMMIT);
  pcb_gb_context("compiler", PCB_COMPILER);
  pcb_gb_context("cflags", PCB_CFLAGS);
  pcb_gb_context("hwloc_topology", pcb_topo_summary());
  pcb_gb_context("cpu_binding",
                 bound ? "measuring thread bound to PU0" :
                 pcb_topo_loaded() ? "unbound: binding to PU0 failed" :
                 "unbound: hwloc could not load the topology");
  for (int i = 0; i < PCB_PLACE_COUNT; i++) {
    if (pcb_topo_npus() > 1 || i == PCB_PLACE_SAME_CORE)
      pcb_topo_pu_for((enum pcb_place)i, 1, desc, sizeof(desc));
    snprintf(buf, sizeof(buf), "placement_%s", pcb_place_name((enum pcb_place)i));
    pcb_gb_context(buf, desc);
  }
  pcb_gb_context("unwinder", c->unwinder->name);
  snprintf(buf, sizeof(buf), "%llu", (unsigned long long)c->seed);
  pcb_gb_context("seed", buf);
  if (pcb_topo_l2_bytes())
    snprintf(buf, sizeof(buf), "%llu bytes per thread, walked between two "
             "events of a cold entry (L2 seen by hwloc: %llu bytes)",
             (unsigned long long)c->working_set, pcb_topo_l2_bytes());
  else  /* e.g. under valgrind, where hwloc leaves its CPUID backend off */
    snprintf(buf, sizeof(buf), "%llu bytes per thread, walked between two "
             "events of a cold entry (hwloc saw no L2 here; %u bytes "
             "assumed where --working-set is not given)",
             (unsigned long long)c->working_set, PCB_L2_GUESS);
  pcb_gb_context("working_set", buf);
  buf[0] = '\0';
  for (int i = 0; i < c->nrates; i++) {  /* --rate as given: "1,go" */
    size_t at = strlen(buf);

    if (c->rates[i] == PCB_RATE_GO)
      snprintf(buf + at, sizeof(buf) - at, "%sgo", i ? "," : "");
    else
      snprintf(buf + at, sizeof(buf) - at, "%s%llu", i ? "," : "",
               (unsigned long long)c->rates[i]);
  }
  pcb_gb_context("rate", buf);
  pcb_gb_context("repetition_order",
                 c->interleave ? "random interleaving of all entries"
                               : "each entry's repetitions back to back");
  if (c->instructions) {
    snprintf(buf, sizeof(buf), "%d iterations per matrix entry (in "
             "batches of 64), each run dumped by callgrind", c->instructions);
    pcb_gb_context("instruction_mode", buf);
  }
  snprintf(buf, sizeof(buf), "%d events per entry, untimed, at rate 1",
           c->check_events);
  pcb_gb_context("correctness_check", buf);
}

static void describe_clock(const struct pcb_config *c)
{
  char buf[160];

  snprintf(buf, sizeof(buf),
           "%s, %.4f ns/tick; floor %.1f ns (median of 10001 back-to-back "
           "pairs) subtracted from each timed operation",
           pcb_clock_path_name(pcb_clock_current()), pcb_runner_ns_per_tick(),
           pcb_runner_clock_floor_ns());
  pcb_gb_context("latency_timer", buf);
  pcb_gb_context("clock", pcb_clock_path_name(pcb_clock_current()));
  if (pcb_arch_emulated() != NULL)  /* its times mean nothing */
    pcb_gb_context("emulated", pcb_arch_emulated());
  pcb_gb_context("clock_requested", pcb_clock_path_name(c->clock));
  snprintf(buf, sizeof(buf), "%.2f", pcb_runner_clock_floor_ns());
  pcb_gb_context("timer_floor_ns", buf);
  snprintf(buf, sizeof(buf), "%.6f", pcb_runner_ns_per_tick());
  pcb_gb_context("ns_per_tick", buf);
}

/* Go's default rates as this machine resolves them (see runner.h). */
static void describe_go_rates(void)
{
  char buf[32];

  uint64_t cycles = pcb_go_block_cycles(PCB_GO_BLOCK_NS,
                                        pcb_runner_ns_per_tick());

  snprintf(buf, sizeof(buf), "%d", PCB_GO_MEM_PROFILE_RATE);
  pcb_gb_context("go_rate_malloc_bytes", buf);
  snprintf(buf, sizeof(buf), "%d", PCB_GO_BLOCK_NS);
  pcb_gb_context("go_rate_block_ns", buf);
  snprintf(buf, sizeof(buf), "%llu", (unsigned long long)cycles);
  pcb_gb_context("go_rate_block_cycles", buf);
}

/* Per placement, the spin budget block and mutex waits get, and why. */
static void describe_spin(const struct pcb_config *c)
{
  for (int i = 0; i < PCB_PLACE_COUNT; i++) {
    struct pcb_point p = { .threads = c->threads > 1 ? c->threads : 2,
                           .place = (enum pcb_place)i };
    uint64_t spin = pcb_spin_budget(&p, c->spin_ns);
    char key[64], buf[256];

    snprintf(key, sizeof(key), "spin_ns_%s", pcb_place_name(p.place));
    if (spin > 0 || c->spin_ns == 0)
      snprintf(buf, sizeof(buf), "%llu: a wait spins up to %llu ns, then "
               "parks on a futex", (unsigned long long)spin,
               (unsigned long long)spin);
    else
      snprintf(buf, sizeof(buf), "0: the spin budget of %llu ns cannot be "
               "met (%d threads on %d PUs, or a partner on the measuring "
               "thread's PU): every wait parks at once",
               (unsigned long long)c->spin_ns, p.threads, pcb_topo_npus());
    pcb_gb_context(key, buf);
  }
}

void pcb_context_write(const struct pcb_config *c, bool bound)
{
  describe_machine(c, bound);
  pcb_machine_describe();
  pcb_gb_at_end(pcb_machine_describe_end);
  describe_clock(c);
  describe_go_rates();
  describe_spin(c);
  describe_strategies();
  describe_workloads();
  describe_suites();
  if (c->paired)
    pcb_gb_context("layouts", pcb_layouts_describe());
}
