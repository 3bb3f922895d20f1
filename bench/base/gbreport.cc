// The shim's reporters: Google Benchmark's JSON reporter made strict and
// settled, and its display reporter behind a gate.  See gbreport.h.
#include "base/gbreport.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <utility>

#include "base/gbshim.h"
#include "base/outfile.h"

namespace pcb_gb {

namespace {

// Counters the suites add to entries once the whole run is known (a storm
// entry's verdict depends on the control's entry at its point, which may
// run after it): by the name an entry was registered under.
std::map<std::string, std::vector<std::pair<std::string, double>>> amended;
void (*settle_hook)(void);
bool settled;
void (*end_hook)(void);
bool ended;
bool rendered;
// Context keys given after the context was rendered (the machine's load
// at the end of the run): written into it when the results are.
std::vector<std::pair<std::string, std::string>> late;

// The run has ended: the end hook runs once, at the first Finalize of any
// reporter, before anything of the results is written.
void run_end()
{
  if (!ended && end_hook)
    end_hook();
  ended = true;
}

// `text` as a JSON string's content: quotes and backslashes escaped,
// control characters dropped (the writers give printable text).
std::string json_text(const std::string &text)
{
  std::string out;

  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20)
      out += c;
  }
  return out;
}

// Every row of an amended entry gains its counters: the value itself in
// its repetitions and in their mean and median, 0 in their stddev and cv
// (the value is one per entry, the same in every repetition).
void amend(std::vector<benchmark::BenchmarkReporter::Run> &runs)
{
  for (benchmark::BenchmarkReporter::Run &r : runs) {
    auto it = amended.find(r.run_name.function_name);
    bool spread = r.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate
                  && (r.aggregate_name == "stddev" || r.aggregate_name == "cv");

    if (it == amended.end())
      continue;
    for (const auto &kv : it->second)
      r.counters[kv.first] = benchmark::Counter(spread ? 0 : kv.second);
  }
}

// The rows as written, one per entry (see pcb_gb_rows): the first
// repetition of each, or its median where only aggregates were reported.
struct KeptRow {
  std::string name;
  bool aggregate;
  std::map<std::string, double> counters;
};
std::vector<KeptRow> kept;

void keep(const std::vector<benchmark::BenchmarkReporter::Run> &runs)
{
  for (const benchmark::BenchmarkReporter::Run &r : runs) {
    bool agg = r.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate;
    const std::string &name = r.run_name.function_name;

    if (r.error_occurred || (agg && r.aggregate_name != "median"))
      continue;
    auto it = std::find_if(kept.begin(), kept.end(),
                           [&](const KeptRow &k) { return k.name == name; });
    if (it != kept.end() && (agg || !it->aggregate))
      continue;  // the first repetition is kept; a median only without one
    KeptRow row{name, agg, {}};
    for (const auto &kv : r.counters)
      row.counters[kv.first] = kv.second.value;
    if (it != kept.end())
      *it = std::move(row);
    else
      kept.push_back(std::move(row));
  }
}

}  // namespace

extern "C" size_t pcb_gb_rows(void) { return kept.size(); }

extern "C" const char *pcb_gb_row_name(size_t i)
{
  return i < kept.size() ? kept[i].name.c_str() : "";
}

extern "C" double pcb_gb_row_counter(size_t i, const char *key)
{
  if (i >= kept.size())
    return NAN;
  auto it = kept[i].counters.find(key);
  return it == kept[i].counters.end() ? NAN : it->second;
}

// Strict: Google Benchmark's writer prints a non-finite double as a bare
// NaN or Infinity token, which no strict JSON parser accepts.  The one
// case that arises is a cv (stddev / mean) of a value that was 0 in every
// repetition, such as `lost`: all values being equal, the variation is 0,
// and 0 is written.  Any other non-finite value is a bug in a counter: it
// is left out of the row, named on stderr, and counted so that pcbench
// can refuse its results.
//
// Settled: the rows are held until the run ends, then the suites' settle
// hook runs once (pcb_gb_before_write) and may add counters to any entry
// (pcb_gb_amend), and only then is anything written.  The temporary holds
// the context alone until then; nothing of it is ever read before the
// rename (base/outfile.h).
// The context is rendered when the run starts (its date is the start's),
// held, and written at the end with the late keys added to its object.
bool StrictJSONReporter::ReportContext(const Context &c)
{
  std::ostringstream text;
  std::ostream &out = GetOutputStream();

  SetOutputStream(&text);
  JSONReporter::ReportContext(c);
  SetOutputStream(&out);
  context = text.str();
  rendered = true;
  return true;
}

void StrictJSONReporter::ReportRuns(const std::vector<Run> &reports)
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
    held.push_back(std::move(fixed));
}

void StrictJSONReporter::Finalize()
{
  // the context object closes at the last "\n  },\n" before the rows
  size_t close = context.rfind("\n  },\n");

  run_end();
  if (!settled && settle_hook)
    settle_hook();
  settled = true;
  for (const auto &kv : late)
    if (close != std::string::npos) {
      std::string item = ",\n    \"" + json_text(kv.first) + "\": \"" +
                         json_text(kv.second) + "\"";

      context.insert(close, item);
      close += item.size();
    }
  GetOutputStream() << context;
  for (std::vector<Run> &runs : held) {
    amend(runs);
    keep(runs);
    JSONReporter::ReportRuns(runs);
  }
  held.clear();
  JSONReporter::Finalize();
}

unsigned long StrictJSONReporter::left_out;

namespace {

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
}  // namespace

GatedDisplay::GatedDisplay(benchmark::BenchmarkReporter *r) : inner(r)
{
  SetOutputStream(&inner->GetOutputStream());
  SetErrorStream(&gated);
}

bool GatedDisplay::ReportContext(const Context &c)
{
  gate.open();
  rendered = true;
  return inner->ReportContext(c);
}

// The display's rows with the JSON's rule for a cv of values that were
// all 0 (0, not nan): no console prints nan.
void GatedDisplay::ReportRuns(const std::vector<Run> &reports)
{
  std::vector<Run> fixed(reports);

  for (Run &r : fixed) {
    if (r.run_type != Run::RT_Aggregate || r.aggregate_name != "cv")
      continue;
    if (std::isnan(r.real_accumulated_time))
      r.real_accumulated_time = 0;
    if (std::isnan(r.cpu_accumulated_time))
      r.cpu_accumulated_time = 0;
    for (auto &kv : r.counters)
      if (std::isnan(kv.second.value))
        kv.second.value = 0;
  }
  inner->ReportRuns(fixed);
}

void GatedDisplay::Finalize()
{
  run_end();
  inner->Finalize();
}

bool context_rendered() { return rendered; }

void context_late(const char *key, const char *value)
{
  late.emplace_back(key, value);
}

void say_held() { gate.say_held(); }

}  // namespace pcb_gb

extern "C" void pcb_gb_before_write(void (*fn)(void))
{
  pcb_gb::settle_hook = fn;
}

extern "C" void pcb_gb_at_end(void (*fn)(void))
{
  pcb_gb::end_hook = fn;
}

extern "C" void pcb_gb_amend(const char *name, const char *key, double value)
{
  pcb_gb::amended[name].emplace_back(key, value);
}

extern "C" unsigned long pcb_gb_left_out(void)
{
  return pcb_gb::StrictJSONReporter::left_out;
}
