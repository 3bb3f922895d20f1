#!/usr/bin/python3
"""The console a plain run prints, and the file it keeps.

Runs pcbench without --out, in a fresh folder, on a matrix whose names
are the longest the default matrix makes (block, cold, rate:go) with
repetitions (so mean, median, stddev and cv rows), twice: the compact
console (the default) and --counters=all.  Checks that

- every line of the compact console is at most 160 columns, and its
  header names entry, time, vs off*, p50, p99, correct, events;
- the starred "vs off" (two unpaired medians, no interval) is explained
  by a footnote saying "unpaired" whenever a row shows a cost over off;
- no line of either console prints nan (a cv of values that were all 0);
- the run kept its results: exactly one new pcbench-*.json in the folder,
  named on stderr, a results file (context and benchmarks);
- a second run beside it writes a second file, never over the first;
- a suite's whole-run time (thread_start) shows no cost over `off`
  ("-"): only a time per operation at a point is set against off's.

usage: console_check.py PCBENCH
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

ARGS = ["--workloads=malloc,block", "--strategies=off,stack", "--depths=128",
        "--frames=200", "--cache=cold", "--rate=go", "--repetitions=2",
        "--min-time=0.002", "--latency-events=200", "--check-events=50",
        "--churn-threads=0", "--benchmark_filter=^(malloc|block)/"]
HEADINGS = ["entry", "time", "vs off*", "p50", "p99", "correct", "events"]


def run(binary, folder, extra, args=ARGS):
    r = subprocess.run([binary] + args + extra, cwd=folder, text=True,
                       capture_output=True)
    return r.returncode, r.stdout, r.stderr


def whole_run_rows(binary):
    """thread_start rows: their vs-off cell is '-'."""
    with tempfile.TemporaryDirectory() as folder:
        rc, out, err = run(binary, folder, [
            "--benchmark_filter=^thread_start/", "--depths=32"],
            ["--strategies=off,stack"])
    if rc != 0:
        return [f"thread_start: exit {rc}: {err[-300:]}"]
    rows = [ln.split() for ln in out.splitlines()
            if ln.startswith("thread_start/stack")]
    if not rows:
        return ["thread_start: no stack row"]
    return [f"thread_start: a whole-run time set against off's: {r}"
            for r in rows if r[3] != "-"]


def main(argv):
    binary = os.path.abspath(argv[1])
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for extra in ([], ["--counters=all"]):
            rc, out, err = run(binary, folder, extra)
            what = " ".join(extra) or "compact"
            if rc != 0:
                problems.append(f"{what}: exit {rc}: {err[-300:]}")
                continue
            for line in out.splitlines():
                if "nan" in line.lower():
                    problems.append(f"{what}: prints nan: {line[:120]}")
                if not extra and len(line) > 160:
                    problems.append(f"{what}: {len(line)} columns: "
                                    f"{line[:80]}...")
            if not extra:
                head = out.splitlines()[1].split() if out.count("\n") > 1 \
                    else []
                if " ".join(head) != " ".join(HEADINGS):
                    problems.append(f"compact header is {head}")
                notes = [ln for ln in out.splitlines()
                         if ln.startswith("* vs off:") and "unpaired" in ln]
                if len(notes) != 1:
                    problems.append(f"{len(notes)} footnotes saying the "
                                    "cost over off is unpaired, expected 1")
        files = sorted(glob.glob(os.path.join(folder, "pcbench-*.json")))
        problems += whole_run_rows(binary)
        if len(files) != 2:
            problems.append(f"{len(files)} results files kept by two runs, "
                            "expected 2")
        for path in files:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            if not doc.get("benchmarks") or "context" not in doc:
                problems.append(f"{path}: not a results file")
    for p in problems:
        print(f"console_check: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
