"""compare --alternate: old build against new build, timed in alternation.

    compare --alternate OLD_BIN NEW_BIN [--rounds N] [pcbench options]

Each round runs both binaries once, in a fresh random order, as short
pcbench processes over the same entries (`--repetitions=R --min-time=T
--out=<temporary>` plus the pcbench options given), and forms NEW/OLD of
every entry's real time per iteration: in each process, the median of its
R short repetitions, so that a preemption during one of them (another
process on the measuring thread's PU) moves one repetition, not the
process's figure.  Drift slower than a round (another
tenant, frequency, the host) hits both runs of a round alike and divides
out of its ratio; every round is a new pair of processes, so the layout
each process draws at start (ASLR, heap and stack offsets) is drawn anew
each round and averages out instead of biasing one side (randomized
multiple interleaved trials, Abedi & Brecht, ICPE 2017).

Decision, per entry, from its per-round ratios (not a sign test): the
median ratio and its distribution-free order-statistic interval -- the
confidence interval [r(k), r(n+1-k)] of the n sorted ratios, k the
smallest j with P(B <= j) > a/2 for B ~ Binomial(n, 1/2), the rule of
pcbench's core/paired.c.  a is --alpha (default 0.05) divided by the number of
entries m (Bonferroni), so that a gate over the whole matrix calls an
unchanged build a regression with probability at most --alpha, not
about m x 2.5%: one entry alone gets the 95% interval (20 rounds: ranks
6..15, 95.9%); 110 entries get 99.95% intervals (20 rounds: ranks 3..18),
and need at least 13 rounds (a run with too few rounds for its m is
refused before it starts).
  regression:  the whole interval above 1 AND the median ratio above
               1 + --min-change (significant and large enough);
  improvement: the whole interval below 1 AND the median below
               1 - --min-change;
  otherwise "same" ("same (below --min-change)" when the interval excludes
  1 but the shift is smaller than --min-change: real, but tolerated).
The sign test's two-sided p-value is shown beside it for information.
Last, the smallest change each row would flag 80% of the time, from its
own rounds resampled (scripts/pcbtools/compare/power.py), per workload:
run on a build against itself, it is what the gate can see.

With --paired, each short run is pcbench --paired over the paired entries
alone, and each strategy is judged by its time over every other capturing
strategy timed beside it in the same rounds, which divides out the host's
state (see scripts/compare_paired.py and docs/ci.md); the absolute
ratio is printed beside it.
The difference NEW-OLD in ns per iteration is given the same way.

Refused before anything runs, with one line on stderr and exit status 2:
a missing or non-executable binary, options either binary refuses, or two
binaries whose entry lists (`BIN --benchmark_list_tests=true OPTIONS`)
differ.  A pcbench run that fails later also exits 2 with one line.
Progress (round k of N, ETA) goes to stderr, the table to stdout; --json
and --markdown files are written only at the end, whole or not at all.
Exit status: 0 no regression, 1 at least one regression or (with
--paired) an ambiguous improvement, 2 bad input.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

from pcbtools import pcblib, stats, tables
from pcbtools.compare import paired as compare_paired
from pcbtools.compare import power
from pcbtools.stats import median_ci, min_rounds, sign_p

MIN_ROUNDS = 6  # fewer give no 95% interval of the median at all
REFUSED = ("--repetitions", "--benchmark_repetitions", "--benchmark_out",
           "--benchmark_format", "--benchmark_list_tests",
           "--benchmark_min_time", "--interleave")
RULE = ("median NEW/OLD ratio with order-statistic interval at 1 - "
        "alpha_per_entry; regression: interval above 1 and median above "
        "1 + min_change")
RULE_PAIRED = ("per strategy S and every other capturing strategy T, the "
               "median of (S/T new)/(S/T old) with its order-statistic "
               "interval at 1 - alpha_per_entry; regression: every interval "
               "above 1 and every median above 1 + min_change")
PAIRED_NOTE = ("Per strategy: how its time over each other capturing "
               "strategy timed beside it moved, NEW/OLD per round, median "
               "and order-statistic interval (at 1 - alpha/entries, "
               "Bonferroni); a regression needs every such interval above "
               "1. The absolute ratio is shown for changes that move every "
               "strategy alike, which the relative figure cannot see.")
COLUMNS = ("entry", "old ns", "new ns", "new/old", "interval",
           "diff ns", "sign p", "verdict")


def parse_args(argv):
    p = pcblib.Parser(
        prog="compare --alternate", allow_abbrev=False,
        usage="compare --alternate OLD_BIN NEW_BIN [--rounds N] "
        "[--paired [--paired-rounds N]] "
        "[--min-time S] [--min-change REL] [--seed N] [--json FILE] "
        "[--markdown FILE] [pcbench options]",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--alternate", nargs=2, required=True,
                   metavar=("OLD_BIN", "NEW_BIN"),
                   help="the reference build's pcbench, then the one "
                   "under test")
    p.add_argument("--rounds", type=pcblib.int_arg(MIN_ROUNDS, 100000),
                   default=20, help="rounds, each one run of both "
                   f"binaries (default 20; at least {MIN_ROUNDS}, and more "
                   "for many entries: see below)")
    p.add_argument("--min-time", type=pcblib.min_time_arg, default="0.01",
                   metavar="S", help="pcbench --min-time of each short run "
                   "(default 0.01 s)")
    p.add_argument("--repetitions", type=pcblib.int_arg(1, 99), default=5,
                   metavar="R", help="repetitions of each short run; its "
                   "figure is their median (default 5)")
    p.add_argument("--alpha", type=pcblib.alpha_arg, default=0.05,
                   help="family-wise significance over all entries "
                   "(default 0.05; each entry's interval is at 1 - "
                   "alpha/entries)")
    p.add_argument("--min-change", type=pcblib.rel_arg, default=0.01,
                   metavar="REL", help="smallest median change that counts, "
                   "as 1%% or 0.01 (default 1%%)")
    p.add_argument("--paired", action="store_true",
                   help="run the paired entries alone and judge each "
                   "strategy against the others timed beside it, so that "
                   "the host's state divides out (see below)")
    p.add_argument("--paired-rounds", type=pcblib.int_arg(20, 100000),
                   default=200, metavar="N",
                   help="with --paired: pcbench --rounds of each short "
                   "run (default 200)")
    p.add_argument("--seed", type=pcblib.int_arg(0, 2**63 - 1),
                   help="seed of the run order (default: drawn and shown)")
    p.add_argument("--json", metavar="FILE",
                   help="also write the verdicts, per-round ratios and "
                   "run order as JSON to FILE")
    p.add_argument("--markdown", metavar="FILE",
                   help="also write a Markdown summary to FILE")
    if "-h" in argv or "--help" in argv:
        p.print_help()
        sys.exit(0)
    args, rest = p.parse_known_args(argv)
    pcblib.pcbench_passthrough(p, rest)
    for a in rest:
        if a.split("=")[0] in REFUSED:
            p.error(f"'{a}': --alternate sets how each short run repeats "
                    "and writes; allowed: other pcbench options")
    if args.paired:
        for a in rest:
            if a.split("=")[0] in ("--paired", "--benchmark_filter",
                                   "--rounds"):
                p.error(f"'{a}': --alternate --paired sets it (--paired-"
                        "rounds N for pcbench's --rounds); allowed: other "
                        "pcbench options")
    args.pcbench = rest
    return args


def check_binary(path):
    if not os.path.isfile(path):
        raise pcblib.BadInput(f"{path}: no such file; expected a pcbench "
                              "binary")
    if not os.access(path, os.X_OK):
        raise pcblib.BadInput(f"{path}: not executable; expected a pcbench "
                              "binary")


def entries(binary, opts):
    """The entry list binary would run with opts; BadInput if it refuses."""
    try:
        r = subprocess.run([binary, *opts, "--benchmark_list_tests=true"],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise pcblib.BadInput(f"{binary}: cannot list entries ({e})") \
            from None
    if r.returncode != 0:
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        why = lines[-1] if lines else f"exit status {r.returncode}"
        raise pcblib.BadInput(f"{binary} refused the options: {why}")
    names = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
    if not names:
        raise pcblib.BadInput(f"{binary}: lists no entries for these "
                              "options; expected at least one")
    return names


def same_entries(old, new, names_old, names_new):
    if names_old == names_new:
        return
    missing = [(n, new) for n in names_old if n not in names_new] + \
        [(n, old) for n in names_new if n not in names_old]
    if not missing:
        raise pcblib.BadInput("the two binaries list the same entries in a "
                              "different order; expected the same list")
    name, where = missing[0]
    raise pcblib.BadInput(
        f"entry lists differ ({len(names_old)} vs {len(names_new)} entries): "
        f"'{name}' is missing from {where}; expected two builds of the same "
        "matrix")


def decide(ratio, lo, hi, min_change):
    return compare_paired.verdict([ratio], [lo], [hi], min_change)


def summarise(name, old, new, alpha, min_change):
    """One entry's row from its per-round times (ns) of both builds, with
    intervals at 1 - alpha."""
    pairs = [(o, w) for o, w in zip(old, new) if o > 0]
    row = dict(name=name, rounds=len(pairs),
               ratios=[w / o for o, w in pairs])
    if len(pairs) < min_rounds(alpha):
        row["verdict"] = "too few rounds with a time"
        return row
    ratio, lo, hi, cov = median_ci(row["ratios"], alpha)
    diffs = [w - o for o, w in pairs]
    dmed, dlo, dhi, _ = median_ci(diffs, alpha)
    row.update(old_ns=median_ci([o for o, _ in pairs], alpha)[0],
               new_ns=median_ci([w for _, w in pairs], alpha)[0],
               ratio=ratio, ratio_lo=lo, ratio_hi=hi, coverage=cov,
               diff_ns=dmed, diff_lo=dlo, diff_hi=dhi,
               sign_p=sign_p(sum(d > 0 for d in diffs),
                             sum(d < 0 for d in diffs)),
               verdict=decide(ratio, lo, hi, min_change))
    return row


def short_run_args(args):
    """The options of every short run but --out."""
    if args.paired:
        return [*compare_paired.run_args(args.paired_rounds), *args.pcbench]
    return [f"--repetitions={args.repetitions}",
            f"--min-time={args.min_time}", *args.pcbench]


def one_run(binary, args, out, k, label):
    """One short pcbench run: {entry: median real time in ns}; with
    --paired, the results themselves."""
    cmd = [binary, f"--out={out}", *short_run_args(args)]
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        why = lines[-1] if lines else f"exit status {r.returncode}"
        raise pcblib.BadInput(f"round {k}: {label} run of {binary} failed: "
                              f"{why}")
    res = pcblib.load_results(out, counters=args.paired)
    if args.paired:
        return res
    return {name: stats.median(figs["time"])
            for name, figs in res.runs.items()}


def fmt_duration(s):
    s = int(round(s))
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def _take(times, side, names, got, k, label, paired):
    """Add one short run's figures to times[side]; with --paired, times
    holds ({(entry, S, T): [..]}, {(entry, S): [..]}) per side."""
    runs = got.runs if paired else got
    lost = [n for n in names if n not in runs]
    if lost:
        raise pcblib.BadInput(
            f"round {k}: the {label} run wrote no '{lost[0]}' although it "
            "lists it; expected every listed entry")
    if not paired:
        for n in names:
            times[n][side].append(got[n])
        return
    figs = compare_paired.figures(got)
    keys = (sorted(figs[0]), sorted(figs[1]))
    if times[2] is None:
        times[2] = keys
    elif keys != times[2]:
        raise pcblib.BadInput(
            f"round {k}: the {label} run timed other strategies or ratios "
            "than the first run; expected both binaries to time the same "
            "strategies (the same --strategies)")
    for i, fig in enumerate(figs):
        for key, v in fig.items():
            times[side][i].setdefault(key, []).append(v)


def run_rounds(args, names):
    """Per entry, the per-round times of OLD and NEW: {name: ([..], [..])}
    (with --paired: per side, see _take), and which build ran first in
    each round ("old" or "new")."""
    old_bin, new_bin = args.alternate
    rng = random.Random(args.seed)
    times = ([({}, {}), ({}, {}), None] if args.paired
             else {n: ([], []) for n in names})
    first = []
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pcb-alternate-") as tmp:
        for k in range(1, args.rounds + 1):
            order = [(0, old_bin, "old"), (1, new_bin, "new")]
            rng.shuffle(order)
            first.append(order[0][2])
            for side, binary, label in order:
                got = one_run(binary, args, os.path.join(tmp, f"{label}.json"),
                              k, label)
                _take(times, side, names, got, k, label, args.paired)
            spent = time.monotonic() - start
            eta = spent / k * (args.rounds - k)
            sys.stderr.write(f"compare: round {k} of {args.rounds} done "
                             f"({fmt_duration(spent)}, ETA "
                             f"{fmt_duration(eta)})\n")
    return times, first


def paired_rows(times, names, alpha, min_change):
    (rel_old, ns_old), (rel_new, ns_new), _ = times
    rows = [(e, s) for e in names for (e2, s) in ns_old if e2 == e]
    return [compare_paired.summarise(e, s, rel_old, rel_new, ns_old, ns_new,
                                     median_ci, alpha, min_change,
                                     capturing=s != compare_paired.BASELINE)
            for e, s in rows]


def cells(row):
    if "ratio" not in row:
        return (row["name"], "-", "-", "-", "-", "-", "-", row["verdict"])
    return (row["name"], f"{row['old_ns']:.5g}", f"{row['new_ns']:.5g}",
            f"{row['ratio']:.4f}",
            f"[{row['ratio_lo']:.4f}, {row['ratio_hi']:.4f}]",
            f"{row['diff_ns']:+.3g} [{row['diff_lo']:+.3g}, "
            f"{row['diff_hi']:+.3g}]", f"{row['sign_p']:.2g}",
            row["verdict"])


def _layout(rows):
    """The columns and row cells: per entry, or per strategy (--paired)."""
    if rows and "strategy" in rows[0]:
        return compare_paired.COLUMNS, compare_paired.cells
    return COLUMNS, cells


def text_table(rows):
    columns, cells = _layout(rows)
    return tables.text(columns, [cells(r) for r in rows])


def md_table(rows):
    columns, cells = _layout(rows)
    return tables.md(columns, [cells(r) for r in rows])


def failed(row):
    """A row the gate does not pass: a regression, or an improvement that
    may be the rest regressing alike (compare_paired.AMBIGUOUS)."""
    return row["verdict"] in ("regression", compare_paired.AMBIGUOUS)


def summary_line(rows):
    n = {v: sum(r["verdict"] == v for r in rows)
         for v in ("regression", "improvement", compare_paired.AMBIGUOUS)}
    amb = n[compare_paired.AMBIGUOUS]
    return (f"compare --alternate: {n['regression']} regression(s), "
            f"{n['improvement']} improvement(s), "
            + (f"{amb} ambiguous, " if amb else "") +
            f"{len(rows) - sum(n.values())} other of {len(rows)} entries")


def markdown(rows, args, head):
    bad = [r for r in rows if failed(r)]
    out = ["## pcbench: new build vs old build, alternating runs", "",
           head, "", "**" + summary_line(rows) + "**", ""]
    if bad:
        out += ["### Regressions and ambiguous rows", "", md_table(bad)]
    out += ["<details><summary>All entries</summary>", "", md_table(rows),
            "</details>", "",
            (PAIRED_NOTE if args.paired else
             "Per entry: the median of the per-round NEW/OLD ratios with "
             "its order-statistic interval (at 1 - alpha/entries, "
             "Bonferroni); a regression needs the interval above 1 and the "
             f"median above 1 + {args.min_change:g}.") +
            " See `scripts/compare --alternate --help`.", ""]
    return "\n".join(out)


def main(argv):
    args = parse_args(argv)
    for path in (args.json, args.markdown):
        if path is not None:
            pcblib.check_output(path)
    for b in args.alternate:
        check_binary(b)
    old_bin, new_bin = args.alternate
    listing = short_run_args(args)
    names = entries(old_bin, listing)
    same_entries(old_bin, new_bin, names, entries(new_bin, listing))
    m = len(names) * (len(compare_paired.strategies(old_bin, args.pcbench))
                      if args.paired else 1)
    alpha = args.alpha / m
    if args.rounds < min_rounds(alpha):
        raise pcblib.BadInput(
            f"--rounds {args.rounds} gives no interval at family-wise alpha "
            f"{args.alpha:g} over {m} entries ({alpha:.3g} each); "
            f"allowed: --rounds {min_rounds(alpha)} or more, or a larger "
            "--alpha")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2 ** 63)
    sys.stderr.write(f"compare: {m} entries, {args.rounds} rounds "
                     f"of {old_bin} and {new_bin} (seed {args.seed})\n")
    try:
        times, first = run_rounds(args, names)
    except KeyboardInterrupt:
        sys.stderr.write("compare: interrupted; nothing written\n")
        return 130
    if args.paired:
        rows = paired_rows(times, names, alpha, args.min_change)
    else:
        rows = [summarise(n, *times[n], alpha, args.min_change)
                for n in names]
    head = (f"OLD `{old_bin}`, NEW `{new_bin}`: {args.rounds} rounds, "
            f"seed {args.seed}, pcbench options "
            f"`{' '.join(args.pcbench) or '(none)'}`")
    print(text_table(rows))
    print(f"intervals: order statistics at {100 * (1 - alpha):.4g}% each "
          f"(family-wise alpha {args.alpha:g} over {m} entries)")
    print(summary_line(rows))
    mdc = power.add(rows, alpha, args.min_change)
    print(power.summary(mdc, args.min_change))
    if args.json is not None:
        doc = dict(old=old_bin, new=new_bin, rounds=args.rounds,
                   seed=args.seed, first=first, alpha=args.alpha,
                   alpha_per_entry=alpha, min_change=args.min_change,
                   pcbench_options=args.pcbench, min_time=args.min_time,
                   repetitions=args.repetitions, paired=args.paired,
                   rule=RULE_PAIRED if args.paired else RULE,
                   mdc={w: dict(median=m, max=x) for w, (m, x) in mdc.items()},
                   power=power.POWER, entries=rows)
        pcblib.write_atomic(args.json, json.dumps(doc, indent=1) + "\n")
    if args.markdown is not None:
        pcblib.write_atomic(args.markdown, markdown(rows, args, head) +
                            "\n" + power.summary(mdc, args.min_change) + "\n")
    return 1 if any(failed(r) for r in rows) else 0
