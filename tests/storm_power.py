#!/usr/bin/python3
"""The storm's power, end to end (the arithmetic is test_storm's).

A storm far too small to judge: a few nested events overlap a capture.
Either the negative control went wrong a few times, and its exact 99.9%
lower bound on the rate it goes wrong at is so low that thousands of
overlaps would be needed ("FAIL: too few nested events to judge"), or it
never went wrong: its own entry FAILs, and the guarded one cannot be
judged.  Both exit 1, and the results' rows say the same in
storm_verdict, storm_q_lo and storm_overlaps_needed.  Without a control
at all, the guarded entry cannot be judged, says so, and exits 0 when
every event was right.

usage: storm_power.py PCBENCH
"""
import json
import os
import subprocess
import sys
import tempfile

SMALL = ["--workloads=malloc", "--depths=32", "--frames=16", "--storm=1000",
         "--storm-events=50000", "--churn-threads=0", "--latency-events=200",
         "--check-events=50", "--benchmark_filter=^storm/"]
THREAD = "storm/malloc/thread/depth:32/frames:16"


def run(pcbench, d, strategies):
    out = os.path.join(d, "r.json")
    r = subprocess.run([pcbench] + SMALL + ["--strategies=" + strategies,
                                           "--out=" + out],
                       capture_output=True, text=True, timeout=300)
    rows = {}
    if os.path.exists(out):
        for b in json.load(open(out))["benchmarks"]:
            rows[b["run_name"].split("/iterations:")[0]] = b
        os.unlink(out)
    lines = {l.split(": ")[1]: l for l in r.stderr.splitlines()
             if l.startswith("pcbench: storm/")}
    return r.returncode, rows, lines


def main():
    pcbench = sys.argv[1]
    problems = []
    with tempfile.TemporaryDirectory() as d:
        rc, rows, lines = run(pcbench, d, "thread,thread_unguarded")
        row, line = rows.get(THREAD, {}), lines.get(THREAD, "")
        too_few = "FAIL: too few nested events to judge (" in line
        unbounded = "cannot judge: the negative control went wrong 0 " in line
        if rc != 1:
            problems.append("too small: exit %d, not 1" % rc)
        if too_few and not (row.get("storm_verdict") == -1 and
                            row["storm_q_lo"] > 0 and
                            row["overlaps"] < row["storm_overlaps_needed"]):
            problems.append("too few, but the row says %r" % row)
        if unbounded and not (row.get("storm_verdict") == 0 and
                              row["storm_q_lo"] == 0):
            problems.append("cannot judge, but the row says %r" % row)
        if not too_few and not unbounded:
            problems.append("too small: %r" % line)
        rc, rows, lines = run(pcbench, d, "thread")
        row, line = rows.get(THREAD, {}), lines.get(THREAD, "")
        if rc != 0 or "cannot judge: no negative control ran at this point" \
                not in line or row.get("storm_verdict") != 0 or \
                row.get("storm_overlaps_needed") != 0:
            problems.append("no control: exit %d, %r, %r" % (rc, line, row))
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
