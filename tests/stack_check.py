#!/usr/bin/python3
"""Checks the stack figures of a pcbench results file (exact for a build,
so asserted exactly, not timed):

- `stack` at depth 128 uses 96 PCs (768 bytes, +-16 for alignment) more
  stack than at depth 32, and its headroom on a 2 KiB fiber is as much
  smaller; `thread` and `lazy` use the same stack at both depths;
- at the deepest frames value, `stack` at 128 needs a larger fiber than
  `thread` at 128 does.

usage: stack_check.py RESULTS.json WORKLOAD DEEP_FRAMES
"""
import json
import sys


def main(path, workload, deep):
    with open(path) as f:
        doc = json.load(f)
    fig = {}
    for b in doc["benchmarks"]:
        if b.get("run_type") != "iteration" or "stack_bytes" not in b:
            continue
        parts = b["run_name"].split("/")
        if parts[0] != workload:
            continue
        s, d, fr = parts[1], parts[2].split(":")[1], parts[3].split(":")[1]
        fig[(s, int(d), int(fr))] = b
    problems = []

    def get(s, d, name, fr=None):
        rows = [b for (s2, d2, f2), b in fig.items()
                if s2 == s and d2 == d and (fr is None or f2 == fr)]
        if not rows:
            problems.append(f"no {workload}/{s}/depth:{d} entry")
            return 0
        return rows[0].get(name, -1)

    grow = get("stack", 128, "stack_bytes") - get("stack", 32, "stack_bytes")
    if abs(grow - 768) > 16:
        problems.append(f"stack@128 - stack@32 = {grow} bytes, not 768+-16")
    shrink = get("stack", 32, "headroom_bytes") - get("stack", 128, "headroom_bytes")
    if abs(shrink - 768) > 16:
        problems.append(f"headroom stack@32 - stack@128 = {shrink}, not 768+-16")
    for s in ("thread", "lazy"):
        for name in ("stack_bytes", "headroom_bytes"):
            if get(s, 32, name) != get(s, 128, name):
                problems.append(f"{s}: {name} differs between depths")
    deep = int(deep)
    if not get("stack", 128, "min_fiber_stack", deep) > \
            get("thread", 128, "min_fiber_stack", deep):
        problems.append(f"frames:{deep}: stack@128 fits the same fiber as thread@128")
    for p in problems:
        print("stack_check:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
