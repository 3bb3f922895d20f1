#!/usr/bin/python3
"""paired_start_check.py RESULTS STRATEGIES DEPTHS [--rounds N] [--labels NEW,OLD]

Checks the paired thread-start and first-event entries of a pcbench
results file (a run with --paired and
--benchmark_filter=^paired/(thread_start|first_event)/): exactly the
entries paired/thread_start/depth:D and paired/first_event/depth:D for
each of DEPTHS, each a batch of 256 fresh contexts (batch_ops), and in
each every arm, ratio and interval that paired_check.py asks of any
paired entry (each strategy over off, thread and lazy over stack, the
A/A control over its original).  Structure only, never a time.

--labels NEW,OLD: a run with --module=NEW=<layout module>
--module=OLD=<another>: each strategy is also an arm S@NEW and S@OLD,
and each entry carries S@NEW_over_S@OLD with its intervals and layout
spread -- the key compare --alternate --in-process gates by.
"""
import json
import sys

import paired_check

KINDS = ("thread_start", "first_event")
BATCH = 256  # bench/suites/paired_start.h, PCB_START_BATCH
RATIO_KEYS = ("", "_lo", "_hi", "_rounds", "_rounds_lo", "_rounds_hi",
              "_layout_sd")


def label_errors(row, strategies, new, old):
    """What is missing of the old-against-new arms in one entry."""
    errors = []
    for s in strategies:
        for arm in (f"{s}@{new}", f"{s}@{old}"):
            if not row.get(arm + "_ns", 0) > 0:
                errors.append(f"{row['name']}: no {arm}_ns")
        key = f"{s}@{new}_over_{s}@{old}"
        missing = [key + k for k in RATIO_KEYS if key + k not in row]
        if missing:
            errors.append(f"{row['name']}: no {', '.join(missing)}")
        elif not row[key + "_lo"] <= row[key] <= row[key + "_hi"]:
            errors.append(f"{row['name']}: {key} outside its interval")
    return errors


def check(path, strategies, depths, rounds=None, labels=None):
    with open(path) as f:
        doc = json.load(f)
    rows = [b for b in doc["benchmarks"] if b["name"].startswith("paired/")]
    names = sorted(b["name"].split("/iterations")[0] for b in rows)
    want = sorted(f"paired/{k}/depth:{d}" for k in KINDS for d in depths)
    errors = [] if names == want else [f"entries {names}; expected {want}"]
    for b in rows:
        if b.get("batch_ops") != BATCH:
            errors.append(f"{b['name']}: batch_ops {b.get('batch_ops')}; "
                          f"expected {BATCH}")
        if "error_occurred" in b:
            errors.append(f"{b['name']}: {b.get('error_message')}")
        if labels:
            errors += label_errors(b, strategies, *labels)
    for e in errors:
        print("paired_start_check:", e)
    if paired_check.check(path, strategies, None, rounds) != 0:
        errors.append("paired_check")
    if not errors:
        print(f"paired_start_check: {len(rows)} entries, structure as "
              "expected")
    return 1 if errors else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    rounds = labels = None
    if "--rounds" in args:
        i = args.index("--rounds")
        rounds = int(args[i + 1])
        del args[i:i + 2]
    if "--labels" in args:
        i = args.index("--labels")
        labels = args[i + 1].split(",")
        del args[i:i + 2]
    sys.exit(check(args[0], args[1].split(","),
                   [int(d) for d in args[2].split(",")], rounds, labels))
