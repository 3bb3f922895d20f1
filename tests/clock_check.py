#!/usr/bin/python3
"""Every clock pcbench offers, forced in turn with --clock.

`pcbench --list` says which clocks this CPU can run and which auto
picks.  A clock it cannot run is refused: exit 2, one line naming the
reason, nothing written.  Every other clock runs a small matrix (malloc
and block, off and stack) with its paired entries, and the results must
say which clock timed them (context `clock`, `latency_timer`), carry a
calibrated timer floor (`timer_floor_ns` > 0), the unwind floor
entries and each matrix entry's ratio to them (`floor_ratio` > 0), a
latency pass (`p50_ns` > 0), correct captures, and paired ratios whose intervals hold their medians.
Timings are not judged: only that each clock's path produced them.

usage: clock_check.py PCBENCH WORKDIR
"""
import json
import math
import os
import re
import subprocess
import sys

RUN = ["--workloads=malloc,block", "--strategies=off,stack", "--depths=32",
       "--frames=8", "--min-time=0.002", "--latency-events=200",
       "--check-events=50", "--churn-threads=0", "--paired", "--rounds=20",
       "--benchmark_filter=^(floor|malloc|block|paired)/"]


def listed(binary):
    """{clock: reason it cannot run, or None}, and what auto picks."""
    out = subprocess.run([binary, "--list"], capture_output=True, text=True,
                         check=True).stdout
    head = re.search(r"^clocks \(--clock; auto picks (\w+) here\):$", out, re.M)
    if head is None:
        raise SystemExit("clock_check: --list has no clocks section")
    clocks = {}
    for line in out[head.end():].splitlines()[1:]:
        m = re.match(r"^  (\w+) .*?(?:\[cannot be used: (.*)\])?$", line)
        if m is None:
            break
        clocks[m.group(1)] = m.group(2)
    return clocks, head.group(1)


def check_run(binary, clock, expect, out):
    """Runs with --clock=clock; the results must say `expect` timed them."""
    problems = []
    r = subprocess.run([binary, "--clock=" + clock, "--out=" + out] + RUN,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return [f"exit {r.returncode}: {r.stderr.strip()[-300:]}"]
    with open(out) as f:
        doc = json.load(f)
    ctx, rows = doc["context"], doc["benchmarks"]
    if ctx.get("clock") != expect:
        problems.append(f"context clock is {ctx.get('clock')!r}, not {expect}")
    if ctx.get("clock_requested") != clock:
        problems.append(f"clock_requested {ctx.get('clock_requested')!r}")
    if not ctx.get("latency_timer", "").startswith(expect + ","):
        problems.append(f"latency_timer {ctx.get('latency_timer')!r}")
    floor = float(ctx.get("timer_floor_ns", "nan"))
    if not (math.isfinite(floor) and floor > 0):
        problems.append(f"timer_floor_ns {floor}")
    matrix = [b for b in rows if b["name"].split("/")[0] in ("malloc", "block")]
    if not any(b["name"].startswith("floor/") and b["real_time"] > 0
               for b in rows):
        problems.append("no floor/ entry")
    paired = [b for b in rows if b["name"].startswith("paired/")]
    if len(matrix) < 4 or len(paired) < 2:
        problems.append(f"{len(matrix)} matrix and {len(paired)} paired entries")
    for b in matrix:
        for k in ("p50_ns", "floor_ratio"):
            if not b.get(k, 0) > 0:
                problems.append(f"{b['name']}: {k} {b.get(k)}")
        if "correct" in b and b["correct"] != 1:
            problems.append(f"{b['name']}: correct {b['correct']}")
    for b in paired:
        lo, mid, hi = (b.get("stack_over_off" + k) for k in ("_lo", "", "_hi"))
        if None in (lo, mid, hi) or not 0 < lo <= mid <= hi:
            problems.append(f"{b['name']}: stack_over_off {lo} {mid} {hi}")
    return problems


def check_refused(binary, clock, why, out):
    r = subprocess.run([binary, "--clock=" + clock, "--out=" + out] + RUN,
                       capture_output=True, text=True)
    lines = r.stderr.strip().splitlines()
    if r.returncode != 2 or len(lines) != 1 or why not in lines[0]:
        return [f"refused with exit {r.returncode}: {r.stderr.strip()!r}"]
    return [f"wrote {out}"] if os.path.exists(out) else []


def main(binary, workdir):
    clocks, auto = listed(binary)
    failed = 0
    for clock in list(clocks) + ["auto"]:
        out = os.path.join(workdir, f"clock-{clock}.json")
        if os.path.exists(out):
            os.unlink(out)
        why = clocks.get(clock)
        if why is not None:
            problems = check_refused(binary, clock, why, out)
            verdict = f"refused here ({why})"
        else:
            expect = auto if clock == "auto" else clock
            problems = check_run(binary, clock, expect, out)
            verdict = f"ran {expect}"
        print(f"clock_check: {clock}: {verdict}"
              + ("" if not problems else "; FAILED"))
        for p in problems:
            print(f"clock_check: {clock}: {p}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
