// The C shim over Google Benchmark 1.7.1; see gbshim.h.  Kept to the
// mechanics of the library: no pcbench logic lives here.
#include "gbshim.h"

#include <benchmark/benchmark.h>

#include "base/gbreport.h"
#include "base/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
// GCC 12 warns, in sanitizer builds only, that std::function's members
// inside <regex> may be used uninitialized: a false positive of its
// instrumented flow analysis in the library's own header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#pragma GCC diagnostic pop
#include <string>
#include <vector>

// Google Benchmark 1.7.1 defines its flags in the library and exports
// them, but declares them only in a private header.  Each starts as its
// environment variable says (BENCHMARK_X, and V for the log level), read
// while the library loads; pcbench reads those variables itself through
// its option table (cli/env.c), so pcb_gb_init resets every one of these
// to the library's default before handing over the checked flags.  The
// reporters are chosen from them, as RunSpecifiedBenchmarks() would.
namespace benchmark {
extern bool FLAGS_benchmark_list_tests;
extern std::string FLAGS_benchmark_filter;
extern double FLAGS_benchmark_min_time;
extern double FLAGS_benchmark_min_warmup_time;
extern int32_t FLAGS_benchmark_repetitions;
extern bool FLAGS_benchmark_enable_random_interleaving;
extern bool FLAGS_benchmark_report_aggregates_only;
extern bool FLAGS_benchmark_display_aggregates_only;
extern std::string FLAGS_benchmark_format;
extern std::string FLAGS_benchmark_out_format;
extern std::string FLAGS_benchmark_out;
extern std::string FLAGS_benchmark_color;
extern bool FLAGS_benchmark_counters_tabular;
extern std::string FLAGS_benchmark_perf_counters;
extern std::map<std::string, std::string> FLAGS_benchmark_context;
extern std::string FLAGS_benchmark_time_unit;
extern int32_t FLAGS_v;
}  // namespace benchmark

namespace {


// Every registered entry's full name, as --benchmark_filter sees it.
std::vector<std::string> registered;

// The filter as Google Benchmark 1.7.1 reads it: "all" or empty is every
// entry; a leading '-' keeps those that do not match the rest.
struct Filter {
  std::string spec;
  bool negative;
};

Filter filter_of(const std::string &flag)
{
  Filter f{flag, !flag.empty() && flag[0] == '-'};

  if (f.negative)
    f.spec = f.spec.substr(1);
  if (f.spec.empty() || f.spec == "all")
    f.spec = ".";
  return f;
}

// How many registered entries the filter selects, matched as Google
// Benchmark 1.7.1 matches: std::regex, extended syntax, regex_search
// over the full name (its Regex class, when built with std::regex, as
// Debian's is).  -1 if the filter does not compile.
long matched_entries()
{
  Filter f = filter_of(benchmark::GetBenchmarkFilter());
  long n = 0;

  try {
    std::regex re(f.spec, std::regex_constants::extended);

    for (const std::string &name : registered)
      if (std::regex_search(name, re) != f.negative)
        n++;
  } catch (const std::exception &) {
    return -1;
  }
  return n;
}


}  // namespace

static benchmark::State &S(pcb_gb_state *st)
{
  return *reinterpret_cast<benchmark::State *>(st);
}

// Every flag back to Google Benchmark 1.7.1's default (benchmark.cc):
// what the environment set while the library loaded is forgotten.
static void reset_flags()
{
  benchmark::FLAGS_benchmark_list_tests = false;
  benchmark::FLAGS_benchmark_filter = "";
  benchmark::FLAGS_benchmark_min_time = 0.5;
  benchmark::FLAGS_benchmark_min_warmup_time = 0.0;
  benchmark::FLAGS_benchmark_repetitions = 1;
  benchmark::FLAGS_benchmark_enable_random_interleaving = false;
  benchmark::FLAGS_benchmark_report_aggregates_only = false;
  benchmark::FLAGS_benchmark_display_aggregates_only = false;
  benchmark::FLAGS_benchmark_format = "console";
  benchmark::FLAGS_benchmark_out_format = "json";
  benchmark::FLAGS_benchmark_out = "";
  benchmark::FLAGS_benchmark_color = "auto";
  benchmark::FLAGS_benchmark_counters_tabular = false;
  benchmark::FLAGS_benchmark_perf_counters = "";
  benchmark::FLAGS_benchmark_context.clear();
  benchmark::FLAGS_benchmark_time_unit = "";
  benchmark::FLAGS_v = 0;
}

// Tabular counters by default (one column per counter, not one 300-character
// UserCounters column): the flag goes ahead of the others, which thus
// win (a checked BENCHMARK_COUNTERS_TABULAR among them).
extern "C" bool pcb_gb_init(int *argc, char **argv)
{
  std::vector<char *> args(argv, argv + *argc);
  static char tabular[] = "--benchmark_counters_tabular=true";
  int n;

  reset_flags();
  args.insert(args.begin() + 1, tabular);
  n = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&n, args.data());
  // Initialize removed what it recognized, the tabular flag among them.
  for (int i = 0; i < n; i++)
    argv[i] = args[i];
  *argc = n;
  return !benchmark::ReportUnrecognizedArguments(*argc, argv);
}

extern "C" const char *pcb_gb_filter_error(const char *flag)
{
  static std::string why;

  try {
    std::regex re(filter_of(flag).spec, std::regex_constants::extended);
  } catch (const std::regex_error &e) {
    why = std::string("is not a regular expression (") + e.what() + ")";
    return why.c_str();
  } catch (const std::exception &) {
    return "could not be compiled (out of memory)";
  }
  return nullptr;
}

extern "C" long pcb_gb_matched(void)
{
  return matched_entries();
}

extern "C" const char *pcb_gb_filter(void)
{
  return benchmark::FLAGS_benchmark_filter.c_str();
}

extern "C" void pcb_gb_register(const char *name, pcb_gb_fn fn, void *arg,
                                const struct pcb_gb_opts *o)
{
  auto *b = benchmark::RegisterBenchmark(name, [fn, arg](benchmark::State &s) {
    fn(reinterpret_cast<pcb_gb_state *>(&s), arg);
  });
  std::string full(name);
  char num[64];

  // Google Benchmark appends these to the name, in this order.
  if (o->min_time > 0 && o->iterations <= 0) {
    std::snprintf(num, sizeof(num), "/min_time:%0.3f", o->min_time);
    full += num;
  }
  if (o->iterations > 0)
    full += "/iterations:" + std::to_string(o->iterations);
  if (o->repetitions > 0)
    full += "/repeats:" + std::to_string(o->repetitions);
  if (o->real_time)
    b->UseRealTime();
  if (o->manual_time)
    b->UseManualTime();
  if (o->repetitions > 0)
    b->Repetitions(o->repetitions);
  if (o->iterations > 0)
    b->Iterations(o->iterations);
  else if (o->min_time > 0)
    b->MinTime(o->min_time);
  if (o->manual_time)
    full += "/manual_time";
  else if (o->real_time)
    full += "/real_time";
  registered.push_back(full);
}

// Before the run, a key of the context Google Benchmark renders; after
// it started, a key the results' writer adds at the end (gbreport.cc).
extern "C" void pcb_gb_context(const char *key, const char *value)
{
  if (pcb_gb::context_rendered())
    pcb_gb::context_late(key, value);
  else
    benchmark::AddCustomContext(key, value);
}

static bool compact_shown;

extern "C" bool pcb_gb_compact_shown(void) { return compact_shown; }

// Every JSON output goes through the strict, settled reporter
// (gbreport.cc): the console's (--benchmark_format=json) and the file's
// (--benchmark_out, always JSON: pcbench refuses the other formats).  The
// display reporter, whichever it is, sits behind the gate.
extern "C" unsigned long pcb_gb_run(bool all_counters)
{
  benchmark::BenchmarkReporter *display =
      benchmark::CreateDefaultDisplayReporter();
  pcb_gb::StrictJSONReporter display_json, file_json;
  pcb_gb::CompactConsole compact;
  benchmark::BenchmarkReporter *file = nullptr;
  unsigned long ran;

  if (dynamic_cast<benchmark::JSONReporter *>(display) != nullptr)
    display = &display_json;
  else if (!all_counters)
    display = &compact;
  compact_shown = display == &compact;
  pcb_gb::GatedDisplay gated_display(display);
  pcb_progress_total((int)matched_entries() *
                     (benchmark::FLAGS_benchmark_enable_random_interleaving
                          ? std::max(1, benchmark::FLAGS_benchmark_repetitions)
                          : 1));
  if (!benchmark::FLAGS_benchmark_out.empty())
    file = &file_json;
  std::atexit(pcb_gb::say_held);
  ran = benchmark::RunSpecifiedBenchmarks(&gated_display, file);
  pcb_gb::say_held();
  return ran;
}

extern "C" void pcb_gb_shutdown(void)
{
  benchmark::Shutdown();
}

extern "C" bool pcb_gb_keep_running_batch(pcb_gb_state *st, int64_t n)
{
  return S(st).KeepRunningBatch(n);
}

extern "C" int64_t pcb_gb_iterations(const pcb_gb_state *st)
{
  return reinterpret_cast<const benchmark::State *>(st)->iterations();
}

extern "C" void pcb_gb_set_iteration_time(pcb_gb_state *st, double seconds)
{
  S(st).SetIterationTime(seconds);
}

extern "C" void pcb_gb_counter(pcb_gb_state *st, const char *name,
                               double value, int flags)
{
  S(st).counters[name] =
      benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(flags));
}

extern "C" void pcb_gb_skip_with_error(pcb_gb_state *st, const char *msg)
{
  S(st).SkipWithError(msg);
}
