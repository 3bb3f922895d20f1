#!/usr/bin/python3
"""Checks the stack figures of a pcbench results file (exact for a build,
so asserted exactly, not timed).  Where a strategy keeps its buffer is
read from the results' context (strategy_flags), not from its name:

- a strategy whose whole buffer is on the capturing frame (stack_buffer)
  uses exactly 96 PCs (768 bytes) more stack at depth 128 than at depth
  32, and its headroom on a 2 KiB fiber is as much smaller; every other
  strategy, the baseline included, uses the same stack at both depths;
- the unwinder by itself (floor/ entries) takes the same stack at both
  depths, and less than any capturing strategy's event;
- at the deepest frames value, under frame pointers (the smoke run's
  unwinder), the on-stack buffer at 128 needs a larger fiber than the
  capturing strategies that keep theirs off the stack.  (Under a DWARF
  unwinder the unwinder's own frames can decide the fiber instead: the
  report says which, and test_stackmeasure checks every unwinder's
  figures.)

usage: stack_check.py RESULTS.json WORKLOAD DEEP_FRAMES
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)),
                                "..", "scripts"))
from pcbtools import pcblib  # noqa: E402


def main(path, workload, deep):
    with open(path) as f:
        doc = json.load(f)
    flags = pcblib.strategy_flags(doc["context"])
    fig, floor = {}, {}
    for b in doc["benchmarks"]:
        if b.get("run_type") != "iteration" or "stack_bytes" not in b:
            continue
        n = pcblib.parse_name(b["run_name"])
        d, fr = n.params.get("depth"), n.params.get("frames")
        if n.kind == "floor":
            floor[(d, fr)] = b["stack_bytes"]
        elif n.kind == workload and n.words:
            fig[(n.words[0], d, fr)] = b
    problems = []

    def get(s, d, name, fr=None):
        rows = [b for (s2, d2, f2), b in fig.items()
                if s2 == s and d2 == d and (fr is None or f2 == fr)]
        if not rows:
            problems.append(f"no {workload}/{s}/depth:{d} entry")
            return 0
        return rows[0].get(name, -1)

    strategies = sorted({k[0] for k in fig})
    on = [s for s in strategies if "stack_buffer" in flags.get(s, set())]
    off = [s for s in strategies
           if not flags.get(s, set()) & {"stack_buffer", "spill",
                                         "no_capture", "control"}]
    if not on or not off:
        problems.append(f"need a stack_buffer strategy and one off the "
                        f"stack; have {strategies}")
    for s in strategies:
        grow = get(s, 128, "stack_bytes") - get(s, 32, "stack_bytes")
        want = 768 if s in on else 0
        if grow != want:
            problems.append(f"{s}: stack@128 - stack@32 = {grow} bytes, "
                            f"not {want}")
        if s in on:
            shrink = get(s, 32, "headroom_bytes") - \
                get(s, 128, "headroom_bytes")
            if shrink != 768 and get(s, 32, "headroom_bytes") != -1:
                problems.append(f"{s}: headroom @32 - @128 = {shrink}, "
                                "not 768")
        elif get(s, 32, "headroom_bytes") != get(s, 128, "headroom_bytes"):
            problems.append(f"{s}: headroom_bytes differs between depths")
    alone = set(floor.values())
    if sorted({d for d, fr in floor}) != [32, 128] or len(alone) != 1:
        problems.append(f"the unwinder alone (floor/ stack_bytes): {floor}, "
                        "not one figure at depths 32 and 128")
    elif any(get(s, 32, "stack_bytes") <= min(alone) for s in on + off):
        problems.append(f"an event takes no more stack than the unwinder "
                        f"alone ({min(alone)} bytes)")
    deep = int(deep)
    for s in on if doc["context"].get("unwinder") == "fp" else []:
        for h in off:
            if not get(s, 128, "min_fiber_stack", deep) > \
                    get(h, 128, "min_fiber_stack", deep):
                problems.append(f"frames:{deep}: {s}@128 fits the same "
                                f"fiber as {h}@128")
    for p in problems:
        print("stack_check:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
