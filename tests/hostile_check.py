#!/usr/bin/python3
"""Checks the hostile-condition entries of a pcbench results file.

storm/: every guarded strategy stays at correct == 1 and the negative
control falls below it; every entry reports its overlaps, and every entry
that captures had some; every entry carries its judgement (storm_verdict,
storm_q_lo, storm_overlaps_needed, storm_power, storm_control_wrong,
storm_control_overlaps), and with the control at the same point every
one is judged and passes (storm_verdict 1: enough overlaps for 99.9%
power against the control's bounded rate, consistent with the other
counters); p50 <= p99 <= p999 <= max on every entry with a latency
distribution.  churn/: nothing leaks; with injected faults, eager
strategies lose registrations, lazy ones drop events and recover.

usage: hostile_check.py RESULTS.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)),
                                "..", "scripts"))
from pcbtools import pcblib  # noqa: E402


def no_nan(token):
    raise ValueError("non-JSON number " + token)


def check(b, flags):
    name, out = b["name"], []
    if all(k in b for k in ("p50_ns", "p99_ns", "p999_ns", "max_ns")):
        if not b["p50_ns"] <= b["p99_ns"] <= b["p999_ns"] <= b["max_ns"]:
            out.append(f"{name}: quantiles out of order")
    if name.startswith("storm/"):
        strategy = pcblib.parse_name(name).words[1]
        control = "control" in flags.get(strategy, set())
        if control and not b["correct"] < 1:
            out.append(f"{name}: the negative control was not caught")
        if not control and b["correct"] != 1:
            out.append(f"{name}: correct = {b['correct']}")
        if "overlaps" not in b:
            out.append(f"{name}: no overlaps counter")
        elif strategy != "off" and b["overlaps"] <= 0 and not DEFERRED:
            out.append(f"{name}: no nested event overlapped a capture")
        out += judged(b, name, strategy)
    if name.startswith("churn/"):
        if b["leaked_bytes"] != 0:
            out.append(f"{name}: leaked {b['leaked_bytes']} bytes")
        faults = "/faults" in name
        if faults and ("/thread/" in name or "/lazy/" in name):
            if b["injected_failures"] <= 0 or b["lost"] <= 0:
                out.append(f"{name}: no injected failure was felt")
        if faults and "/lazy/" in name and b["recovered"] <= 0:
            out.append(f"{name}: lazy never recovered after a failure")
    return out


STORM = ("storm_verdict", "storm_q_lo", "storm_overlaps_needed",
         "storm_power", "storm_control_wrong", "storm_control_overlaps")


def judged(b, name, strategy):
    """The storm entry's judgement: present, passed, and consistent."""
    missing = [k for k in STORM if k not in b]
    if missing:
        return [f"{name}: no {', '.join(missing)}"]
    want = 2 if DEFERRED and strategy != "off" else 1
    if b["storm_verdict"] != want:
        return [f"{name}: storm_verdict {b['storm_verdict']}, not {want}"]
    if DEFERRED or strategy == "off":
        return []
    if not (b["storm_q_lo"] > 0 and b["overlaps"] >= b["storm_overlaps_needed"]
            > 0 and b["storm_power"] >= 0.999 and
            0 < b["storm_control_wrong"] <= b["storm_control_overlaps"]):
        return [f"{name}: judged, but q {b['storm_q_lo']}, overlaps "
                f"{b['overlaps']} of {b['storm_overlaps_needed']} needed, "
                f"power {b['storm_power']}, control "
                f"{b['storm_control_wrong']} wrong in "
                f"{b['storm_control_overlaps']}"]
    return []


# --deferred-signals: a build (TSan) that runs signal handlers at safe
# points, where no nested event can overlap a capture.
DEFERRED = False


def main(path):
    with open(path) as f:
        doc = json.load(f, parse_constant=no_nan)
    rows = [b for b in doc["benchmarks"] if b.get("run_type") == "iteration"]
    flags = pcblib.strategy_flags(doc["context"])
    problems = [p for b in rows for p in check(b, flags)]
    kinds = {b["name"].split("/")[0] for b in rows}
    for want in ("storm", "churn"):
        if want not in kinds:
            problems.append(f"no {want}/ entries")
    for p in problems:
        print("hostile_check:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    DEFERRED = "--deferred-signals" in sys.argv[2:]
    sys.exit(main(sys.argv[1]))
