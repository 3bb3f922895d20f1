// The shim's reporters (gbreport.cc), for gbshim.cc alone: C++ inside
// base/, not part of the C interface (gbshim.h).
#ifndef PCBENCH_GBREPORT_H
#define PCBENCH_GBREPORT_H

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace pcb_gb {

// Google Benchmark's JSON reporter, strict and settled: see gbreport.cc.
class StrictJSONReporter : public benchmark::JSONReporter {
 public:
  bool ReportContext(const Context &c) override;
  void ReportRuns(const std::vector<Run> &reports) override;
  void Finalize() override;

  static unsigned long left_out;

 private:
  std::vector<std::vector<Run>> held;
  std::string context;  // the context as rendered at the start
};

// The compact console (gbconsole.cc): entry, time, cost over off, p50,
// p99, correct, events; at most 160 columns a row.
class CompactConsole : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context &c) override;
  void ReportRuns(const std::vector<Run> &runs) override;
  void Finalize() override;  // the footnote on the "vs off" column

 private:
  int width = 0;                        // of the entry column
  std::map<std::string, double> times;  // ns, by entry, as displayed
  bool unpaired_shown = false;          // a row showed a cost over off
};

// Whether the context has been rendered: pcb_gb_context then holds a key
// back for the end of the run (see gbreport.cc).
bool context_rendered();
void context_late(const char *key, const char *value);

// The display reporter behind a gate on its error stream: see gbreport.cc.
class GatedDisplay : public benchmark::BenchmarkReporter {
 public:
  explicit GatedDisplay(benchmark::BenchmarkReporter *r);
  bool ReportContext(const Context &c) override;
  void ReportRuns(const std::vector<Run> &r) override;
  void Finalize() override;

 private:
  benchmark::BenchmarkReporter *inner;
};

// Says what the gate held, if the run never began; from an exit hook too.
void say_held();

}  // namespace pcb_gb

#endif
