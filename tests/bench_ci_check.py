#!/usr/bin/python3
"""bench-ci's instruction counts: present, exactly repeatable, and able to
see work.

Runs scripts/bench-ci twice on a small matrix (counted pass only) and
fails unless every entry -- malloc and lock -- carries `instructions`,
both runs agree to the instruction, and capturing 200 frames costs more
than capturing 16, which costs more than `off` (a counter that saw nothing
would agree with itself too).  The malloc entries also come cold
(`.../cache:cold`, each counted event after a walk of a working set
twice the simulated last level): every figure of theirs -- instructions,
I1/D1/LL misses, est_cycles -- repeats exactly too (a warm entry's misses
may move by one or two in the whole run: its allocation lands where
glibc's heap history puts it, and its few misses are conflicts; a cold
event's are compulsory, the walk having emptied the caches), and a
capturing
strategy's cold event misses D1 and LL clearly more often (at least one
more miss per event) than its warm one: exact simulated counts, so an
assertion.  Then the gate: a third run with
--baseline of the first passes (exit 0), and with --baseline of a copy in
which one entry's `instructions` is 5 lower it fails (exit 1).

usage: bench_ci_check.py BENCH_CI PCBENCH WORKDIR [PCBENCH OPTION...]
"""
import json
import os
import subprocess
import sys


ARGS = ["--no-timed", "--iterations=300", "--cold-iterations=16",
        "--strategies=off,stack", "--depths=128", "--workloads=malloc,lock"]
FIGS = ("instructions", "i1_misses", "d1_misses", "ll_misses", "est_cycles")
COLD = "/cache:cold"


def counts(script, binary, out, extra=()):
    subprocess.run([script, "--bin", binary, "--out", out] + ARGS
                   + list(extra), check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        rows = json.load(f)["benchmarks"]
    return {r["run_name"].split("/iterations:")[0]:
            {k: r.get(k) for k in FIGS}
            for r in rows if r.get("run_type") == "iteration"}


def cold_problems(a):
    """Every warm malloc entry has a cold twin, and stack's cold event
    misses clearly more than its warm one."""
    out = [f"{n}: no cold entry" for n in a
           if n.startswith("malloc/") and COLD not in n and n + COLD not in a]
    warm = a.get("malloc/stack/depth:128/frames:200", {})
    cold = a.get("malloc/stack/depth:128/frames:200" + COLD, {})
    for k in ("d1_misses", "ll_misses"):
        w, c = warm.get(k), cold.get(k)
        if w is None or c is None or not c >= w + 1:
            out.append(f"stack@200 {k} per event: warm {w}, cold {c}; "
                       "expected cold at least one more")
    return out


def main(script, binary, workdir):
    extra = sys.argv[4:]  # e.g. --working-set=4096: a walk that evicts nothing
    a = counts(script, binary, os.path.join(workdir, "ci-a.json"), extra)
    b = counts(script, binary, os.path.join(workdir, "ci-b.json"), extra)
    problems = [f"{n}: no {k}" for n, v in a.items() for k in FIGS
                if v[k] is None]
    problems += [f"{n}: {a[n]} then {b.get(n)}" for n in a
                 if (a[n] if COLD in n else a[n]["instructions"]) !=
                 (b.get(n) if COLD in n else b.get(n, {}).get("instructions"))]
    problems += cold_problems(a)

    def ins(n):
        return a.get(n, {}).get("instructions") or 0
    off = ins("malloc/off/depth:128/frames:16")
    shallow = ins("malloc/stack/depth:128/frames:16")
    deep = ins("malloc/stack/depth:128/frames:200")
    if not off < shallow < deep:
        problems.append(f"counts do not rise with work: off {off}, "
                        f"16 frames {shallow}, 200 frames {deep}")
    problems += gate(script, binary, workdir)
    for p in problems:
        print("bench_ci_check:", p)
    if not problems:
        w = a["malloc/stack/depth:128/frames:200"]
        c = a["malloc/stack/depth:128/frames:200" + COLD]
        print(f"bench_ci_check: {len(a)} entries repeat exactly "
              f"({sum(COLD in n for n in a)} cold); off {off}, "
              f"stack@16 {shallow}, stack@200 {deep} instructions/event; "
              f"stack@200 D1 misses/event warm {w['d1_misses']}, cold "
              f"{c['d1_misses']}; LL {w['ll_misses']}, {c['ll_misses']}")
    return 1 if problems else 0


def gate(script, binary, workdir):
    base = os.path.join(workdir, "ci-a.json")
    moved = os.path.join(workdir, "ci-moved.json")
    with open(base) as f:
        doc = json.load(f)
    row = next(r for r in doc["benchmarks"]
               if r.get("run_type") == "iteration" and "/stack/" in r["name"]
               and COLD not in r["name"])
    row["instructions"] -= 5
    with open(moved, "w") as f:
        json.dump(doc, f)
    out = []
    for baseline, want in ((base, 0), (moved, 1)):
        r = subprocess.run([script, "--bin", binary, "--baseline", baseline,
                            "--out", os.path.join(workdir, "ci-g.json")]
                           + ARGS + ["--cold-iterations=0"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if r.returncode != want:
            out.append(f"--baseline {os.path.basename(baseline)}: exit "
                       f"{r.returncode}, expected {want}")
    return out


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
