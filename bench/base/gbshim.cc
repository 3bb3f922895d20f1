// The C shim over Google Benchmark 1.7.1; see gbshim.h.  Kept to the
// mechanics of the library: no pcbench logic lives here.
#include "gbshim.h"

#include <benchmark/benchmark.h>
#include <regex.h>

#include "base/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

// Google Benchmark 1.7.1 defines its flags in the library and exports
// them, but declares them only in a private header.  The reporters are
// chosen from these, exactly as RunSpecifiedBenchmarks() itself would.
namespace benchmark {
extern std::string FLAGS_benchmark_out;
extern std::string FLAGS_benchmark_out_format;
extern int32_t FLAGS_benchmark_repetitions;
extern bool FLAGS_benchmark_enable_random_interleaving;
}  // namespace benchmark

namespace {

// Google Benchmark's JSON reporter, strict: its writer prints a
// non-finite double as a bare NaN or Infinity token, which no strict JSON
// parser accepts.  The one case that arises is a cv (stddev / mean) of a
// value that was 0 in every repetition, such as `lost`: all values being
// equal, the variation is 0, and 0 is written.  Any other non-finite
// value is a bug in a counter: it is left out of the row, named on
// stderr, and counted so that pcbench can refuse its results.
class StrictJSONReporter : public benchmark::JSONReporter {
 public:
  void ReportRuns(const std::vector<Run> &reports) override
  {
    std::vector<Run> fixed(reports);

    for (Run &r : fixed) {
      bool cv = r.run_type == Run::RT_Aggregate && r.aggregate_name == "cv";

      if (cv && std::isnan(r.real_accumulated_time))
        r.real_accumulated_time = 0;
      if (cv && std::isnan(r.cpu_accumulated_time))
        r.cpu_accumulated_time = 0;
      for (auto it = r.counters.begin(); it != r.counters.end();) {
        double v = it->second.value;

        if (std::isfinite(v)) {
          ++it;
        } else if (cv && std::isnan(v)) {
          it->second.value = 0;
          ++it;
        } else {
          std::fprintf(stderr, "pcbench: %s: counter %s is %g, which JSON "
                       "cannot hold: left out\n",
                       r.benchmark_name().c_str(), it->first.c_str(), v);
          left_out++;
          it = r.counters.erase(it);
        }
      }
    }
    JSONReporter::ReportRuns(fixed);
  }

  static unsigned long left_out;
};

unsigned long StrictJSONReporter::left_out;

// Every registered entry's full name, as --benchmark_filter sees it.
std::vector<std::string> registered;

// How many registered entries the filter selects, matched as Google
// Benchmark 1.7.1 matches (an extended regex; "all" or empty: every one;
// a leading '-': those that do not match).  Only for progress: a count
// off by a few shows a wrong total, nothing else.
int matched_entries()
{
  std::string spec = benchmark::GetBenchmarkFilter();
  bool negative = !spec.empty() && spec[0] == '-';
  regex_t re;
  int n = 0;

  if (negative)
    spec = spec.substr(1);
  if (spec.empty() || spec == "all")
    spec = ".";
  if (regcomp(&re, spec.c_str(), REG_EXTENDED | REG_NOSUB) != 0)
    return 0;
  for (const std::string &name : registered)
    if ((regexec(&re, name.c_str(), 0, nullptr, 0) == 0) != negative)
      n++;
  regfree(&re);
  return n;
}

}  // namespace

static benchmark::State &S(pcb_gb_state *st)
{
  return *reinterpret_cast<benchmark::State *>(st);
}

// Tabular counters by default (one column per counter, not one 300-character
// UserCounters column): the flag goes ahead of the user's, which thus
// win, unless the user set it in the environment.
extern "C" bool pcb_gb_init(int *argc, char **argv)
{
  std::vector<char *> args(argv, argv + *argc);
  static char tabular[] = "--benchmark_counters_tabular=true";
  int n;

  if (std::getenv("BENCHMARK_COUNTERS_TABULAR") == nullptr)
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

extern "C" void pcb_gb_context(const char *key, const char *value)
{
  benchmark::AddCustomContext(key, value);
}

// Every JSON output goes through StrictJSONReporter: the console's
// (--benchmark_format=json) and the file's (--benchmark_out, JSON unless
// --benchmark_out_format says otherwise).  Console and CSV reporters are
// Google Benchmark's own.
extern "C" unsigned long pcb_gb_run(void)
{
  benchmark::BenchmarkReporter *display =
      benchmark::CreateDefaultDisplayReporter();
  StrictJSONReporter display_json, file_json;
  benchmark::BenchmarkReporter *file = nullptr;

  if (dynamic_cast<benchmark::JSONReporter *>(display) != nullptr)
    display = &display_json;
  pcb_progress_total(matched_entries() *
                     (benchmark::FLAGS_benchmark_enable_random_interleaving
                          ? std::max(1, benchmark::FLAGS_benchmark_repetitions)
                          : 1));
  if (!benchmark::FLAGS_benchmark_out.empty() &&
      benchmark::FLAGS_benchmark_out_format == "json")
    file = &file_json;
  return benchmark::RunSpecifiedBenchmarks(display, file);
}

extern "C" unsigned long pcb_gb_left_out(void)
{
  return StrictJSONReporter::left_out;
}

extern "C" void pcb_gb_help(void)
{
  std::printf(
      "\nGoogle Benchmark %s flags (anywhere on the command line):\n"
      "  --benchmark_filter=REGEX        entries to run, by name as in the"
      " results\n"
      "  --benchmark_repetitions=N       overrides --repetitions\n"
      "  --benchmark_min_time=SECONDS    overrides --min-time (plain seconds:"
      " 0.05)\n"
      "  --benchmark_format=console|json|csv   what stdout shows (json is"
      " strict)\n"
      "  --benchmark_out=FILE            also write results to FILE (not with\n"
      "                                  --out, which takes its place)\n"
      "  --benchmark_out_format=json|console|csv\n"
      "  --benchmark_counters_tabular=true|false   one column per counter"
      " (pcbench: true)\n"
      "  --benchmark_display_aggregates_only=true|false\n"
      "  --benchmark_report_aggregates_only=true|false\n"
      "  --benchmark_enable_random_interleaving=true|false\n"
      "  --benchmark_time_unit=ns|us|ms|s\n"
      "  --benchmark_color=auto|true|false\n"
      "  --benchmark_context=KEY=VALUE,...   extra context in the results\n"
      "  --benchmark_list_tests          list entries, run nothing\n"
      "  --benchmark_min_warmup_time=SECONDS\n"
      "Each flag may also be set in the environment, upper-cased: "
      "BENCHMARK_FILTER,\nBENCHMARK_REPETITIONS, BENCHMARK_MIN_TIME, "
      "BENCHMARK_FORMAT, BENCHMARK_OUT,\nBENCHMARK_OUT_FORMAT, "
      "BENCHMARK_COUNTERS_TABULAR, ... (a flag given on the\ncommand line "
      "wins over the environment).\n",
      "1.7.1");
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

extern "C" void pcb_gb_label(pcb_gb_state *st, const char *label)
{
  S(st).SetLabel(label);
}
