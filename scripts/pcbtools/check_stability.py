#!/usr/bin/python3
"""check-stability: run the quick matrix several times and report, per
entry, how far apart the runs' medians are.

Each run is `pcbench --quick --repetitions=R --min-time=T --interleave
--paired` (the measuring thread pinned to PU0 by pcbench itself); an
entry's figure in a run is the median of its repetitions' real time per
iteration, and its spread is

    spread = (largest median - smallest median) / smallest median

over the runs.  Beside them, the same spread of every paired ratio (each
paired/ entry's A_over_B: the median of its per-round ratios), grouped as
each strategy over off, strategy over strategy, and the A/A control (a code clone, or a twin).  The table lists every entry, noisiest first, with its
coefficient of variation inside each run (the largest of the runs) and,
for entries beyond --within, the likely reason from what the entry does.
The last line says how many entries are within --within.

Timings on a shared machine are never a pass/fail verdict: the exit status
is 0 when the runs completed, 1 if a run failed, 2 on bad usage (a --json
path pcbench's --out would refuse among it).  Other
arguments go to pcbench (for example --workloads=malloc).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from pcbtools import pcblib
from pcbtools import stats


# Why an entry family is noisier than the single-thread matrix: what the
# entry's iteration does beyond user-space instructions on one core.
REASONS = [
    (("lock/",), "threads spin and yield on shared locks: the scheduler "
     "is in every iteration"),
    (("block/", "mutex/"), "each event waits for a futex wake-up from "
     "another thread: the scheduler's latency is in every iteration"),
    (("heap/", "churn/"), "creates and joins threads: clone, mmap and "
     "page faults dominate, and the kernel's cost varies"),
    (("thread_start/",), "a strategy's thread_init alone, a few ns, or one "
     "malloc for an eager strategy: the allocator's state moves it"),
    (("first_event/",), "one first allocation per iteration: page faults "
     "and the allocator's state"),
    (("unwind/backtrace", "unwind/libgcc", "storm/"), "long iterations with "
     "locks, table look-ups or signals: more chances to be preempted"),
]


def reason(name, median_ns):
    for prefixes, why in REASONS:
        if name.startswith(prefixes):
            return why
    if median_ns < 20:
        return "a few ns per iteration: one interrupt or frequency step is " \
               "a large share"
    return "single-thread user-space work: the spread is other load on " \
           "the machine"


def spreads(results):
    """[(name, spread, max cv, median of medians)] over entries in all."""
    out = []
    names = set.intersection(*(set(r.runs) for r in results))
    for name in sorted(n for n in names if not n.startswith("paired/")):
        meds, cvs = [], []
        for r in results:
            t = np.asarray(r.runs[name]["time"])
            meds.append(float(stats.median(t)))
            cvs.append(float(np.std(t, ddof=1) / np.mean(t))
                       if len(t) > 1 and np.mean(t) > 0 else 0.0)
        lo, hi = min(meds), max(meds)
        out.append((name, (hi - lo) / lo if lo > 0 else 0.0, max(cvs),
                    float(stats.median(meds))))
    out.sort(key=lambda row: -row[1])
    return out


def paired_spreads(results):
    """[(entry, ratio, spread, median)] of every paired ratio in all runs."""
    out = []
    names = set.intersection(*(set(r.runs) for r in results))
    for name in sorted(n for n in names if n.startswith("paired/")):
        keys = set.intersection(*(set(r.runs[name]) for r in results))
        for key in sorted(k for k in keys if "_over_" in k and
                          not k.endswith(("_lo", "_hi"))):
            vals = [float(stats.median(r.runs[name][key])) for r in results]
            lo, hi = min(vals), max(vals)
            out.append((pcblib.entry_name(name), key,
                        (hi - lo) / lo if lo > 0 else 0.0,
                        float(stats.median(vals))))
    return out


def paired_group(key):
    if key.endswith("_over_off"):
        return "each strategy over off"
    if "_twin_over_" in key or "_clone_over_" in key:
        return "A/A (control over its original)"
    return "strategy over strategy"


def paired_table(rows, within, nruns):
    if not rows:
        return ""
    lines = [f"{'paired entry':52s} {'ratio':26s} {'median':>8s} "
             f"{'spread':>8s}"]
    for name, key, spread, med in rows:
        lines.append(f"{name:52s} {key:26s} {med:8.4f} {spread:8.2%}")
    for group in ("strategy over strategy", "A/A (control over its original)",
                  "each strategy over off"):
        sel = [r for r in rows if paired_group(r[1]) == group]
        if sel:
            ok = sum(1 for r in sel if r[2] <= within)
            lines.append(f"check-stability: paired, {group}: {ok} of "
                         f"{len(sel)} ratios within {within:.0%} over {nruns} "
                         f"runs (largest spread {max(r[2] for r in sel):.2%})")
    return "\n".join(lines) + "\n"


def table(rows, within, nruns):
    lines = [f"{'entry':64s} {'median ns':>11s} {'spread':>8s} "
             f"{'max cv':>7s}  reason (beyond {within:.0%})"]
    for name, spread, cv, med in rows:
        why = reason(name, med) if spread > within else ""
        lines.append(f"{name:64s} {med:11.1f} {spread:8.2%} {cv:7.2%}  {why}")
    ok = sum(1 for r in rows if r[1] <= within)
    lines.append(f"check-stability: {ok} of {len(rows)} entries have "
                 f"medians within {within:.0%} over {nruns} runs")
    return "\n".join(lines) + "\n"


def parse_args(argv):
    p = pcblib.Parser(
        prog="check-stability", description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    pcblib.add_pcbench_bin(p)
    p.add_argument("--runs", type=pcblib.int_arg(2, 20), default=3,
                   help="how many runs (default 3)")
    p.add_argument("--repetitions", type=pcblib.int_arg(1, 100), default=5,
                   help="repetitions per run (default 5)")
    p.add_argument("--min-time", default="0.05", metavar="SEC",
                   type=pcblib.min_time_arg,
                   help="seconds per repetition (default 0.05)")
    p.add_argument("--within", type=pcblib.rel_arg, default=0.03,
                   metavar="REL", help="spread counted as stable "
                   "(default 3%%)")
    p.add_argument("--json", metavar="FILE",
                   help="also write {entry: {spread, max_cv, median_ns}}")
    p.add_argument("--from", dest="files", nargs="+", metavar="RESULTS",
                   help="use these results files instead of running")
    args, rest = p.parse_known_args(argv)
    pcblib.pcbench_passthrough(p, rest)
    if args.json is not None:
        pcblib.check_output(args.json)
    if not args.files:
        pcblib.check_pcbench_args(args.bin, rest)
    return args, rest


def run_all(args, rest, tmp):
    paths = []
    for i in range(args.runs):
        out = os.path.join(tmp, f"run{i}.json")
        cmd = [args.bin, "--quick", f"--repetitions={args.repetitions}",
               f"--min-time={args.min_time}", "--interleave", "--paired",
               "--out=" + out] + rest
        print(f"check-stability: run {i + 1} of {args.runs}: "
              + " ".join(cmd), file=sys.stderr, flush=True)
        if subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode != 0:
            raise RuntimeError(f"run {i + 1} failed")
        paths.append(out)
    return paths


def main():
    args, rest = parse_args(sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="pcbench-stability-") as tmp:
        if args.files:
            paths = args.files
        else:
            try:
                paths = run_all(args, rest, tmp)
            except (RuntimeError, OSError) as e:
                print(f"check-stability: {e}; nothing written",
                      file=sys.stderr)
                return 1
        results = [pcblib.load_results(p, counters=True) for p in paths]
        if len(results) < 2:
            raise pcblib.BadInput("need at least 2 results files to compare")
        rows = spreads(results)
        prows = paired_spreads(results)
    sys.stdout.write(table(rows, args.within, len(results)))
    sys.stdout.write(paired_table(prows, args.within, len(results)))
    if args.json is not None:
        pcblib.write_atomic(args.json, json.dumps(
            {n: {"spread": s, "max_cv": c, "median_ns": m,
                 "reason": reason(n, m) if s > args.within else None}
             for n, s, c, m in rows} | {
                 f"{n}:{k}": {"spread": s, "median": m}
                 for n, k, s, m in prows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(pcblib.run("check-stability", main))
