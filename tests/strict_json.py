#!/usr/bin/python3
"""Every JSON output of pcbench is strict JSON: stdout with
--benchmark_format=json, and --out; a user's --benchmark_out is refused
(exit 2, one line naming --out), so no JSON leaves pcbench that has not
been through its reporter and its temporary-and-rename.  Each is read
by Python's json.loads refusing NaN/Infinity and, when node is installed,
by JavaScript's JSON.parse.  The run has two repetitions, so each entry has
a cv row, and `lost` is 0 in every repetition: the cv that Google
Benchmark's own writer prints as a bare NaN.

usage: strict_json.py PCBENCH WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

RUN = ["--workloads=malloc", "--strategies=off,stack", "--depths=32",
       "--frames=8", "--min-time=0.002", "--repetitions=2",
       "--latency-events=200", "--check-events=50", "--churn-threads=0",
       "--benchmark_filter=^malloc/"]


def refuse(token):
    raise ValueError(f"non-JSON number {token}")


def check(label, text, problems):
    try:
        doc = json.loads(text, parse_constant=refuse)
    except ValueError as e:
        problems.append(f"{label}: json.loads: {e}")
        return
    cvs = [r for r in doc.get("benchmarks", [])
           if r.get("aggregate_name") == "cv"]
    if not cvs or any(r.get("lost") != 0 for r in cvs):
        problems.append(f"{label}: expected cv rows with lost 0, got "
                        f"{[r.get('lost') for r in cvs]}")
    if any("threads" in r and "workload_threads" not in r
           for r in doc["benchmarks"] if r.get("run_type") == "iteration"):
        problems.append(f"{label}: a row lacks workload_threads")
    node = shutil.which("node")
    if node:
        p = subprocess.run([node, "-e", "JSON.parse(require('fs')"
                            ".readFileSync(0, 'utf8'))"], input=text,
                           text=True, capture_output=True)
        if p.returncode != 0:
            problems.append(f"{label}: JSON.parse: "
                            f"{p.stderr.strip().splitlines()[-1:]}")
    else:
        print(f"strict_json: {label}: node not installed, JSON.parse skipped")


def main(pcbench, work):
    os.makedirs(work, exist_ok=True)
    bo, out = os.path.join(work, "strict-bo.json"), \
        os.path.join(work, "strict-out.json")
    problems = []
    p = subprocess.run([pcbench] + RUN + ["--benchmark_format=json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(f"strict_json: pcbench exited {p.returncode}: {p.stderr}")
        return 1
    check("stdout (--benchmark_format=json)", p.stdout, problems)
    p = subprocess.run([pcbench] + RUN + ["--benchmark_out=" + bo],
                       capture_output=True, text=True)
    if p.returncode != 2 or len(p.stderr.splitlines()) != 1 or \
            "--out" not in p.stderr or os.path.exists(bo):
        problems.append(f"--benchmark_out: expected exit 2, one line naming "
                        f"--out and no file; got {p.returncode}: {p.stderr}")
    p = subprocess.run([pcbench] + RUN + ["--out=" + out],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(f"strict_json: pcbench --out exited {p.returncode}: {p.stderr}")
        return 1
    with open(out) as f:
        check("--out", f.read(), problems)
    for line in problems:
        print("strict_json: FAIL: " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
