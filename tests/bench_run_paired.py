#!/usr/bin/python3
"""`make bench`'s path for the paired entries, with the real pcbench:
scripts/bench-run --paired-processes=2 runs the main matrix, then two
paired processes (scripts/paired-runs), and results/latest points at a
results file whose paired entries are the summary across both processes
(`processes` 2, the context's `paired_processes` and two seeds) beside
the matrix's own entries; pcbench.log holds both phases' stderr and
paired/ each process's own results.  When a paired process fails after
writing its results, the folder stays as evidence (FAILED, paired/) and
results/latest does not move.  A bad --paired-processes exits 2 with one
line and makes no folder.  Nothing here asserts a time.

usage: bench_run_paired.py BENCH_RUN PCBENCH
"""
import json
import os
import subprocess
import sys
import tempfile

ARGS = ["--workloads=malloc", "--strategies=off,stack,thread",
        "--depths=32", "--frames=8", "--min-time=0.002",
        "--latency-events=100", "--check-events=20", "--churn-threads=0",
        "--repetitions=1"]
# the point's entry, and the thread-start and first-event ones at its depth
PAIRED = ["paired/malloc/depth:32/frames:8", "paired/thread_start/depth:32",
          "paired/first_event/depth:32"]


FAILING = """#!/bin/sh
# pcbench whose paired processes fail after writing their results
case "$*" in *--paired*--out=*) "%s" "$@"; exit 1 ;; esac
exec "%s" "$@"
"""


def failing_paired(bench_run, pcbench, cwd, latest):
    """A paired process exits 1 after writing: the folder is evidence."""
    fake = os.path.join(cwd, "failing-pcbench")
    with open(fake, "w") as f:
        f.write(FAILING % (pcbench, pcbench))
    os.chmod(fake, 0o755)
    before = os.path.realpath(latest)
    r = subprocess.run([bench_run, "--paired-processes=2", fake] + ARGS,
                       cwd=cwd, capture_output=True, text=True)
    runs = os.path.join(cwd, "results", "runs")
    failed = [d for d in os.listdir(runs)
              if os.path.exists(os.path.join(runs, d, "FAILED"))]
    problems = []
    if r.returncode != 1 or os.path.realpath(latest) != before:
        problems.append(f"failing paired process: exit {r.returncode}, "
                        "results/latest moved" * (os.path.realpath(latest)
                                                  != before))
    if len(failed) != 1 or not os.path.exists(
            os.path.join(runs, failed[0], "paired", "p0.json")):
        problems.append(f"failing paired process: evidence {failed}")
    return problems


def main(bench_run, pcbench):
    problems = []
    with tempfile.TemporaryDirectory(prefix="pcb-bench-run-paired-") as cwd:
        for bad in ("--paired-processes=1", "--paired-processes=x",
                    "--paired-processes=02"):
            r = subprocess.run([bench_run, bad, pcbench] + ARGS, cwd=cwd,
                               capture_output=True, text=True)
            if r.returncode != 2 or len(r.stderr.strip().splitlines()) != 1 \
                    or os.path.exists(os.path.join(cwd, "results", "runs")) \
                    and os.listdir(os.path.join(cwd, "results", "runs")):
                problems.append(f"{bad}: exit {r.returncode}, {r.stderr!r}")
        r = subprocess.run([bench_run, "--paired-processes=2", pcbench] + ARGS,
                           cwd=cwd, capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"exit {r.returncode}: {r.stderr[-500:]}")
        else:
            latest = os.path.join(cwd, "results", "latest")
            with open(os.path.join(latest, "results.json")) as f:
                doc = json.load(f)
            names = [b["name"] for b in doc["benchmarks"]]
            paired = [b for b in doc["benchmarks"]
                      if b["name"].startswith("paired/")]
            if not any(n.startswith("malloc/") for n in names):
                problems.append("no matrix entry")
            got = sorted(b["name"].split("/iterations")[0] for b in paired)
            if got != sorted(PAIRED) or any(b.get("processes") != 2
                                            for b in paired):
                problems.append(f"paired entries: {[(b['name'], b.get('processes')) for b in paired]}")
            ctx = doc["context"]
            if ctx.get("paired_processes") != "2" or \
                    len(ctx.get("paired_seeds", "").split(",")) != 2:
                problems.append(f"context: {ctx.get('paired_processes')}, "
                                f"{ctx.get('paired_seeds')}")
            with open(os.path.join(latest, "pcbench.log")) as f:
                log = f.read()
            if "paired-runs: process 2 of 2" not in log:
                problems.append("pcbench.log lacks the paired processes")
            kept = sorted(os.listdir(os.path.join(latest, "paired")))
            if kept != ["p0.json", "p1.json"]:
                problems.append(f"paired/ holds {kept}")
            problems += failing_paired(bench_run, pcbench, cwd, latest)
    for p in problems:
        print("bench_run_paired:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
