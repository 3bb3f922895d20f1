#!/usr/bin/python3
"""paired-runs: the paired entries from several processes, one answer.

    paired-runs [--bin PCBENCH] [--processes P] [--rounds R]
                [--cold-rounds C] [--round-time SEC] [--keep DIR]
                (--into RESULTS | --out FILE) [pcbench options]

Why.  Within one process the paired rounds are precise, and each round
runs on a copy of the event path drawn from several code layouts (docs/
design.md, "Layouts"), but something stays fixed for a whole process --
the physical pages behind its stacks and tables, the host's state while
it runs -- and moves a strategy ratio from one process to the next by
more than one process's interval (six processes of one binary read
thread/stack at depth 32 from 0.994 to 1.010, each to within +-0.2%).
A process is one draw of that; so this runs P short processes, each
`pcbench --paired` over the paired entries alone with R/P rounds (C/P at
a cold point; a warm one goes on until its rounds took SEC, see below)
and a seed of its own, and pools them as a two-level
design (Kalibera & Jones, ISMM 2013) whose levels are crossed
(pcbtools/pooling.py):

  point     a random-effects mean over processes of each process's
            across-layout mean, weighted by 1 / (its own variance + the
            variance between processes): a process disturbed while it
            ran (a wide interval of its own) counts less;
  interval  Student-t, its squared standard error the processes' weighted
            spread about the point (Hartung-Knapp) plus the layouts'
            variance (each process's `_layout_sd`, pooled) over the
            number of layouts -- every process runs the same layouts, so
            the spread between processes does not contain theirs -- with
            Welch-Satterthwaite degrees of freedom.

Each quantity `<q>` a process reports with `_lo`, `_hi` and `_layout_sd`
(`<a>_over_<b>`, `<a>_minus_<b>_ns`) becomes `<q>`, `<q>_lo`, `<q>_hi`,
`<q>_process_sd` (the processes' plain standard deviation) and
`<q>_layout_sd`; `<arm>_ns` the median over
processes; `rounds` the rounds of all processes; `processes` P.  The
context gains `paired_processes` and `paired_seeds` (the processes'
seeds: `pcbench --seed=S` replays one).  No script names a strategy: the
quantities are whatever the entries carry.

--round-time SEC (pcbench's option, given to each process): a warm
entry runs at least R/P rounds, then more until its rounds took SEC, up
to 8 times R/P.  A process's precision at a warm point is limited by its
own rounds (84 of them, 9 per code layout, left thread/stack at depth
128 spread 0.6% over six runs of 24 processes; 333 left it 0.1%), and a
round of a single-threaded point costs a tenth of a two-threaded one's:
a time budget gives the cheap points their rounds at no cost to the
dear ones.

--keep DIR keeps each process's own results file there (DIR/p<i>.json,
DIR made if missing, never an existing file replaced): the evidence
behind the summary, and what a failed process wrote.

--into RESULTS adds the entries to a results file (its paired entries, if
any, replaced; through a temporary and a rename), --out FILE writes a
results file of the paired entries alone; either is checked first as
pcbench's --out is (a regular file or a new name, never a device, a FIFO,
a directory or a symbolic link).  A capture whose interval over
`off` lies below 1 is named on stderr, as pcbench does.

Exit status: 0, 1 when a pcbench process failed (nothing written but
what --keep keeps), 2 on bad usage.
"""
import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile

from pcbtools import pcblib
from pcbtools import pooling
from pcbtools import stats

FILTER = "--benchmark_filter=^paired/"
ALPHA = 0.05
ROUND_TIME = 1.0


def parse(argv):
    p = pcblib.Parser(prog="paired-runs", description=__doc__,
                              formatter_class=argparse.RawTextHelpFormatter)
    pcblib.add_pcbench_bin(p)
    p.add_argument("--processes", type=pcblib.int_arg(2, 100), default=24,
                   help="pcbench processes (2..100; default 24)")
    p.add_argument("--rounds", type=pcblib.int_arg(20, 1000000),
                   default=2000, help="rounds of a warm entry, all processes "
                   "together (default 2000)")
    p.add_argument("--cold-rounds", type=pcblib.int_arg(20, 1000000),
                   default=2000, help="rounds of a cold entry, all processes "
                   "together (default 2000)")
    p.add_argument("--round-time", type=pcblib.number_arg(0, 600),
                   default=ROUND_TIME, metavar="SEC",
                   help="a warm entry's rounds in each process go on past "
                   "R/P until they took SEC, up to 8 times R/P (0..600; 0 "
                   f"= exactly R/P; default {ROUND_TIME})")
    p.add_argument("--keep", metavar="DIR",
                   help="keep each process's results file in DIR")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--into", metavar="RESULTS",
                     help="add the entries to this results file")
    out.add_argument("--out", metavar="FILE",
                     help="write a results file of the paired entries")
    args, rest = p.parse_known_args(argv)
    pcblib.pcbench_passthrough(p, rest)
    for a in rest:
        if a.split("=")[0] in ("--paired", "--rounds", "--cold-rounds",
                               "--round-time", "--seed",
                               "--benchmark_filter"):
            p.error(f"'{a}': paired-runs sets it; allowed: other pcbench "
                    "options")
    return args, rest


def per_process(args):
    """(warm rounds, cold rounds) of each process: at least pcbench's 20."""
    return (max(20, math.ceil(args.rounds / args.processes)),
            max(20, math.ceil(args.cold_rounds / args.processes)))


def keep_dir(args):
    """--keep's folder, made if missing; exit 2 if it cannot be, or if
    a file it would hold exists already (nothing is replaced)."""
    if args.keep is None:
        return None
    try:
        os.makedirs(args.keep, exist_ok=True)
    except OSError as e:
        raise pcblib.BadInput(f"--keep: '{args.keep}': {e.strerror}; "
                              "allowed: a folder that can be made")
    for i in range(args.processes):
        f = os.path.join(args.keep, f"p{i}.json")
        if os.path.lexists(f):
            raise pcblib.BadInput(f"--keep: '{f}' exists; allowed: a folder "
                                  "without p<i>.json files (none replaced)")
    return args.keep


def run_processes(args, rest, tmp):
    """Each process's results doc, and the seeds."""
    warm, cold = per_process(args)
    tmp = args.keep or tmp
    seeds = [random.SystemRandom().randint(1, 999999999999999)
             for _ in range(args.processes)]
    docs = []
    for i, seed in enumerate(seeds):
        out = os.path.join(tmp, f"p{i}.json")
        sys.stderr.write(f"paired-runs: process {i + 1} of {args.processes} "
                         f"(seed {seed}, {warm} rounds or more, {cold} cold)\n")
        r = subprocess.run([args.bin, "--paired", FILTER, f"--rounds={warm}",
                            f"--cold-rounds={cold}", f"--seed={seed}",
                            f"--round-time={args.round_time}",
                            "--out=" + out] + rest,
                           stdout=subprocess.DEVNULL)
        if r.returncode != 0:
            kept = (f"; what it wrote is in {out}" if args.keep
                    and os.path.exists(out) else "")
            sys.stderr.write(f"paired-runs: pcbench process {i + 1} exited "
                             f"{r.returncode}; no summary written{kept}\n")
            return None, seeds
        docs.append(pcblib.load_doc(out))
    return docs, seeds


def entries(doc):
    """{entry name: row} of a doc's paired iteration rows."""
    return {pcblib.entry_name(r["run_name"]): r for r in doc["benchmarks"]
            if r.get("run_type") == "iteration"
            and r["name"].startswith("paired/")}


def merge(rows):
    """One row from each process's row of an entry."""
    out = dict(rows[0])
    figs = [r for r in rows]
    keys = [k for k in rows[0] if k + "_layout_sd" in rows[0]
            and k + "_lo" in rows[0] and k + "_hi" in rows[0]]
    for k in list(out):  # per-process figures have no merged meaning
        if k.endswith(("_rounds", "_rounds_lo", "_rounds_hi")):
            del out[k]
    layouts = int(rows[0].get("layouts", 1))
    for k in keys:
        xs = [r[k] for r in figs]
        ses = [pooling.process_se(r[k + "_lo"], r[k + "_hi"], layouts, ALPHA)
               for r in figs]
        m, lo, hi, sl = pooling.pool(xs, ses,
                                     [r[k + "_layout_sd"] for r in figs],
                                     layouts, ALPHA)
        out.update({k: m, k + "_lo": lo, k + "_hi": hi,
                    k + "_process_sd": statistics.stdev(xs),
                    k + "_layout_sd": sl})
    for k in rows[0]:
        if k.endswith("_ns") and k not in keys and "_minus_" not in k:
            out[k] = stats.median(r[k] for r in figs)
    out["rounds"] = sum(r["rounds"] for r in figs)
    out["iterations"] = sum(r["iterations"] for r in figs)
    out["processes"] = len(figs)
    for t in ("real_time", "cpu_time"):
        out[t] = statistics.fmean(r[t] for r in figs)
    return out


def unphysical(row):
    """'arm over off m [lo, hi]' for each capture faster than none."""
    return [f"{k[:-len('_over_off')]} over off {row[k]:.4f} "
            f"[{row[k + '_lo']:.4f}, {row[k + '_hi']:.4f}]"
            for k in row if k.endswith("_over_off") and k + "_hi" in row
            and row[k + "_hi"] < 1 and not k.startswith("off")]


def summarise(docs, seeds):
    """The merged paired rows, and the context additions."""
    per = [entries(d) for d in docs]
    names = [n for n in per[0] if all(n in p for p in per)]
    rows = []
    for n in names:
        row = merge([p[n] for p in per])
        for why in unphysical(row):
            sys.stderr.write(f"paired-runs: {n}: warning: {why}: below 1 is "
                             "not physical (noise or a bug; look before "
                             "quoting it)\n")
        rows.append(row)
    ctx = {"paired_processes": str(len(docs)),
           "paired_seeds": ",".join(str(s) for s in seeds)}
    for k in ("layouts", "seed"):
        if k in docs[0]["context"]:
            ctx["paired_" + k] = docs[0]["context"][k]
    return rows, ctx


def write(args, rows, ctx, first):
    if args.into is not None:
        doc = pcblib.load_doc(args.into)
        doc["benchmarks"] = [r for r in doc["benchmarks"]
                             if not r["name"].startswith("paired/")] + rows
        doc["context"].update(ctx)
        path = args.into
    else:
        doc = {"context": dict(first["context"], **ctx), "benchmarks": rows}
        path = args.out
    pcblib.write_atomic(path, json.dumps(doc, indent=2) + "\n")
    sys.stderr.write(f"paired-runs: {len(rows)} paired entries from "
                     f"{len(seeds_of(ctx))} processes written to {path}\n")


def seeds_of(ctx):
    return ctx["paired_seeds"].split(",")


def main():
    args, rest = parse(sys.argv[1:])
    # before any run: an output pcbench's --out would refuse, or an
    # unreadable file to add to, exits 2
    pcblib.check_output(args.into if args.into is not None else args.out)
    if args.into is not None:
        pcblib.load_doc(args.into)
    pcblib.check_pcbench_args(args.bin, ["--paired", FILTER] + rest)
    keep_dir(args)
    with tempfile.TemporaryDirectory(prefix="pcb-paired-") as tmp:
        docs, seeds = run_processes(args, rest, tmp)
        if docs is None:
            return 1
        rows, ctx = summarise(docs, seeds)
        if not rows:
            raise pcblib.BadInput("the processes share no paired entry; "
                                  "expected pcbench options that make some")
        write(args, rows, ctx, docs[0])
    return 0


if __name__ == "__main__":
    sys.exit(pcblib.run("paired-runs", main))
