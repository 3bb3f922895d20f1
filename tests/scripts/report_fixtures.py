#!/usr/bin/python3
"""Fixture results for test_report.py: complete pcbench runs, generated.

full() writes every kind of entry the report reads -- the malloc and
block matrix, floor/, unwind/, thread_start/, first_event/, heap/,
storm/, churn/ (and an overhead/ entry the report leaves to others) --
for strategies off, stack, thread, lazy and thread_unguarded at depths
32 and 128 and frames 16 and 200, in pcbench's Google Benchmark 1.7.1
JSON shape (iteration rows per repetition, then aggregate rows).  Its
figures follow a simple model so that tests know what the report must
say:

  stack_bytes      off 160, stack 200 + 8 * depth, thread and the control
                   344, lazy 360; headroom_bytes = 1984 - stack_bytes;
                   the unwinder alone (floor/, unwind/) UNWINDER_ALONE
  min_fiber_stack  2 KiB at 16 frames, 4 KiB at 200, 8 KiB for stack at
                   depth 128 and 200 frames
  time (malloc)    off 15 ns; others 40 + 2.5 * min(frames, depth) ns,
                   thread + 1 ns, lazy + 2 ns; 1% noise per repetition;
                   instructions 10 per ns of that time (no noise)
  heap_bytes       thread: T * 8 * depth; lazy: ceil(T * P / 100) * 8 *
                   depth; the allocator's view adds 8 B per buffer
  thread_start     2.5 ns; thread + 0.5 ns per PC of depth (no noise)
  first_event      warm 60 ns; lazy's first + 100 ns (no noise)
  storm            guarded strategies correct = 1, the control 0.99;
                   nested 3500 (thread, lazy: 100, and 3400 refused),
                   overlaps 140 (off 0; thread, lazy: 3400); pcbench's
                   judgement: storm_verdict 1 (ok), N 135, power 0.9994
  churn (faults)   thread loses 100 registrations, lazy drops and recovers
  go (go=True)     malloc cold at rate 1 (off 1000 ns, the others + 500 +
                   2.5 * min(frames, depth); walk_ns 900) and at rate:go
                   (GO_TIMES, walk_ns 40, both at depth 128 and 200 frames
                   and in proportion to depth + frames elsewhere, one event
                   per 8192 operations,
                   event_ns_mean 2000 ns, off 100 ns), no noise; Go's rates
                   in the context

Keyword arguments change one thing each (see full()); tests use them to
check that the report's findings follow the numbers.
"""
import copy
import json
import math
import random
import statistics

STRATEGIES = ["off", "stack", "thread", "lazy", "thread_unguarded"]
DEPTHS = [32, 128]
FRAMES = [16, 200]
BLOCK = "threads:2/place:cross_core"


def context():
    return {
        "date": "2026-01-02T03:04:05+00:00", "host_name": "fixture-host",
        "executable": "pcbench", "num_cpus": 2, "mhz_per_cpu": 2445,
        "cpu_scaling_enabled": False,
        "caches": [{"type": "Data", "level": 1, "size": 32768,
                    "num_sharing": 1},
                   {"type": "Unified", "level": 3, "size": 33554432,
                    "num_sharing": 2}],
        "load_avg": [0.5, 0.4, 0.3], "library_build_type": "debug",
        "cflags": " -O2 -fno-omit-frame-pointer", "compiler": "GNU 12.2.0",
        "correctness_check": "200 events per entry, untimed, at rate 1",
        "cpu_binding": "measuring thread bound to PU0",
        "git_commit": "fixture0001",
        "hwloc_topology": "packages=1 cores=2 pus=2 L3=32768KiB*1",
        "latency_timer": "rdtscp; floor 20.0 ns subtracted",
        "pcbench_version": "0.1.0",
        "placement_cross_core": "PU0+PU1: different cores, share L3",
        "rate": "1", "timer_floor_ns": "20.04", "unwinder": "fp",
        "instruction_counter": "callgrind Ir per event"}


# stack_bytes of each unwinder alone (floor/ and unwind/ entries)
UNWINDER_ALONE = {"fp": 40, "backtrace": 1700, "libgcc": 1600,
                  "libunwind": 3400}


def stack_bytes(s, d):
    return {"off": 160, "stack": 200 + 8 * d, "lazy": 360}.get(s, 344)


def fiber(s, d, f):
    if f < 200:
        return 2048
    return 8192 if (s, d) == ("stack", 128) else 4096


def malloc_time(s, d, f):
    if s == "off":
        return 15.0
    return 40 + 2.5 * min(f, d) + {"thread": 1, "lazy": 2}.get(s, 0)


class Doc:
    def __init__(self, seed, reps):
        self.rng, self.reps, self.rows = random.Random(seed), reps, []

    def add(self, name, t, counters, noise=0.01):
        times = [t * self.rng.gauss(1, noise) if noise else t
                 for _ in range(self.reps)]
        fam = len({r["family_index"] for r in self.rows})
        it = [dict(name=name, family_index=fam, per_family_instance_index=0,
                   run_name=name, run_type="iteration",
                   repetitions=self.reps, repetition_index=i, threads=1,
                   iterations=1000, real_time=x, cpu_time=x, time_unit="ns",
                   **counters) for i, x in enumerate(times)]
        self.rows += it
        for agg, fn in (("mean", statistics.mean),
                        ("median", statistics.median)):
            a = dict(it[0], name=f"{name}_{agg}", run_type="aggregate",
                     aggregate_name=agg, real_time=fn(times),
                     cpu_time=fn(times))
            del a["repetition_index"]
            self.rows.append(a)


# The anatomy of an event (bench-ci's callgrind figures): fixed shares of
# the instructions, so the parts sum to them exactly; `off` records nothing
# but the sampling decision and the workload's own work.
ANATOMY = {"strategy": 0.01, "unwinder": 0.6, "consumer": 0.3,
           "sampler": 0.05, "workload": 0.04}
ANATOMY_OFF = {"strategy": 0.0, "unwinder": 0.0, "consumer": 0.0,
               "sampler": 0.5, "workload": 0.5}


def anatomy_counters(s, instructions):
    share = ANATOMY_OFF if s == "off" else ANATOMY
    c = {"ir_" + p: v * instructions for p, v in share.items()}
    c.update(est_cycles=1.25 * instructions, i1_misses=0.0,
             d1_misses=0.5, ll_misses=0.0)
    return c


# The latency pass's quantile ladder (lat_q<q>_ns), as multiples of p50;
# it meets p50/p99/p99.9/max at 0.5, 0.99, 0.999 and 1.
LAT_LADDER = {"0_1": 0.9, "0_25": 0.95, "0_5": 1.0, "0_75": 1.1, "0_9": 1.2,
              "0_95": 1.3, "0_99": 1.5, "0_995": 1.7, "0_999": 2.0,
              "0_9995": 2.5, "0_9999": 3.0, "1": 4.0}
LAT_COUNTERS = tuple(f"lat_q{q}_ns" for q in LAT_LADDER)


def lat_ladder(p50):
    return {f"lat_q{q}_ns": x * p50 for q, x in LAT_LADDER.items()}


def matrix_counters(s, d, f, over):
    sb = stack_bytes(s, d)
    t = malloc_time(s, d, f)
    c = {"checked": 200.0, "correct": 1.0, "events": 1000.0,
         "events_per_iter": 1.0, "floor_ratio": t / (20 + min(f, d)),
         "headroom_bytes": 1984.0 - sb, "lost": 0.0,
         "max_ns": 4 * t, "min_fiber_stack": float(fiber(s, d, f)),
         "p50_ns": t, "p99_ns": 1.5 * t, "p999_ns": 2 * t,
         "stack_bytes": float(sb), "instructions": 10 * t,
         "truncated": 1.0 if s != "off" and f > d else 0.0}
    c.update(lat_ladder(t))
    c.update(anatomy_counters(s, 10 * t))
    c.update(over.get((s, d, f), {}))
    return c


# ns per operation of malloc at rate:go, depth 128, 200 frames (go=True)
GO_TIMES = {"off": 50.0, "stack": 60.0, "thread": 55.0, "lazy": 52.5,
            "thread_unguarded": 55.0}
GO_CONTEXT = {"go_rate_malloc_bytes": "524288", "go_rate_block_ns": "10000",
              "go_rate_block_cycles": "23000", "rate": "1,go"}


def add_go(doc, strategies, go_times):
    """malloc at rate 1 and at rate:go, cold (see the module doc)."""
    for s in strategies:
        for d in DEPTHS:
            for f in FRAMES:
                c = matrix_counters(s, d, f, {})
                c.update(event_ns_mean=100.0 if s == "off" else 2000.0,
                         event_ns_events=200.0, walk_ns=900.0)
                one = 1000.0 + (0 if s == "off" else 500 + 2.5 * min(f, d))
                doc.add(f"malloc/{s}/depth:{d}/frames:{f}/cache:cold", one,
                        c, noise=0)
                c = dict(c, events_per_iter=1 / 8192, event_ns_events=0.0,
                         walk_ns=40.0 * (d + f) / 328)
                doc.add(f"malloc/{s}/depth:{d}/frames:{f}/cache:cold/"
                        "rate:go", go_times.get(s, 50.0) * (d + f) / 328,
                        c, noise=0)


# cpu/ entries (pcbench --sigstack): the sizes, the kernel's frame on an
# alternate stack, and AT_MINSIGSTKSZ.  A sample takes the kernel's frame,
# 160 B of handler (plus 128 B with a capture), and 8 B a PC more for a
# buffer on the stack; `lazy` loses its 4 first samples.
SIGSTACKS = ["none", 3392, 8192]
KERNEL_FRAME, AT_MINSIGSTKSZ = 2952, 3376


def sigstack_counters(s, d, size, cpu):
    used = KERNEL_FRAME + 160 + (0 if s == "off" else 128) + \
        (8 * d if s == "stack" else 0)
    smallest = -(-(used + 16) // 64) * 64
    fits = size == "none" or used <= size
    c = {"at_minsigstksz": float(AT_MINSIGSTKSZ),
         "min_sigstack": float(smallest),
         "fits_minsigstksz": float(smallest <= 2048),
         "fits_8k": float(smallest <= 8192), "fits": float(fits)}
    if fits:
        c.update(sigstack_bytes=float(used + (80 if size == "none" else 0)),
                 kernel_frame_bytes=float(KERNEL_FRAME + (
                     80 if size == "none" else 0)),
                 events=64.0, lost=0.0, dropped=0.0, outside=0.0,
                 first_lost=4.0 if s == "lazy" else 0.0,
                 handler_ns_p50=3000.0)
        if size != "none":
            c["sigstack_headroom_bytes"] = float(size - used)
        if s != "off":
            c["correct"] = 1.0
    c.update(cpu.get((s, d, size), {}))
    return c


def add_cpu(doc, strategies, cpu):
    for s in strategies:
        for d in DEPTHS:
            for size in SIGSTACKS:
                doc.add(f"cpu/{s}/depth:{d}/frames:{FRAMES[0]}/"
                        f"sigstack:{size}/iterations:1/manual_time", 3000.0,
                        sigstack_counters(s, d, size, cpu), noise=0)


def full(seed=1, reps=3, counters=None, times=None, drop=(), drop_kinds=(),
         drop_counters=(), storm_control=0.99, strategies=STRATEGIES,
         go=False, go_times=None, storm=None, cpu=None):
    """One results document.  counters: {(s, d, f): {counter: value}} for
    malloc entries; times: {(s, d, f): factor} on malloc times; drop: entry
    names left out; drop_kinds: first name parts left out (heap, storm,
    ...); drop_counters: counters removed from every row; go: add cold and
    rate:go malloc entries, go_times replacing GO_TIMES; storm: {s:
    {counter: value}} on every storm entry of s; cpu: add cpu/ entries,
    {(s, d, size): {counter: value}} changing them ({} for none)."""
    counters, times = counters or {}, times or {}
    doc = Doc(seed, reps)
    if go:
        add_go(doc, strategies, go_times or GO_TIMES)
    for s in strategies:
        for d in DEPTHS:
            for f in FRAMES:
                t = malloc_time(s, d, f) * times.get((s, d, f), 1.0)
                doc.add(f"malloc/{s}/depth:{d}/frames:{f}", t,
                        matrix_counters(s, d, f, counters))
                bc = matrix_counters(s, d, f, {})
                bc.update(stack_bytes=bc["stack_bytes"] - 16,
                          headroom_bytes=bc["headroom_bytes"] + 16,
                          p50_ns=18000.0, p99_ns=40000.0, p999_ns=90000.0,
                          max_ns=120000.0, floor_ratio=800.0)
                bc.update(lat_ladder(18000.0))
                doc.add(f"block/{s}/depth:{d}/frames:{f}/{BLOCK}/real_time",
                        20000.0 + 10 * min(f, d), bc)
    for d in DEPTHS:
        for f in FRAMES:
            doc.add(f"floor/depth:{d}/frames:{f}", 20.0 + min(f, d),
                    {"pcs": float(min(f, d)), "ns_per_frame": 1.0,
                     "stack_bytes": float(UNWINDER_ALONE["fp"])})
    for u, sb in UNWINDER_ALONE.items():
        for f in (16, 1024):
            doc.add(f"unwind/{u}/frames:{f}", 30.0 * f,
                    {"pcs": float(f), "stack_bytes": float(sb)})
    doc.add("overhead/loop", 0.4, {})
    for s in strategies:
        eager = s in ("thread", "thread_unguarded")
        for d in DEPTHS:
            # no noise: tests read these back exactly
            doc.add(f"thread_start/{s}/depth:{d}/manual_time",
                    2.5 + (0.5 * d if eager else 0),
                    {"heap_bytes_per_thread": 8.0 * d if eager else 0.0},
                    noise=0)
            doc.add(f"first_event/{s}/depth:{d}/manual_time",
                    60.0 + (100 if s == "lazy" else 0),
                    {"failed_events": 0.0, "warm_event_ns": 60.0}, noise=0)
            for t in (1, 64, 1000):
                for p in (1, 100):
                    n = t if eager else math.ceil(t * p / 100) \
                        if s == "lazy" else 0
                    doc.add(f"heap/{s}/depth:{d}/threads:{t}/profiling:{p}%"
                            "/iterations:1/manual_time", 1e5 * t,
                            {"failed_threads": 0.0,
                             "heap_bytes": 8.0 * d * n,
                             "heap_alloc_bytes": (8.0 * d + 8) * n,
                             "heap_bytes_per_thread": 8.0 * d * n / t,
                             "heap_leaked_bytes": 0.0})
            for f in FRAMES:
                guarded = s in ("thread", "lazy")
                doc.add(f"storm/malloc/{s}/depth:{d}/frames:{f}"
                        "/iterations:200000", 900.0, dict({
                            "checked": 200000.0, "events": 200000.0,
                            "correct": storm_control
                            if s == "thread_unguarded" else 1.0,
                            "nested": 100.0 if guarded else 3500.0,
                            "nested_lost": 3400.0 if guarded else 0.0,
                            "overlaps": 0.0 if s == "off" else
                            3400.0 if guarded else 140.0,
                            "storm_verdict": 1.0, "storm_q_lo": 0.05,
                            "storm_overlaps_needed": 135.0,
                            "storm_power": 0.9994 if s != "off" else 0.0,
                            "storm_control_wrong": 20.0,
                            "storm_control_overlaps": 140.0,
                            "lost": 0.0, "truncated": 0.0,
                            "p50_ns": 500.0, "p99_ns": 12000.0,
                            "p999_ns": 20000.0, "max_ns": 50000.0},
                            **(storm or {}).get(s, {})))
            fails = {"thread": 100.0, "thread_unguarded": 100.0,
                     "lazy": 149.0}.get(s, 0.0)
            doc.add(f"churn/{s}/depth:{d}/faults/iterations:300/manual_time",
                    35000.0, {
                        "events": 900.0 - (300 if eager else fails),
                        "injected_failures": fails,
                        "leaked_bytes": 0.0,
                        "lost": 300.0 if eager else fails,
                        "recovered": fails if s == "lazy" else 0.0,
                        "registered": 200.0 if eager else 300.0})
    if cpu is not None:
        add_cpu(doc, strategies, cpu)
    rows = [r for r in doc.rows if r["run_name"] not in drop
            and r["run_name"].split("/")[0] not in drop_kinds]
    for r in rows:
        for c in drop_counters:
            r.pop(c, None)
    ctx = context()
    if go:
        ctx.update(GO_CONTEXT)
    return {"context": ctx, "benchmarks": rows}


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return path


def variant(doc, **context_changes):
    out = copy.deepcopy(doc)
    out["context"].update(context_changes)
    return out


# Warm vs cold: paired entries at malloc depth 128, 200 frames, warm and
# cold, and bench-ci's simulated misses per event, warm and cold.  Each
# difference is (median, lo, hi) in ns.
COLD_OVER_OFF = {"stack": (1100.0, 1050.0, 1150.0),
                 "thread": (1180.0, 1120.0, 1240.0),
                 "lazy": (1120.0, 1060.0, 1180.0)}
WARM_OVER_OFF = {"stack": (540.0, 535.0, 545.0),
                 "thread": (542.0, 537.0, 547.0),
                 "lazy": (541.0, 536.0, 546.0)}
COLD_OVER_STACK = {"thread": (60.0, -20.0, 140.0),
                   "lazy": (25.0, -55.0, 105.0),
                   "stack_twin": (-10.0, -90.0, 70.0)}
MISSES = {"off": (0.0, 14.0), "stack": (0.001, 87.0),
          "thread": (0.0, 88.0), "lazy": (0.0, 88.0)}


def _diffs(c, over, ref):
    for arm, (m, lo, hi) in over.items():
        k = f"{arm}_minus_{ref}_ns"
        c.update({k: m, k + "_lo": lo, k + "_hi": hi})


def paired_cold(cold_over_stack=None):
    """A paired-only results document, warm and cold entries."""
    doc = Doc(3, 1)
    for cache, over in (("", WARM_OVER_OFF), ("/cache:cold", COLD_OVER_OFF)):
        c = {"rounds": 200.0, "batch_ops": 8.0}
        _diffs(c, over, "off")
        _diffs(c, {k: (v[0] / 100, v[1] / 100, v[2] / 100) for k, v in
                   COLD_OVER_STACK.items()} if not cache else
               (cold_over_stack or COLD_OVER_STACK), "stack")
        doc.add(f"paired/malloc/depth:128/frames:200{cache}/iterations:200"
                "/repeats:1/manual_time", 1e6, c, noise=0)
    return {"context": context(), "benchmarks": doc.rows}


def cold_counts(misses=None):
    """A bench-ci-like document: D1/LL misses per event, warm and cold."""
    doc = Doc(4, 1)
    for s, (warm, cold) in (misses or MISSES).items():
        for cache, v in (("", warm), ("/cache:cold", cold)):
            doc.add(f"malloc/{s}/depth:128/frames:200{cache}", 100.0,
                    {"instructions": 3700.0, "d1_misses": v,
                     "ll_misses": v}, noise=0)
    return {"context": context(), "benchmarks": doc.rows}


# The paired entries of the malloc matrix (warm, and cold with cold=True)
# beside full()'s separate ones, with a code clone of `stack` as pcbench
# writes it (strategy_clones, strategy_flags).  over_stack: {arm: (median,
# lo, hi)} of arm's time over stack's at every point; over_off: {arm:
# (median, lo, hi) ns}, default malloc_time(arm) - malloc_time(off) +- 2.
PAIRED_ARMS = ["stack", "thread", "lazy", "stack_clone"]
CLONE_CONTEXT = {
    "strategy_clones": "stack_clone:stack",
    "strategy_flags": "off:no_capture;stack:stack_buffer;thread:guarded;"
                      "lazy:guarded;thread_unguarded:control;"
                      "stack_clone:clone,stack_buffer"}


def add_paired(doc, over_stack=None, over_off=None, cold=False,
               clone=(1.0, 0.99, 1.01)):
    """doc with paired/ entries added (a copy); see PAIRED_ARMS."""
    out = copy.deepcopy(doc)
    rows = Doc(5, 1)
    for cache in ("", "/cache:cold") if cold else ("",):
        for d in DEPTHS:
            for f in FRAMES:
                c = {"rounds": 200.0, "batch_ops": 8.0}
                base = malloc_time("off", d, f)
                for arm in PAIRED_ARMS:
                    t = malloc_time("stack" if arm == "stack_clone" else arm,
                                    d, f)
                    m = (over_off or {}).get(arm, (t - base, t - base - 2,
                                                   t - base + 2))
                    r = (m[0] + base) / base
                    _diffs(c, {arm: m}, "off")
                    c.update({f"{arm}_over_off": r,
                              f"{arm}_over_off_lo": (m[1] + base) / base,
                              f"{arm}_over_off_hi": (m[2] + base) / base})
                    if arm == "stack":
                        continue
                    q = clone if arm == "stack_clone" else \
                        (over_stack or {}).get(arm, (1.0, 0.995, 1.005))
                    ts = malloc_time("stack", d, f)
                    c.update({f"{arm}_over_stack": q[0],
                              f"{arm}_over_stack_lo": q[1],
                              f"{arm}_over_stack_hi": q[2]})
                    _diffs(c, {arm: tuple(ts * (x - 1) for x in q)},
                           "stack")
                rows.add(f"paired/malloc/depth:{d}/frames:{f}{cache}"
                         "/iterations:200/repeats:1/manual_time", 1e6, c,
                         noise=0)
    fam = 1 + max((r["family_index"] for r in out["benchmarks"]), default=0)
    for r in rows.rows:
        r["family_index"] += fam
    out["benchmarks"] += rows.rows
    out["context"].update(CLONE_CONTEXT)
    return out
