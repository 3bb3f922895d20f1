// The C shim over Google Benchmark 1.7.1; see gbshim.h.  Kept to the
// mechanics of the library: no pcbench logic lives here.
#include "gbshim.h"

#include <benchmark/benchmark.h>

#include "base/outfile.h"
#include "base/progress.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <regex>
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

// What Google Benchmark says before a run starts is an error it then
// acts on: it cannot open --benchmark_out ("invalid file name", then
// std::exit(1)), or the filter matched nothing.  pcbench checked the
// filter and created the temporary, so the one left is a failed open,
// which under memory exhaustion is fopen's malloc: Google Benchmark
// would call it an invalid file name.  So its error stream is held,
// with errno as it was, until the run's context is reported; if the
// process exits first (Google Benchmark's std::exit), an exit hook says
// what happened in pcbench's one line instead (base/outfile.h).
class Gate : public std::streambuf {
 public:
  void open() { opened = true; }
  void say_held()  // from the exit hook, or after a run that never began
  {
    if (opened || held.empty())
      return;
    opened = true;
    if (held_errno == ENOMEM)
      pcb_out_of_memory("opening the results' temporary");
    while (!held.empty() && held.back() == '\n')
      held.pop_back();
    std::fprintf(stderr, "pcbench: Google Benchmark: %s\n", held.c_str());
  }

 protected:
  int overflow(int ch) override
  {
    char c = static_cast<char>(ch);

    return ch == EOF ? 0 : xsputn(&c, 1) == 1 ? ch : EOF;
  }
  std::streamsize xsputn(const char *s, std::streamsize n) override
  {
    if (opened)
      return static_cast<std::streamsize>(std::fwrite(s, 1, n, stderr));
    if (held.empty())
      held_errno = errno;
    held.append(s, static_cast<size_t>(std::min<std::streamsize>(
                       n, 512 - static_cast<std::streamsize>(
                                    std::min<size_t>(held.size(), 512)))));
    return n;
  }

 private:
  bool opened = false;
  int held_errno = 0;
  std::string held;
};

Gate gate;
std::ostream gated(&gate);

// The display reporter, behind the gate: the first report of a context
// opens it; everything else goes to the reporter Google Benchmark made.
class GatedDisplay : public benchmark::BenchmarkReporter {
 public:
  explicit GatedDisplay(benchmark::BenchmarkReporter *r) : inner(r)
  {
    SetOutputStream(&inner->GetOutputStream());
    SetErrorStream(&gated);
  }
  bool ReportContext(const Context &c) override
  {
    gate.open();
    return inner->ReportContext(c);
  }
  void ReportRuns(const std::vector<Run> &r) override { inner->ReportRuns(r); }
  void Finalize() override { inner->Finalize(); }

 private:
  benchmark::BenchmarkReporter *inner;
};

void say_held_at_exit() { gate.say_held(); }

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
  unsigned long ran;

  if (dynamic_cast<benchmark::JSONReporter *>(display) != nullptr)
    display = &display_json;
  GatedDisplay gated_display(display);
  pcb_progress_total((int)matched_entries() *
                     (benchmark::FLAGS_benchmark_enable_random_interleaving
                          ? std::max(1, benchmark::FLAGS_benchmark_repetitions)
                          : 1));
  if (!benchmark::FLAGS_benchmark_out.empty() &&
      benchmark::FLAGS_benchmark_out_format == "json")
    file = &file_json;
  std::atexit(say_held_at_exit);
  ran = benchmark::RunSpecifiedBenchmarks(&gated_display, file);
  gate.say_held();
  return ran;
}

extern "C" unsigned long pcb_gb_left_out(void)
{
  return StrictJSONReporter::left_out;
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
