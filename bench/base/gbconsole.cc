// The compact console: one row an entry, the figures a reader compares
// strategies by -- time per operation, its cost over `off` at the same
// point, the per-operation p50 and p99, correctness and events -- in at
// most 160 columns for every name pcbench registers.  The results file
// keeps everything; --counters=all shows every counter here too (Google
// Benchmark's tabular console).
//
// Model: a row's entry is the name pcbench registered, without Google
// Benchmark's suffixes (/iterations:N, /manual_time, /real_time), plus
// _<aggregate> on an aggregate row.  Its `off` entry is the same name with
// the second part (the strategy of a matrix or companion entry) replaced
// by `off`; the cost over off is shown when that entry was displayed
// before this one (off runs first at each point unless the repetitions
// are interleaved) and both are times per operation at a point (rows
// with events_per_iter), else "-", and never on a spread (stddev, cv).
// That cost is the difference of two medians from separate runs, not
// paired and without an interval: its heading is starred and, when any
// row showed one, a footnote under the table says so and names the paired
// entries, which carry intervals.  A figure that is absent or not a finite
// number prints as "-", never as nan.
#include "base/gbreport.h"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>

namespace pcb_gb {

namespace {

// Columns after the entry: width, heading.  The entry column takes what
// is left of ROW_MAX.
constexpr int ROW_MAX = 160;
constexpr int FIG_W = 10;
constexpr int ENTRY_MIN = 20;
const char *const headings[] = {"time", "vs off*", "p50", "p99", "correct",
                                "events"};
const char *const footnote =
    "* vs off: time minus off's at the same point, medians of separate "
    "runs (unpaired, no interval); compare strategies by the paired "
    "entries' intervals";
constexpr int NCOLS = sizeof(headings) / sizeof(*headings);
constexpr int ENTRY_MAX = ROW_MAX - NCOLS * (FIG_W + 1) - 1;

// A duration in ns, three significant figures in ns, us, ms or s; signed
// when `sign` (a cost over off may be negative).
std::string duration(double ns, bool sign)
{
  static const struct { double div; const char *unit; } units[] = {
    {1e9, "s"}, {1e6, "ms"}, {1e3, "us"}, {1, "ns"},
  };
  char buf[32];

  if (!std::isfinite(ns))
    return "-";
  for (const auto &u : units) {
    double v = ns / u.div;

    if (std::fabs(ns) >= u.div || u.div == 1) {
      std::snprintf(buf, sizeof(buf), sign ? "%+.3g %s" : "%.3g %s", v,
                    u.unit);
      return buf;
    }
  }
  return "-";
}

// A count, three significant figures with k, M or G.
std::string count(double v)
{
  static const struct { double div; const char *unit; } units[] = {
    {1e9, "G"}, {1e6, "M"}, {1e3, "k"},
  };
  char buf[32];

  if (!std::isfinite(v))
    return "-";
  for (const auto &u : units)
    if (std::fabs(v) >= u.div) {
      std::snprintf(buf, sizeof(buf), "%.3g%s", v / u.div, u.unit);
      return buf;
    }
  std::snprintf(buf, sizeof(buf), "%.3g", v);
  return buf;
}

std::string percent(double fraction)
{
  char buf[32];

  if (!std::isfinite(fraction))
    return "-";
  std::snprintf(buf, sizeof(buf), "%.4g%%", fraction * 100);
  return buf;
}

// A counter's value, or NaN when the row has none.
double counter(const benchmark::BenchmarkReporter::Run &r, const char *key)
{
  auto it = r.counters.find(key);

  return it == r.counters.end() ? NAN : it->second.value;
}

// The name with its second part replaced by "off"; "" if it has none or
// is off's own.
std::string off_name(const std::string &name)
{
  size_t a = name.find('/'), b;

  if (a == std::string::npos)
    return "";
  b = name.find('/', a + 1);
  std::string part = name.substr(a + 1, b == std::string::npos
                                            ? std::string::npos : b - a - 1);
  if (part == "off")
    return "";
  return name.substr(0, a + 1) + "off" +
         (b == std::string::npos ? "" : name.substr(b));
}

}  // namespace

// "text" right-aligned in a figure's column, after a blank.
static void cell(std::string &row, const std::string &text)
{
  char buf[64];

  std::snprintf(buf, sizeof(buf), " %*s", FIG_W, text.c_str());
  row += buf;
}

bool CompactConsole::ReportContext(const Context &c)
{
  PrintBasicContext(&GetErrorStream(), c);
  width = static_cast<int>(c.name_field_width);
  if (width > ENTRY_MAX)
    width = ENTRY_MAX;
  if (width < ENTRY_MIN)
    width = ENTRY_MIN;
  std::string rule(static_cast<size_t>(width + NCOLS * (FIG_W + 1)), '-');
  std::string head = "entry";

  head.resize(static_cast<size_t>(width), ' ');
  for (const char *h : headings)
    cell(head, h);
  GetOutputStream() << rule << "\n" << head << "\n" << rule << "\n";
  return true;
}

void CompactConsole::ReportRuns(const std::vector<Run> &runs)
{
  for (const Run &r : runs) {
    std::string row = r.run_name.function_name;
    bool cv = r.run_type == Run::RT_Aggregate &&
              r.aggregate_unit == benchmark::kPercentage;

    if (r.run_type == Run::RT_Aggregate)
      row += "_" + r.aggregate_name;
    std::string name = row;
    if (row.size() < static_cast<size_t>(width))
      row.resize(static_cast<size_t>(width), ' ');
    if (r.error_occurred) {
      GetOutputStream() << row << " ERROR: " << r.error_message << "\n";
      continue;
    }
    if (cv) {  // a spread relative to the mean: no figure but the time's
      cell(row, percent(r.real_accumulated_time));
      for (int i = 1; i < NCOLS; i++)
        cell(row, "-");
      GetOutputStream() << row << "\n";
      continue;
    }
    double ns = r.GetAdjustedRealTime() * 1e9 /
                benchmark::GetTimeUnitMultiplier(r.time_unit);
    std::string off = off_name(name);
    bool spread = r.run_type == Run::RT_Aggregate &&
                  r.aggregate_name == "stddev";
    // only a time per operation at a point (a row with events_per_iter):
    // a suite's whole-run time (thread starts, heap) minus off's is noise
    bool per_op = r.counters.find("events_per_iter") != r.counters.end();
    auto base = off.empty() || spread || !per_op ? times.end()
                                                 : times.find(off);

    if (per_op)
      times[name] = ns;
    cell(row, duration(ns, false));
    if (base != times.end())
      unpaired_shown = true;
    cell(row, base == times.end() ? "-" : duration(ns - base->second, true));
    cell(row, duration(counter(r, "p50_ns"), false));
    cell(row, duration(counter(r, "p99_ns"), false));
    cell(row, percent(counter(r, "correct")));
    cell(row, count(counter(r, "events")));
    GetOutputStream() << row << "\n";
  }
  GetOutputStream().flush();
}

void CompactConsole::Finalize()
{
  if (unpaired_shown)
    GetOutputStream() << footnote << "\n";
  GetOutputStream().flush();
}

}  // namespace pcb_gb
