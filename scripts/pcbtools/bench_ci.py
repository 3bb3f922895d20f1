#!/usr/bin/python3
"""bench-ci: the CI run -- exact instruction counts plus a short timed run,
in one results file.

Two passes of pcbench over the same matrix (the quick one by default):

1. counted: `pcbench --instructions=N` under `valgrind --tool=callgrind`.
   Each matrix entry runs N iterations (rounded up to Google Benchmark's
   batches of 64) at rate 1 (every operation records an event); callgrind's counters are zeroed before the entry's
   run and dumped, under the entry's name, after it.  The dump holds every
   instruction every thread executed in the run: the workload's own work
   plus the event path.  Divided by the events recorded, that is
       instructions = instructions per event
   The process runs with LD_BIND_NOW=1, so no run pays for resolving a
   library symbol, and callgrind's scheduler is deterministic for one
   thread: the counts repeat to the instruction.  The counted pass runs
   every workload of pcbench's table (unless --workloads is given),
   each entry's count taken on its measuring thread alone.
   Then the cold entries (`.../cache:cold`, of the workloads whose kind in
   the results' context, workload_kinds, says they have cold loops):
   `--cache=cold --instructions=C` (--cold-iterations),
   a second callgrind run over the same points.  Before each counted event
   the thread walks a working set of twice the simulated last level
   (callgrind.COLD_WORKING_SET, 16 MiB, whatever the host's caches), so
   the event meets caches the walk has emptied.  The walk runs outside the
   event sites: callgrind simulates its accesses but counts none of them,
   and the cold figures are the event's own, as exact as the warm ones.
   A walk costs about 30 ms under callgrind, so the cold pass counts fewer
   events (default 16) than the warm one; the per-event figures of a cold
   event do not depend on how many follow it.  Its rows (counted only:
   their times are the counted pass's, not timings) join the results.
2. timed: `pcbench --repetitions=R --min-time=T`, Google Benchmark's
   medians and spreads, the figures a person reads.

The timed results file is written with the counts added to every
repetition row of the matching entry, and the counted pass's settings in
its context.  Output:
results/runs/<UTC time>-<commit>-ci-<random>/results.json
(through a temporary and a rename) and results/latest pointing at its
folder, as `make bench` does; or --out FILE.

Any other arguments go to both passes of pcbench (for example
--strategies=thread,lazy or --depths=128).  Exit 0, 1 if a pass failed,
2 on bad usage or when a pass wrote results that fail the checks every
script makes (pcblib.load_doc; one line on stderr, nothing written).
"""
import argparse
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

from pcbtools import callgrind
from pcbtools import pcblib
from pcbtools.results import kinds

ROOT = pcblib.ROOT
SUFFIXES = ("/real_time", "/manual_time")


def parse_args(argv):
    p = pcblib.Parser(
        prog="bench-ci", description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    pcblib.add_pcbench_bin(p)
    p.add_argument("--out", metavar="FILE",
                   help="write here instead of results/runs/... + latest")
    p.add_argument("--iterations", type=pcblib.int_arg(100, 1000000),
                   default=2000, metavar="N",
                   help="iterations per entry in the counted pass "
                   "(default 2000)")
    p.add_argument("--cold-iterations", type=pcblib.int_arg(0, 100000),
                   default=16, metavar="C",
                   help="events per cold entry in the counted pass, each "
                   "after a walk of the working set (default 16; 0: no "
                   "cold entries)")
    p.add_argument("--repetitions", type=pcblib.int_arg(1, 1000), default=9,
                   metavar="R", help="timed pass repetitions (default 9, the "
                   "fewest compare's U test gates on)")
    p.add_argument("--min-time", default="0.02", metavar="SEC",
                   type=pcblib.min_time_arg,
                   help="timed pass seconds per repetition (default 0.02)")
    p.add_argument("--no-timed", action="store_true",
                   help="the counted pass only (its rows carry the counts)")
    p.add_argument("--baseline", metavar="FILE",
                   help="gate: compare the exact figures with FILE's "
                   "(scripts/compare --figures exact): exit 1 on any change "
                   "beyond --threshold")
    p.add_argument("--threshold", action="append", default=[],
                   metavar="FIG=REL", help="with --baseline: a figure's "
                   "tolerance, as compare takes it (repeatable)")
    args, rest = p.parse_known_args(argv)
    pcblib.pcbench_passthrough(p, rest)
    if any(a.startswith("--cache") for a in rest):
        p.error("--cache: bench-ci counts warm entries, then cold ones "
                "(--cold-iterations; 0 for warm only)")
    if shutil.which("valgrind") is None:
        raise pcblib.BadInput("valgrind not found; scripts/install-deps "
                              "installs it")
    if args.out is not None:
        pcblib.check_output(args.out)
    if args.baseline:
        pcblib.load_results(args.baseline)  # unreadable: exit 2 now
    pcblib.check_pcbench_args(args.bin, rest)
    return args, rest


def read_dumps(pattern, binary, sites):
    """{entry name: per-event figures} from callgrind's client-request
    dumps of the measuring thread (thread 1), whose event sites are
    `sites` (function names); BadInput for a dump that is
    truncated, unreadable or written by another binary, or whose parts do
    not sum to its total within callgrind.SUM_TOLERANCE."""
    figures = {}
    for path in sorted(glob.glob(pattern)):
        try:
            d = callgrind.read_dump(path)
            callgrind.check_binary(d, binary, path)
        except callgrind.BadCallgrind as e:
            raise pcblib.BadInput(str(e)) from None
        name = callgrind.entry_of(d)
        a = callgrind.anatomy(d, sites)
        if name is None or a is None:
            continue
        miss = callgrind.check_sum(a)
        if miss > callgrind.SUM_TOLERANCE:
            raise pcblib.BadInput(f"{path}: the parts of '{name}' miss its "
                                  f"total by {miss:.1%}")
        figures[name] = callgrind.per_event(a, d.events)
    return figures


def run(cmd, env=None, cwd=None, name=None):
    print("bench-ci: " + " ".join([name or cmd[0]] + cmd[1:]),
          file=sys.stderr, flush=True)
    r = subprocess.run(cmd, env=env, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited with status {r.returncode}")


def workloads_of(rest):
    """The workloads the pcbench arguments select, or None (bench-ci's
    default: every workload of pcbench's table)."""
    for a in rest:
        if a.startswith("--workloads="):
            return a.split("=", 1)[1].split(",")
    return None


def cold_args(rest, selected, context):
    """The cold pass's pcbench arguments, or None when no selected workload
    has cold loops (its kind in context says so): --workloads narrowed to
    them, and the fixed working set unless one is given (tests give a tiny
    one, which evicts nothing)."""
    kind = kinds.workloads(context)
    wls = [w for w in selected if w in kind and kind[w].cold]
    if not wls:
        return None
    out = [a for a in rest if not a.startswith("--workloads=")]
    if not any(a.startswith("--working-set") for a in rest):
        out.append(f"--working-set={callgrind.COLD_WORKING_SET}")
    return out + ["--cache=cold", "--workloads=" + ",".join(wls)]


def probe(args, tmp, rest):
    """The context of the counted pass's pcbench, from one iteration of
    each entry run natively, unfiltered: its tables' kinds (every
    workload, and their event sites, which callgrind must be told before
    it starts)."""
    out = os.path.join(tmp, "probe.json")
    argv = [a for a in rest if not a.startswith("--benchmark_filter")]
    r = subprocess.run([args.bin, "--quick", "--instructions=1",
                        "--check-events=1", "--spin-ns=0", "--out=" + out]
                       + argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{args.bin} (probe) exited with status "
                           f"{r.returncode}: {r.stderr.strip()[-300:]}")
    return pcblib.load_doc(out)["context"]


def counted_pass(args, tmp, tag, iterations, argv, sites):
    """One callgrind run of pcbench's instruction mode, counting inside the
    event sites `sites`: (its results doc, {entry: per-event figures})."""
    out = f"counted-{tag}.json"
    cg = os.path.join(tmp, f"cg-{tag}.out")
    # The same environment, working folder and argument lengths for every
    # run, wherever the checkout is (the binary runs through a link in the
    # temporary folder): the stack below them shifts with their length, and
    # with it the alignment that memcmp's instruction count and the
    # simulated caches' sets (an address's low bits) depend on.  valgrind's,
    # Google Benchmark's and pcbench's own settings pass through.
    env = {k: v for k, v in os.environ.items()
           if k.startswith(("VALGRIND_", "BENCHMARK_", "PCB_"))}
    env.update(LD_BIND_NOW="1", PATH="/usr/bin:/bin", LC_ALL="C")
    binary = os.path.join(tmp, "pcbench")
    if not os.path.lexists(binary):
        os.symlink(os.path.realpath(args.bin), binary)
    toggles = ["--toggle-collect=" + f for f in sites]
    # The simulated caches have one fixed geometry (callgrind.CACHES), not
    # the host's: the miss counts are then the same on every machine.
    # valgrind's own messages (it warns about the host's caches) go to a
    # log beside the dumps, so that bench-ci's stderr stays its own.
    run([shutil.which("valgrind"), "--tool=callgrind", "-q", "--cache-sim=yes",
         "--separate-threads=yes"] + callgrind.CACHES + toggles +
        ["--log-file=" + os.path.join(tmp, f"valgrind-{tag}.log"),
         "--callgrind-out-file=" + cg,
         binary, "--quick",
         f"--instructions={iterations}", "--check-events=1", "--spin-ns=0",
         "--out=" + out] + argv, env, cwd=tmp, name="valgrind")
    figures = read_dumps(cg + ".*-01", args.bin, sites)
    # checked as every script checks results
    doc = pcblib.load_doc(os.path.join(tmp, out))
    workloads = kinds.workloads(doc["context"])
    for row in doc["benchmarks"]:
        if row.get("run_type") != "iteration":
            continue
        name = pcblib.entry_name(row["run_name"])
        if pcblib.parse_name(name).kind in workloads and \
                name not in figures:
            raise pcblib.BadInput(f"no callgrind dump for '{name}'")
    return doc, figures


def counted(args, rest, tmp):
    """The warm pass, then the cold one: (the warm pass's doc, the cold
    pass's iteration rows, {entry: per-event figures} of both)."""
    context = probe(args, tmp, rest)
    sites = kinds.sites(context)
    selected = workloads_of(rest)
    only = []
    if selected is None:
        selected = list(kinds.workloads(context))
        only = ["--workloads=" + ",".join(selected)]
    doc, figures = counted_pass(args, tmp, "warm", args.iterations,
                                only + rest, sites)
    cold = cold_args(rest, selected, doc["context"]) \
        if args.cold_iterations else None
    if cold is None:
        return doc, [], figures
    cdoc, cfig = counted_pass(args, tmp, "cold", args.cold_iterations, cold,
                              sites)
    figures.update(cfig)
    rows = [r for r in cdoc["benchmarks"] if r.get("run_type") == "iteration"
            and pcblib.entry_name(r["run_name"]) in cfig]
    return doc, rows, figures


def merge(doc, figures, args, counted_doc, cold_rows):
    doc["benchmarks"] += cold_rows
    for row in doc["benchmarks"]:
        if row.get("run_type") != "iteration":
            continue
        got = figures.get(pcblib.entry_name(row["run_name"]))
        if got is not None:
            for k, v in got.items():
                row[k] = round(v, 3)
    ctx = doc["context"]
    ctx["instruction_mode"] = counted_doc["context"].get("instruction_mode")
    ctx["instruction_counter"] = (
        "callgrind --cache-sim=yes collecting only in the event sites, "
        "LD_BIND_NOW=1: the measuring thread's probe events, per record "
        "call")
    ctx["est_cycles_formula"] = (
        f"Ir + {callgrind.CYCLE_L1}*(I1mr+D1mr+D1mw) + "
        f"{callgrind.CYCLE_LL}*(ILmr+DLmr+DLmw)")
    if cold_rows:
        ctx["cold_counted"] = (
            f"the /cache:cold entries: counted only, {args.cold_iterations} "
            "events each, every one after a walk of the working set "
            "(--working-set, default twice the simulated LL), which "
            "callgrind simulates but does not count; their times are the "
            "counted pass's, not timings")
    return doc


def destination(args):
    if args.out is not None:
        return args.out, None
    stamp = datetime.datetime.now(datetime.timezone.utc)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12",
                             "HEAD"], capture_output=True, text=True)
    name = stamp.strftime("%Y%m%dT%H%M%SZ") + "-" + \
        (commit.stdout.strip() or "nogit") + "-ci-"
    runs = os.path.join(ROOT, "results", "runs")
    os.makedirs(runs, exist_ok=True)
    # a folder of its own even when runs start in the same second
    d = tempfile.mkdtemp(prefix=name, dir=runs)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(d, 0o777 & ~mask)
    return os.path.join(d, "results.json"), "runs/" + os.path.basename(d)


def point_latest(rel):
    """results/latest -> rel, atomically: a symlink under a unique name,
    renamed over it (concurrent runs never share a staging name)."""
    results = os.path.join(ROOT, "results")
    for _ in range(100):
        tmp = os.path.join(results, f".latest.{os.getpid()}."
                           + os.urandom(4).hex())
        try:
            os.symlink(rel, tmp)
            break
        except FileExistsError:
            continue
    try:
        os.replace(tmp, os.path.join(results, "latest"))
    except OSError:
        os.unlink(tmp)
        raise


def main():
    args, rest = parse_args(sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="pcbench-ci-") as tmp:
        try:
            counted_doc, cold_rows, figures = counted(args, rest, tmp)
            if args.no_timed:
                doc = counted_doc
            else:
                timed = os.path.join(tmp, "timed.json")
                run([args.bin, "--quick", f"--repetitions={args.repetitions}",
                     f"--min-time={args.min_time}", "--out=" + timed] + rest)
                doc = pcblib.load_doc(timed)
        except pcblib.BadInput:
            raise
        except (RuntimeError, OSError, ValueError) as e:
            print(f"bench-ci: {e}; no results written", file=sys.stderr)
            return 1
        doc = merge(doc, figures, args, counted_doc, cold_rows)
        path, rel = destination(args)
        pcblib.write_atomic(path, json.dumps(doc, indent=2) + "\n")
    if rel:
        point_latest(rel)
    print(f"{'entry':61s} {'instr/event':>11s} {'est_cycles':>10s} "
          f"{'D1 miss':>8s} {'LL miss':>8s}  "
          + " ".join(f"{p:>8s}" for p in callgrind.PARTS))
    for name, v in sorted(figures.items()):
        print(f"{name:61s} {v['instructions']:11.1f} {v['est_cycles']:10.1f} "
              f"{v['d1_misses']:8.3f} {v['ll_misses']:8.3f}  "
              + " ".join(f"{v['ir_' + p]:8.1f}" for p in callgrind.PARTS))
    print(f"bench-ci: results written to {path}", file=sys.stderr)
    if args.baseline:
        return gate(args, path)
    return 0


def gate(args, path):
    """scripts/compare on the exact figures: 0, or 1 on a regression."""
    cmd = [os.path.join(ROOT, "scripts", "compare"),
           "--figures", "exact", "--allow-missing"]
    for t in args.threshold:
        cmd += ["--threshold", t]
    r = subprocess.run(cmd + [args.baseline, path])
    return 1 if r.returncode == 1 else r.returncode


if __name__ == "__main__":
    sys.exit(pcblib.run("bench-ci", main))
