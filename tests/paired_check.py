#!/usr/bin/python3
"""paired_check.py RESULTS STRATEGIES [--aa MIN]

Checks the paired/ entries of a pcbench results file: every strategy has
its median time; every ratio it should have (each strategy over off,
thread and lazy over stack, the twin over its original) is there with an
interval that holds its median; the rounds are as many as asked.

--aa MIN: the A/A check.  The twin is the same strategy as its original,
so the true ratio is 1; at 95% an interval misses it in 1 point of 20 by
chance alone.  Prints how many points' intervals hold 1 and fails below
MIN (a broken pairing -- arms timed unequally, an order or layout that
favours one -- misses in most points, not one or two).
"""
import json
import sys


def ratios(strategies, twin, clones):
    out = [(s, "off") for s in strategies if s != "off" and "off" in strategies]
    out += [(s, "stack") for s in ("thread", "lazy")
            if s in strategies and "stack" in strategies]
    out.append((twin + "_twin", twin))
    out += [(c, o) for c, o in clones.items() if o == twin]
    return out


def clones_of(context):
    """{clone: original} from the context's strategy_clones."""
    text = context.get("strategy_clones", "")
    return dict(item.split(":", 1) for item in text.split(";") if item)


def check(path, strategies, aa_min):
    with open(path) as f:
        doc = json.load(f)
    rows = [b for b in doc["benchmarks"] if b["name"].startswith("paired/")]
    clones = clones_of(doc["context"])
    errors, holds = [], 0
    if not rows:
        errors.append("no paired/ entries")
    capturing = [s for s in strategies if s != "off"]
    twin = capturing[0] if capturing else strategies[0]
    for b in rows:
        name = b["name"]
        for s in strategies + [twin + "_twin"] + \
                [c for c, o in clones.items() if o == twin]:
            if not b.get(s + "_ns", 0) > 0:
                errors.append(f"{name}: no {s}_ns")
        for a, ref in ratios(strategies, twin, clones):
            key = f"{a}_over_{ref}"
            lo, mid, hi = (b.get(key + "_lo"), b.get(key), b.get(key + "_hi"))
            if None in (lo, mid, hi) or not lo <= mid <= hi:
                errors.append(f"{name}: {key} {lo} {mid} {hi}")
            elif a == twin + "_twin" and lo <= 1 <= hi:
                holds += 1
    if aa_min is not None:
        print(f"paired_check: A/A interval holds 1 in {holds} of {len(rows)} "
              "points")
        if holds < aa_min:
            errors.append(f"A/A: 1 held in {holds} of {len(rows)} points, "
                          f"fewer than {aa_min}")
    for e in errors:
        print("paired_check:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    aa = None
    if "--aa" in args:
        i = args.index("--aa")
        aa = int(args[i + 1])
        del args[i:i + 2]
    sys.exit(check(args[0], args[1].split(","), aa))
