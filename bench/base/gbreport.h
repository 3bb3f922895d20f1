// The shim's reporters (gbreport.cc), for gbshim.cc alone: C++ inside
// base/, not part of the C interface (gbshim.h).
#ifndef PCBENCH_GBREPORT_H
#define PCBENCH_GBREPORT_H

#include <benchmark/benchmark.h>

#include <vector>

namespace pcb_gb {

// Google Benchmark's JSON reporter, strict and settled: see gbreport.cc.
class StrictJSONReporter : public benchmark::JSONReporter {
 public:
  void ReportRuns(const std::vector<Run> &reports) override;
  void Finalize() override;

  static unsigned long left_out;

 private:
  std::vector<std::vector<Run>> held;
};

// The display reporter behind a gate on its error stream: see gbreport.cc.
class GatedDisplay : public benchmark::BenchmarkReporter {
 public:
  explicit GatedDisplay(benchmark::BenchmarkReporter *r);
  bool ReportContext(const Context &c) override;
  void ReportRuns(const std::vector<Run> &r) override { inner->ReportRuns(r); }
  void Finalize() override { inner->Finalize(); }

 private:
  benchmark::BenchmarkReporter *inner;
};

// Says what the gate held, if the run never began; from an exit hook too.
void say_held();

}  // namespace pcb_gb

#endif
