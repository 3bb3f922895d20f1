#!/usr/bin/python3
"""Checks a pcbench results file: Google Benchmark's JSON with pcbench's
context, every matrix entry present with its counters, strict JSON (no
NaN), and correct == 1 on every entry of a non-control strategy.

Every matrix entry also carries the event alone (event_ns_p50, _p99,
_mean) and the latency pass's quantile ladder (lat_q0_1_ns ... lat_q1_ns);
given CACHES (warm,cold), each point has an entry per cache state,
the cold ones named .../cache:cold, and the context says what working set
and spin budget were used.  Given RATES (1,go), each point also has an
entry per rate: rate 1 with no rate part in its name (the names written
before the rate axis), a rate N ending in /rate:N, and `go` a cold entry
ending in /cache:cold/rate:go whatever CACHES holds, with Go's default
rates as this machine resolved them in the context.  Every cold entry
carries walk_ns, its walking per operation.  The context describes the
tables: workload_kinds has a row for each of WORKLOADS with its rate unit
and minimum threads, and suite_kinds a row for each suite with what kind
of entry it makes, both in strategy_flags' form (name:attr,key=value;...).

usage: results_shape.py RESULTS.json WORKLOADS STRATEGIES DEPTHS FRAMES
                        [CACHES [RATES]]
"""
import json
import math
import sys

CONTEXT = ["pcbench_version", "git_commit", "compiler", "cflags",
           "hwloc_topology", "cpu_binding", "library_build_type",
           "correctness_check",
           # the machine (bench/machine.c): each key present even where
           # the system cannot say ("unknown (...)")
           "kernel", "cpu_model", "cpu_microcode", "cpu_flags",
           "cpu_flags_cpuid", "cpu_hidden_flags", "cpu_governor",
           "cpu_boost", "smt", "transparent_hugepages", "aslr", "libraries",
           "load_avg_start", "load_avg_end"]
COUNTERS = ["events", "lost", "checked", "correct", "truncated", "workload_threads",
            "event_ns_events", "event_ns_p50", "event_ns_p99",
            "event_ns_mean"]
# the latency pass's quantile ladder: lat_q<q, '.' as '_'>_ns
LAT_LADDER = ["0_1", "0_25", "0_5", "0_75", "0_9", "0_95", "0_99", "0_995",
              "0_999", "0_9995", "0_9999", "1"]
COUNTERS += [f"lat_q{q}_ns" for q in LAT_LADDER]
CONTEXT_REGIMES = ["working_set", "spin_ns_cross_core", "spin_ns_same_core"]
CONTEXT_GO = ["go_rate_malloc_bytes", "go_rate_block_ns",
              "go_rate_block_cycles"]


def no_nan(token):
    raise ValueError("non-JSON number " + token)


def rate_of(name):
    """The rate part of an entry name: "1" when it has none."""
    parts = [p for p in name.split("/") if p.startswith("rate:")]
    return parts[0][len("rate:"):] if parts else "1"


def go_context(ctx):
    out = []
    for k in CONTEXT_GO:
        v = ctx.get(k)
        if not (isinstance(v, str) and v.isdigit() and int(v) > 0):
            out.append(f"context {k} is {v!r}, not a positive integer")
    return out


def kinds(text):
    """name:attr,key=value;... as {name: {attr: True, key: value}}."""
    out = {}
    for row in text.split(";"):
        name, _, attrs = row.partition(":")
        out[name] = dict((a.split("=", 1) + [True])[:2]
                         for a in attrs.split(",") if a)
    return out


def kinds_context(ctx, workloads):
    out = []
    wk = kinds(ctx.get("workload_kinds", ""))
    for w in workloads.split(","):
        k = wk.get(w, {})
        if k.get("rate") not in ("bytes", "cycles") or \
                not str(k.get("min_threads", "")).isdigit():
            out.append(f"context workload_kinds: {w} is {k!r}")
    for name, k in kinds(ctx.get("suite_kinds", "")).items():
        if not ({"point", "paired", "companion"} & set(k)):
            out.append(f"context suite_kinds: {name} is {k!r}")
    return out


def main(path, workloads, strategies, depths, frames, caches="warm",
         rates="1"):
    try:
        with open(path) as f:
            doc = json.load(f, parse_constant=no_nan)
    except (OSError, ValueError) as e:
        print(f"results_shape: {path}: {e}")
        return 2
    problems = [f"context lacks {k}" for k in CONTEXT + CONTEXT_REGIMES
                if k not in doc["context"]]
    if "go" in rates.split(","):
        problems += go_context(doc["context"])
    problems += kinds_context(doc["context"], workloads)
    runs = {}
    for b in doc["benchmarks"]:
        if b.get("run_type") == "iteration":
            runs.setdefault(b["run_name"], []).append(b)
    for w in workloads.split(","):
        for s in strategies.split(","):
            for d in depths.split(","):
                for fr in frames.split(","):
                    prefix = f"{w}/{s}/depth:{d}/frames:{fr}"
                    hits = [n for n in runs if n == prefix or
                            n.startswith(prefix + "/")]
                    for rate in rates.split(","):
                        problems += check_rate(prefix, hits, rate, caches)
                    for name in hits:
                        for b in runs[name]:
                            problems += check_entry(name, s, b)
    for p in problems:
        print("results_shape:", p)
    return 1 if problems else 0


def check_rate(prefix, hits, rate, caches):
    """Entries of one point at one rate: per cache state, or for `go` the
    one cold entry, its name ending in cache:cold/rate:go."""
    at = [n for n in hits if rate_of(n) == rate]
    if rate == "go":
        if not [n for n in at if n.split("/real_time")[0].endswith(
                "/cache:cold/rate:go")]:
            return [f"missing entry {prefix}/.../cache:cold/rate:go"]
        return []
    out = []
    for cache in caches.split(","):
        cold = [n for n in at if "/cache:cold" in n]
        if not (cold if cache == "cold" else [n for n in at if n not in cold]):
            out.append(f"missing {cache} entry {prefix}" +
                       ("" if rate == "1" else f" at rate {rate}"))
    return out


def check_entry(name, strategy, b):
    out = [f"{name}: lacks counter {c}" for c in COUNTERS if c not in b]
    if "/cache:cold" in name and not b.get("walk_ns", -1) >= 0:
        out.append(f"{name}: a cold entry without walk_ns >= 0")
    # at rate 1 every operation is an event, cold or warm: a wait the
    # partner's walk covered wholly still counts (Go's blockevent)
    if "/rate:" not in name and name.split("/")[0] == "block" \
            and b.get("events_per_iter") != 1.0:
        out.append(f"{name}: events_per_iter {b.get('events_per_iter')} at "
                   "rate 1; expected 1")
    for k, v in b.items():
        if isinstance(v, float) and not math.isfinite(v):
            out.append(f"{name}: {k} is {v}")
    ladder = [b.get(f"lat_q{q}_ns") for q in LAT_LADDER]
    if None not in ladder and ladder != sorted(ladder):
        out.append(f"{name}: lat_q ladder not ascending {ladder}")
    if strategy != "thread_unguarded" and b.get("correct") != 1:
        out.append(f"{name}: correct = {b.get('correct')}")
    if b.get("checked", 0) <= 0:
        out.append(f"{name}: nothing checked")
    return out


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
