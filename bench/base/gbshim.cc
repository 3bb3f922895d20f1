// The C shim over Google Benchmark 1.7.1; see gbshim.h.  Kept to the
// mechanics of the library: no pcbench logic lives here.
#include "gbshim.h"

#include <benchmark/benchmark.h>

static benchmark::State &S(pcb_gb_state *st)
{
  return *reinterpret_cast<benchmark::State *>(st);
}

extern "C" bool pcb_gb_init(int *argc, char **argv)
{
  benchmark::Initialize(argc, argv);
  return !benchmark::ReportUnrecognizedArguments(*argc, argv);
}

extern "C" void pcb_gb_register(const char *name, pcb_gb_fn fn, void *arg,
                                const struct pcb_gb_opts *o)
{
  auto *b = benchmark::RegisterBenchmark(name, [fn, arg](benchmark::State &s) {
    fn(reinterpret_cast<pcb_gb_state *>(&s), arg);
  });
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
}

extern "C" void pcb_gb_context(const char *key, const char *value)
{
  benchmark::AddCustomContext(key, value);
}

extern "C" unsigned long pcb_gb_run(void)
{
  return benchmark::RunSpecifiedBenchmarks();
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
