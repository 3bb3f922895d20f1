#!/usr/bin/python3
"""One real end-to-end run of `compare --alternate OLD NEW --in-process`:
this build's pcbench as NEW and, through its own layout modules, as OLD
(an A/A comparison).  Checks structure only, never a time: a row per
(paired entry, strategy) -- the warm points' and the thread-start and
first-event entries' -- each with a positive ratio inside its interval,
one figure per process, the relative figure on capturing strategies
alone, the exit status 0 or 1, and A/A-shaped ratios (within a factor of
two of 1: a wrong arm pairing, such as stack over off, is far outside).
Each process's results carry the `S@old` arms and the modules loaded,
and each entry one shared-path row (the capture alone, by its flag);
the layouts' term of every row comes from the copies' own figures.

    inprocess_real.py PCBENCH
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
COMPARE = os.path.join(HERE, "..", "..", "scripts", "compare")
STRATEGIES = ("off", "stack", "thread")


def main(pcbench):
    with tempfile.TemporaryDirectory(prefix="pcb-inprocess-real-") as tmp:
        out = os.path.join(tmp, "r.json")
        p = subprocess.run(
            [COMPARE, "--alternate", pcbench, pcbench, "--in-process",
             "--processes=2", "--paired-rounds=20", "--seed=11",
             f"--json={out}", "--workloads=malloc", "--depths=32",
             "--frames=8,200", "--churn-threads=0",
             "--strategies=" + ",".join(STRATEGIES)],
            capture_output=True, text=True, timeout=900)
        assert p.returncode in (0, 1), p.stdout + p.stderr
        with open(out) as f:
            doc = json.load(f)
    rows = doc["rows"]
    assert len(doc["modules"]) >= 1, doc["modules"]
    got = sorted((r["paired_entry"], r["strategy"]) for r in rows
                 if not r["shared_path"])
    entries = [f"paired/malloc/depth:32/frames:{f}" for f in (8, 200)]
    entries += [f"paired/{k}/depth:32" for k in ("thread_start",
                                                 "first_event")]
    want = sorted((e, s) for e in entries for s in STRATEGIES)
    assert [(e.split("/iterations")[0], s) for e, s in got] == want, got
    # and one shared-path row per entry (the capture alone), by its flag
    shared = sorted(r["paired_entry"] for r in rows if r["shared_path"])
    assert shared == sorted({e for e, _ in got}), shared
    for r in rows:
        assert r["ratio_lo"] <= r["ratio"] <= r["ratio_hi"], r
        assert 0.5 < r["ratio"] < 2, r
        assert len(r["per_process"]) == 2, r
        assert all(x > 0 for x in r["per_process"]), r
        assert r["old_ns"] > 0 and r["new_ns"] > 0, r
        # each process gave its figure on every copy (`_copy<k>`)
        assert r["layout_from"] == "copies", r
        assert r["layout_sd"] >= 0, r
        assert ("relative" in r) == (r["capturing"] and
                                     not r["shared_path"]), r
    print(p.stdout)
    print(f"inprocess_real: {len(rows)} rows, structure as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
