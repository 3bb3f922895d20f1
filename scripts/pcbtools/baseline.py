#!/usr/bin/python3
"""baseline: a new results/baseline.json, the reference the workflow's gate
(docs/ci-workflow.yml) compares every run with, made the way that gate's
run is made: `make baseline` (docs/ci.md, "The baseline").

1. Refuses, exit 2 and one line, a tree with uncommitted changes to
   tracked files: a baseline names one commit, and a -dirty build names
   none (git status --untracked-files=no; untracked files, results/runs
   among them, do not count).
2. Runs scripts/bench-ci (the callgrind counts, then the quick timed run)
   with --bin and any further options, into a temporary file.
3. Refuses the result unless its git_commit is the commit checked out,
   without -dirty: the binary was built from this tree (make baseline
   builds first).
4. Adds context.baseline: how it was made, the commit, and the 1-minute
   load average per CPU at the start and the end; writes --out (default
   results/baseline.json) through a temporary and a rename.

A warning line (stderr, and in context.baseline) says when the load
exceeded 0.5 per CPU at the start or the end.  Exact figures (the
callgrind counts, stack and heap bytes, correct) do not depend on the
load and are what the workflow always gates on; the baseline's timings
do, and the workflow gates timings only by the alternating comparison of
two builds (compare --alternate --paired), which never reads them, or,
with PCB_GATE_TIMING=1, on a dedicated quiet runner whose baseline was
made there.

Exit 0 written, 1 if bench-ci failed, 2 on bad input (nothing written).
Then commit it: git add results/baseline.json && git commit.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from pcbtools import pcblib

ROOT = pcblib.ROOT
LOAD_PER_CPU = 0.5


def parse_args(argv):
    p = pcblib.Parser(
        prog="baseline", description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    pcblib.add_pcbench_bin(p)
    p.add_argument("--out", default=os.path.join(ROOT, "results",
                                                 "baseline.json"),
                   help="where to write (default results/baseline.json)")
    args, rest = p.parse_known_args(argv)
    pcblib.pcbench_passthrough(p, rest)
    return args, rest


def git(*args):
    r = subprocess.run(["git", "-C", ROOT] + list(args),
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise pcblib.BadInput(f"git {' '.join(args)}: "
                              f"{(r.stderr.strip() or 'failed')[:200]}; "
                              "expected a git checkout")
    return r.stdout


def load():
    """(1-minute load average, CPUs, load per CPU)."""
    with open("/proc/loadavg") as f:
        one = float(f.read().split()[0])
    cpus = os.cpu_count() or 1
    return one, cpus, one / cpus


def load_note(when):
    one, cpus, per = load()
    note = f"load {one:.2f} at the {when} on {cpus} CPUs ({per:.2f} per CPU)"
    if per > LOAD_PER_CPU:
        print(f"baseline: warning: {note}, more than {LOAD_PER_CPU} per "
              "CPU: the baseline's timings are noisy (its exact figures "
              "are not)", file=sys.stderr)
    return note, per


def main():
    args, rest = parse_args(sys.argv[1:])
    pcblib.check_output(args.out)
    dirty = git("status", "--porcelain", "--untracked-files=no")
    if dirty.strip():
        raise pcblib.BadInput(
            "the tree has uncommitted changes ("
            + dirty.split("\n")[0].strip() + ", ...); allowed: a clean "
            "checkout, so that the baseline names one commit")
    head = git("rev-parse", "HEAD").strip()
    start, per_start = load_note("start")
    with tempfile.TemporaryDirectory(prefix="pcbench-baseline-") as tmp:
        out = os.path.join(tmp, "results.json")
        r = subprocess.run([os.path.join(ROOT, "scripts", "bench-ci"),
                            "--bin", args.bin, "--out", out] + rest)
        if r.returncode != 0:
            print(f"baseline: bench-ci exited {r.returncode}; nothing "
                  "written", file=sys.stderr)
            return 1 if r.returncode == 1 else 2
        doc = pcblib.load_doc(out)
    commit = str(doc["context"].get("git_commit", ""))
    if not commit or commit.endswith("-dirty") or \
            not head.startswith(commit):
        raise pcblib.BadInput(
            f"{args.bin} was built from '{commit}', not from the commit "
            f"checked out ({head[:12]}); build first (make baseline does)")
    end, per_end = load_note("end")
    doc["context"]["baseline"] = (
        f"made by scripts/baseline (make baseline) from commit {head[:12]}, "
        f"a clean tree; {start}, {end}"
        + ("; above 0.5 per CPU: timings noisy, exact figures not"
           if max(per_start, per_end) > LOAD_PER_CPU else ""))
    pcblib.write_atomic(args.out, json.dumps(doc, indent=2) + "\n")
    print(f"baseline: written to {args.out} from {head[:12]}; commit it: "
          f"git add {os.path.relpath(args.out, ROOT)} && git commit",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(pcblib.run("baseline", main))
