#!/usr/bin/python3
"""bench-ci's instruction counts: present, exactly repeatable, and able to
see work.

Runs scripts/bench-ci twice on a small matrix (counted pass only) and
fails unless every entry -- malloc and lock -- carries `instructions`,
both runs agree to the instruction, and capturing 200 frames costs more
than capturing 16, which costs more than `off` (a counter that saw nothing
would agree with itself too).  Then the gate: a third run with
--baseline of the first passes (exit 0), and with --baseline of a copy in
which one entry's `instructions` is 5 lower it fails (exit 1).

usage: bench_ci_check.py BENCH_CI PCBENCH WORKDIR
"""
import json
import os
import subprocess
import sys


ARGS = ["--no-timed", "--iterations=300", "--strategies=off,stack",
        "--depths=128", "--workloads=malloc,lock"]


def counts(script, binary, out):
    subprocess.run([script, "--bin", binary, "--out", out] + ARGS,
                   check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        rows = json.load(f)["benchmarks"]
    return {r["run_name"].split("/iterations:")[0]: r.get("instructions")
            for r in rows if r.get("run_type") == "iteration"}


def main(script, binary, workdir):
    a = counts(script, binary, os.path.join(workdir, "ci-a.json"))
    b = counts(script, binary, os.path.join(workdir, "ci-b.json"))
    problems = [f"{n}: no instruction count" for n, v in a.items() if v is None]
    problems += [f"{n}: {a[n]} then {b.get(n)}" for n in a if a[n] != b.get(n)]
    off = a.get("malloc/off/depth:128/frames:16") or 0
    shallow = a.get("malloc/stack/depth:128/frames:16") or 0
    deep = a.get("malloc/stack/depth:128/frames:200") or 0
    if not off < shallow < deep:
        problems.append(f"counts do not rise with work: off {off}, "
                        f"16 frames {shallow}, 200 frames {deep}")
    problems += gate(script, binary, workdir)
    for p in problems:
        print("bench_ci_check:", p)
    if not problems:
        print(f"bench_ci_check: {len(a)} entries repeat exactly; off {off}, "
              f"stack@16 {shallow}, stack@200 {deep} instructions/event")
    return 1 if problems else 0


def gate(script, binary, workdir):
    base = os.path.join(workdir, "ci-a.json")
    moved = os.path.join(workdir, "ci-moved.json")
    with open(base) as f:
        doc = json.load(f)
    row = next(r for r in doc["benchmarks"]
               if r.get("run_type") == "iteration" and "/stack/" in r["name"])
    row["instructions"] -= 5
    with open(moved, "w") as f:
        json.dump(doc, f)
    out = []
    for baseline, want in ((base, 0), (moved, 1)):
        r = subprocess.run([script, "--bin", binary, "--baseline", baseline,
                            "--out", os.path.join(workdir, "ci-g.json")]
                           + ARGS, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if r.returncode != want:
            out.append(f"--baseline {os.path.basename(baseline)}: exit "
                       f"{r.returncode}, expected {want}")
    return out


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
