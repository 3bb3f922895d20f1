#!/usr/bin/python3
"""paired_check.py RESULTS STRATEGIES [--aa MIN] [--rounds N [--grown]]

Checks the paired/ entries of a pcbench results file: every strategy has
its median time; every ratio it should have (each strategy over off,
thread and lazy over stack, the A/A control over its original) is there
with an interval that holds its median; the rounds are as many as asked.

The A/A control is the first capturing strategy's code clone when the
run's context names one (strategy_clones: the same source at another
address, which sees code placement), else its twin (`<name>_twin`, the
same code, which sees noise and data layout alone).

--rounds N: every entry ran exactly N rounds; with --grown (a run with
--round-time), a warm entry more than N and at most 8 N (bench/config.h,
PCB_ROUNDS_GROWTH), a cold one exactly N.

--aa MIN: the A/A check.  The control's true ratio is 1; at 95% its
interval misses 1 in about 1 point of 20 by chance alone, and more when
the interval does not cover what moves between layouts.  Prints how many
points' intervals hold 1 and fails below MIN.
"""
import json
import sys


def clones_of(context):
    """{clone: original} from the context's strategy_clones."""
    text = context.get("strategy_clones", "")
    return dict(item.split(":", 1) for item in text.split(";") if item)


def rounds_errors(rows, n, grown):
    """What is wrong with the entries' round counts."""
    errors = []
    for b in rows:
        r, cold = b.get("rounds"), "/cache:cold" in b["name"]
        ok = (n < r <= 8 * n) if grown and not cold else r == n
        if not ok:
            errors.append(f"{b['name']}: {r} rounds; expected "
                          + (f"{n} < rounds <= {8 * n}" if grown and not cold
                             else f"{n}"))
    return errors


def check(path, strategies, aa_min, rounds=None, grown=False):
    with open(path) as f:
        doc = json.load(f)
    rows = [b for b in doc["benchmarks"] if b["name"].startswith("paired/")]
    errors, holds = [], 0
    if not rows:
        errors.append("no paired/ entries")
    capturing = [s for s in strategies if s != "off"]
    first = capturing[0] if capturing else strategies[0]
    clone = next((c for c, o in clones_of(doc["context"]).items()
                  if o == first), None)
    control = clone or first + "_twin"
    want = [(s, "off") for s in strategies if s != "off" and "off" in strategies]
    want += [(s, "stack") for s in ("thread", "lazy")
             if s in strategies and "stack" in strategies]
    want.append((control, first))
    for b in rows:
        name = b["name"]
        for s in strategies + [control]:
            if not b.get(s + "_ns", 0) > 0:
                errors.append(f"{name}: no {s}_ns")
        for a, ref in want:
            key = f"{a}_over_{ref}"
            lo, mid, hi = (b.get(key + "_lo"), b.get(key), b.get(key + "_hi"))
            if None in (lo, mid, hi) or not lo <= mid <= hi:
                errors.append(f"{name}: {key} {lo} {mid} {hi}")
            elif a == control and lo <= 1 <= hi:
                holds += 1
    if rounds is not None:
        errors += rounds_errors(rows, rounds, grown)
    if aa_min is not None:
        print(f"paired_check: A/A ({control} over {first}) interval holds 1 "
              f"in {holds} of {len(rows)} points")
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
    rounds, grown = None, "--grown" in args
    if grown:
        args.remove("--grown")
    if "--rounds" in args:
        i = args.index("--rounds")
        rounds = int(args[i + 1])
        del args[i:i + 2]
    sys.exit(check(args[0], args[1].split(","), aa, rounds, grown))
