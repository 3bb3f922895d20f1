#!/usr/bin/python3
"""Writes the fixture results files that test_scripts.py feeds to
scripts/compare, scripts/history and scripts/export.

Each fixture is a small file in pcbench's Google Benchmark 1.7.1 JSON
shape (context, iteration rows per repetition, then mean/median/stddev/cv
aggregate rows), generated deterministically from a seeded random.Random:
times are a per-benchmark base time with 1% Gaussian noise per repetition;
exact counters are constants.  Variants plant one known change each.

usage: make_fixtures.py OUTDIR
"""
import copy
import json
import os
import random
import statistics
import sys

# name, base time (ns), exact counters
BENCHES = [
    ("malloc/stack/depth:32/frames:16", 30.0,
     {"stack_bytes": 512, "min_fiber_stack": 4096, "headroom_bytes": 1200,
      "instructions": 410, "correct": 1.0}),
    ("malloc/thread/depth:128/frames:200", 45.0,
     {"stack_bytes": 256, "min_fiber_stack": 2048, "headroom_bytes": 1500,
      "instructions": 900, "correct": 1.0}),
    ("block/lazy/depth:32/frames:16/threads:2/place:cross_core/real_time",
     5000.0, {"correct": 1.0}),
    ("heap/thread/depth:32/threads:64/profiling:1%/iterations:1/manual_time",
     2.0e6, {"heap_bytes": 16384, "heap_alloc_bytes": 16896}),
]
SLOW = BENCHES[0][0]      # the benchmark whose time steps
STACKY = BENCHES[1][0]    # the benchmark whose stack_bytes steps
HEAPY = BENCHES[3][0]     # the heap companion entry


def context(date, commit):
    return {"date": date, "host_name": "fixture", "executable": "pcbench",
            "num_cpus": 2, "mhz_per_cpu": 2445, "cpu_scaling_enabled": False,
            "library_build_type": "debug", "git_commit": commit,
            "pcbench_version": "0.1.0", "unwinder": "fp"}


def rows(name, family, times, counters):
    it = [dict(name=name, family_index=family, per_family_instance_index=0,
               run_name=name, run_type="iteration", repetitions=len(times),
               repetition_index=i, threads=1, iterations=100000,
               real_time=t, cpu_time=t, time_unit="ns", events=100000.0,
               lost=0.0, **counters) for i, t in enumerate(times)]
    aggs = {"mean": statistics.mean, "median": statistics.median,
            "stddev": statistics.stdev if len(times) > 1 else lambda v: 0.0}
    out = list(it)
    for agg, fn in aggs.items():
        a = dict(it[0], name=f"{name}_{agg}", run_type="aggregate",
                 aggregate_name=agg, real_time=fn(times),
                 cpu_time=fn(times))
        del a["repetition_index"]
        out.append(a)
    cv = dict(out[-1], name=f"{name}_cv", aggregate_name="cv",
              aggregate_unit="percentage",
              real_time=aggs["stddev"](times) / statistics.mean(times),
              lost=0)  # pcbench writes 0 where Google Benchmark wrote NaN
    out.append(cv)
    return out


def results(seed, reps=9, date="2026-01-01T00:00:00+00:00", commit="base0",
            scale=None, counters=None, drop=(), noise=None):
    """One results document; scale/counters/noise: {bench: factor /
    overrides / relative sd of the time (default 1%)}."""
    rng = random.Random(seed)
    doc = {"context": context(date, commit), "benchmarks": []}
    for family, (name, t0, exact) in enumerate(BENCHES):
        sd = (noise or {}).get(name, 0.01)
        times = [t0 * (scale or {}).get(name, 1.0) * rng.gauss(1, sd)
                 for _ in range(reps)]
        if name in drop:
            continue
        c = dict(exact, **(counters or {}).get(name, {}))
        doc["benchmarks"] += rows(name, family, times, c)
    return doc


def variants():
    """{file name: document}: every fixture the tests use."""
    stack8 = {STACKY: {"stack_bytes": 256 + 8}}
    out = {
        "base.json": results(1),
        "noise.json": results(2, commit="noise"),
        "slow20.json": results(3, commit="slow", scale={SLOW: 1.20}),
        "slow3.json": results(3, commit="slow3", scale={SLOW: 1.03}),
        "fast20.json": results(3, commit="fast", scale={SLOW: 0.80}),
        "stack8.json": results(1, commit="stack8", counters=stack8),
        "correct99.json": results(1, commit="c99",
                                  counters={SLOW: {"correct": 0.99}}),
        "headroom_up.json": results(1, commit="hr",
                                    counters={SLOW: {"headroom_bytes": 1300}}),
        "few_base.json": results(4, reps=3, commit="few0"),
        "few_slow20.json": results(5, reps=3, commit="few1",
                                   scale={SLOW: 1.20}),
        "missing.json": results(1, commit="missing", drop=(BENCHES[2][0],)),
        # heap_alloc_bytes: +16 B is allocator rounding (tolerated), +5% not
        "alloc16.json": results(1, commit="a16", counters={
            HEAPY: {"heap_alloc_bytes": 16896 + 16}}),
        "alloc5pct.json": results(1, commit="a5", counters={
            HEAPY: {"heap_alloc_bytes": 16896 * 1.05}}),
        # 15% noise on SLOW: its median moves 10% from wide_a to wide_b, but
        # within the spread (one-sided U test p = 0.5)
        "wide_a.json": results(12, commit="wa", noise={SLOW: 0.15}),
        "wide_b.json": results(21, commit="wb", noise={SLOW: 0.15}),
    }
    # five runs for history: time of SLOW steps up 30% at run 3, stack_bytes
    # of STACKY steps up 16 bytes at run 2; everything else is noise.
    for i in range(5):
        scale = {SLOW: 1.30} if i >= 3 else {}
        cnt = {STACKY: {"stack_bytes": 272}} if i >= 2 else {}
        out[f"hist/run{i}.json"] = results(
            100 + i, date=f"2026-01-0{i + 1}T12:00:00+00:00",
            commit=f"c{i}abcdef", scale=scale, counters=cnt)
    return out


def bad_texts(base_text):
    """{file name: text}: malformed inputs."""
    nan = base_text.replace('"lost": 0.0', '"lost": NaN', 1)
    assert nan != base_text
    no_iter = copy.deepcopy(json.loads(base_text))
    no_iter["benchmarks"] = [b for b in no_iter["benchmarks"]
                             if b["run_type"] != "iteration"]
    return {"truncated.json": base_text[:len(base_text) // 2],
            "nan.json": nan,
            "notobject.json": "[1, 2, 3]\n",
            "aggregates_only.json": json.dumps(no_iter, indent=1)}


def main(outdir):
    os.makedirs(os.path.join(outdir, "hist"), exist_ok=True)
    texts = {n: json.dumps(d, indent=1) + "\n" for n, d in variants().items()}
    texts.update(bad_texts(texts["base.json"]))
    for name, text in texts.items():
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)
    return sorted(texts)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.rsplit("\n\n", 1)[1].strip())
    main(sys.argv[1])
