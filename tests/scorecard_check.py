#!/usr/bin/python3
"""The scorecard pcbench prints at the end of a run (bench/scorecard.c).

Runs a small matrix twice, in a fresh folder: with --paired and without.
Checks that

- the scorecard follows the compact console, every line of it at most
  100 columns, one row per strategy of the run;
- each cell equals the figure in the run's results file: stack_bytes of
  the reference workload's warm entry at each depth and the deepest
  frames, the most heap_bytes_per_thread of the strategy's entries at the
  deepest depth, the paired cost
  over `off` (<s>_minus_off_ns with _lo and _hi) at the deepest paired
  point, and the sums of checked and wrong events over the strategy's
  matrix entries (the first repetition of each entry, as the file holds
  them);
- without --paired, the cost cells say "run --paired for cost";
- --counters=all prints no scorecard (documented in docs/usage.md);
- with --external (each shipped profiler installed), the strategies' rows
  are the same as without, and each allocator has one row `<name>*`:
  its rate-1 row's stack_bytes under stack@<its depth> and "-" under the
  others, its heap under heap@D only at its depth, its cost
  active_minus_inactive_ns [_lo, _hi], one capture checked, none wrong.
  Where no allocator is installed, or a sanitizer build refuses
  --external, that part is skipped and says so.

usage: scorecard_check.py PCBENCH
"""
import json
import os
import subprocess
import sys
import tempfile

ARGS = ["--workloads=malloc", "--strategies=off,stack,thread",
        "--depths=32,128", "--frames=16", "--min-time=0.002",
        "--latency-events=100", "--check-events=50", "--churn-threads=0",
        "--rounds=20", "--layouts=0", "--repetitions=2",
        "--benchmark_filter=^(malloc|paired|thread_start)/"]
WIDTH = 100
# the parts Google Benchmark appends to the name pcbench registered
GB_PARTS = {"iterations", "repeats", "min_time", "min_warmup_time",
            "manual_time", "real_time"}


def run(binary, folder, extra):
    out = os.path.join(folder, "r.json")
    r = subprocess.run([binary] + ARGS + extra + [f"--out={out}"],
                       cwd=folder, text=True, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"exit {r.returncode}: {r.stderr[-400:]}")
    with open(out) as f:
        return r.stdout, json.load(f)


def first_rows(doc):
    """{run_name: row}: the first repetition of each entry."""
    out = {}
    for r in doc["benchmarks"]:
        if r.get("run_type") == "iteration" and not r.get("error_occurred"):
            out.setdefault("/".join(
                p for p in r["run_name"].split("/")
                if p.split(":")[0] not in GB_PARTS), r)
    return out


def card(stdout):
    """(header words, {strategy: cells}, its lines) of the scorecard."""
    lines = stdout.splitlines()
    start = next(i for i, ln in enumerate(lines)
                 if ln.startswith("scorecard ("))
    body = lines[start:]
    k = next(i for i, ln in enumerate(body) if ln.startswith("strategy "))
    head = body[k].split()
    rows = {}
    for ln in body[k + 1:]:
        if not ln.strip():
            break
        name, rest = ln.split(None, 1)
        rows[name] = rest
    return head, rows, body


EXT_LIBS = {"jemalloc": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
            "gperftools": "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"}


def check_external(binary, folder, names):
    """The external rows of the scorecard against the file; the strategy
    rows checked by check() as in a run without them."""
    args = [a for a in ARGS if not a.startswith("--benchmark_filter")]
    args.append("--benchmark_filter=^(malloc|external)/")
    path = os.path.join(folder, "x.json")
    r = subprocess.run([binary] + args + ["--external=" + ",".join(names),
                                          f"--out={path}"], cwd=folder,
                       text=True, capture_output=True)
    if r.returncode == 2 and "sanitizer" in r.stderr:
        print("scorecard_check: external rows skipped: " + r.stderr.strip())
        return []
    if r.returncode != 0:
        raise SystemExit(f"exit {r.returncode}: {r.stderr[-400:]}")
    out = r.stdout
    with open(path) as f:
        doc = json.load(f)
    head, rows, _ = card(out)
    ext = {n[:-1]: rest for n, rest in rows.items() if n.endswith("*")}
    problems = check(out, doc, False, set(ext))
    depths = sorted({int(h.split("@")[1]) for h in head
                     if h.startswith("stack@")})
    ents = first_rows(doc)
    if sorted(ext) != sorted(names):
        problems.append(f"external rows {sorted(ext)} != {sorted(names)}")
    for a, rest in ext.items():
        e = ents[f"external/{a}/frames:16/rate:1"]
        stack, heap, cost, checked, wrong = cells(rest, len(depths))
        want = [e["stack_bytes"] if d == e["depth"] else None
                for d in depths]
        if stack != want:
            problems.append(f"{a}* stack {stack} != {want}")
        want = e["heap_bytes_per_thread"] if depths[-1] == e["depth"] \
            else None
        if heap != want:
            problems.append(f"{a}* heap {heap} != {want}")
        got = [float(x) for x in cost.replace("[", "").replace("]", "")
               .replace(",", "").split()]
        want = [e[f"active_minus_inactive_ns{x}"] for x in ("", "_lo", "_hi")]
        if len(got) != 3 or not all(close(a, b) for a, b in zip(got, want)):
            problems.append(f"{a}* cost {cost!r} != {want}")
        if (checked, wrong) != (1, 0):
            problems.append(f"{a}* checked/wrong {checked}/{wrong} != 1/0")
    return problems


def cells(rest, ndepths):
    """stack cells, heap cell, cost text, checked, wrong; a cell printed
    "-" (a figure the run could not measure: stack painting under ASan)
    is None."""
    words, vals, i = rest.split(), [], 0
    while len(vals) < ndepths + 1:
        if words[i] == "-":
            vals.append(None)
            i += 1
        else:                       # "584 B"
            vals.append(int(words[i]))
            i += 2
    stack, heap = vals[:ndepths], vals[ndepths]
    tail = words[i:]
    checked, wrong = int(tail[-2]), int(tail[-1])
    return stack, heap, " ".join(tail[:-2]), checked, wrong


def close(a, b):
    """a as printed (one decimal, whole or four figures for a cell too
    wide) is b."""
    return abs(a - b) <= max(0.05, 5e-4 * abs(b)) + 1e-9


def check(stdout, doc, paired, external=frozenset()):
    problems = []
    head, rows, lines = card(stdout)
    problems += [f"scorecard line of {len(ln)} columns: {ln!r}"
                 for ln in lines if len(ln) > WIDTH]
    ents = first_rows(doc)
    depths = sorted({int(h.split("@")[1]) for h in head
                     if h.startswith("stack@")})
    if depths != [32, 128]:
        problems.append(f"stack columns {head}")
    if set(rows) != {"off", "stack", "thread"} | {a + "*" for a in external}:
        problems.append(f"rows {sorted(rows)}")
    rows = {s: r for s, r in rows.items() if not s.endswith("*")}
    pt = [n for n in ents if n.startswith("paired/malloc/")]
    for s, rest in rows.items():
        stack, heap, cost, checked, wrong = cells(rest, len(depths))
        for d, got in zip(depths, stack):
            want = ents[f"malloc/{s}/depth:{d}/frames:16"].get("stack_bytes")
            if got != want:
                problems.append(f"{s} stack@{d}: {got} != {want}")
        want = max((r["heap_bytes_per_thread"] for n, r in ents.items()
                    if n.split("/")[1] == s and "/depth:128" in n and
                    "heap_bytes_per_thread" in r), default=None)
        if heap != want:
            problems.append(f"{s} heap: {heap} != {want}")
        mx = [r for n, r in ents.items() if n.startswith(f"malloc/{s}/")]
        c = sum(r["checked"] for r in mx)
        w = sum(round(r["checked"] * (1 - r["correct"])) for r in mx)
        if (checked, wrong) != (c, w):
            problems.append(f"{s} checked/wrong {checked}/{wrong} != {c}/{w}")
        if not paired:
            if s != "off" and cost != "run --paired for cost":
                problems.append(f"{s} cost without --paired: {cost!r}")
            continue
        if s == "off":
            continue
        r = ents[max(pt, key=lambda n: (int(n.split("depth:")[1]
                                            .split("/")[0]),
                                        int(n.split("frames:")[1]
                                            .split("/")[0])))]
        got = [float(x) for x in cost.replace("[", "").replace("]", "")
               .replace(",", "").split()]
        want = [r[f"{s}_minus_off_ns{x}"] for x in ("", "_lo", "_hi")]
        if len(got) != 3 or not all(close(a, b) for a, b in zip(got, want)):
            problems.append(f"{s} cost {cost!r} != {want}")
    return problems


def main(argv):
    binary = os.path.abspath(argv[1])
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        out, doc = run(binary, folder, ["--paired"])
        problems += check(out, doc, True)
        out, doc = run(binary, folder, [])
        problems += check(out, doc, False)
        out, _ = run(binary, folder, ["--counters=all"])
        if "scorecard (" in out:
            problems.append("--counters=all printed a scorecard")
        names = [n for n, lib in EXT_LIBS.items() if os.access(lib, os.R_OK)]
        if names:
            problems += check_external(binary, folder, names)
        else:
            print("scorecard_check: external rows skipped: neither "
                  "allocator is installed (scripts/install-deps)")
    for p in problems:
        print("scorecard_check:", p)
    print("scorecard_check:", "FAIL" if problems else "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
