#!/usr/bin/python3
"""bench-ci's instruction counts: present, exactly repeatable, and able to
see work.

Runs scripts/bench-ci twice on a small matrix (counted pass only) and
fails unless every single-thread entry carries `instructions`, both runs
agree to the instruction, and capturing 200 frames costs more than
capturing 16, which costs more than `off` (a counter that saw nothing
would agree with itself too).

usage: bench_ci_check.py BENCH_CI PCBENCH WORKDIR
"""
import json
import os
import subprocess
import sys


def counts(script, binary, out):
    subprocess.run([script, "--bin", binary, "--no-timed", "--out", out,
                    "--iterations=300", "--strategies=off,stack",
                    "--depths=128", "--check-events=10",
                    "--workloads=malloc"],
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
    for p in problems:
        print("bench_ci_check:", p)
    if not problems:
        print(f"bench_ci_check: {len(a)} entries repeat exactly; off {off}, "
              f"stack@16 {shallow}, stack@200 {deep} instructions/event")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
