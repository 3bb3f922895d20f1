"""compare --alternate OLD NEW --in-process: old and new build in one
process, each strategy judged by its own paired new/old ratio.

    compare --alternate OLD NEW --in-process [--processes P]
            [--paired-rounds N] [--alpha A] [--min-change REL] [--seed N]
            [--json FILE] [--markdown FILE] [pcbench options]

NEW's pcbench runs its paired entries (`--paired`) with both builds'
event paths loaded as modules: NEW's layout modules as `new` and OLD's
as `old` (`--module=LABEL=PATH`, one per <build>/pcbench-layouts/
layout-<k>.so; or OLD itself when it is a module file), half the
processes loading `new` first, half `old`.  (NEW's modules are the files
pcbench loads as its own layouts too: pcbench loads a file it has
already loaded as a private copy, so each label is an object of its
own.)  Every strategy S
of the run is then timed on both in the same rounds, in a fresh random
order: `S@new` and `S@old`, and each paired entry carries S's new/old
ratio `S@new_over_S@old` with its interval, per round paired like every
other ratio pcbench reports (docs/design.md, "Paired timing").  Both arms
run module code set up the same way: pcbench's own arm of a strategy
(linked into the executable) is not the new side, since an arm of the
executable and one of a module differ even with the same code
(docs/ci.md).  A change to code every strategy runs (the unwinder, the
bucket table, the loop) moves each S's ratio directly: it does not
cancel, as it does from the ratios between strategies that `--alternate
--paired` judges by.  `off`'s ratio is the harness and workload alone.

P processes (default 10; each its own seed, --paired-rounds rounds,
default 400), as scripts/paired-runs does: some layout stays fixed for
a process, so one process is one draw of it.  Build both with
-DPCB_LAYOUTS=32: a change's cost varies with the layout, and with 8
the layouts' spread makes the interval several times wider (docs/ci.md).  Per row (paired entry, S) the processes'
ratios are pooled as paired-runs pools them (pcbtools/pooling.py): a
random-effects mean and its Student-t interval at 1 - alpha/rows
(Bonferroni over rows), except that the layouts' term comes from each
copy's own ratio (`_copy<k>`) averaged over the processes that paired
the copies alike (the same label loaded first): the spread of those
averages (`layout_sd` and `layout_from` in --json).  Then the one rule
of `--alternate`:
  regression:  the interval above 1 and the ratio above 1 + --min-change;
  improvement: the interval below 1 and the ratio below 1 - --min-change;
  otherwise "same" ("same (below --min-change)" when the interval excludes
  1 but the shift is smaller).
--min-change defaults to 1%: a build's change moves where the rest of
its code and data sit, and rows that run none of the changed code moved
by up to 0.8% with intervals clear of 1 (docs/ci.md): below that floor
a change is not told from placement.
Each row also gets its minimum detectable change (`mdc` in --json): the
change its own standard error would flag 80% of the time under this rule
(the t approximation to the power); a line per workload gives the median
and largest over capturing rows and over off's.
An improvement here is S's own time, not S against the others, so it is
never ambiguous in the sense of `--paired`.  Beside it, for information,
"relative": S's ratio over that of the other capturing strategy whose
ratio is nearest S's -- what `--alternate --paired` would decide by; a
change to shared code reads near 1 there.

Refused with one line on stderr and exit status 2 before anything runs:
a missing binary, an OLD with no layout modules, a module NEW refuses
(another ABI version: pcbench's line names both versions), options
pcbench refuses.  Exit status: 0 no regression, 1 at least one, 2 bad
input.
"""
import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile

from pcbtools import paired_runs, pcblib, pooling, tables
from pcbtools.compare import paired as compare_paired

LABEL = "old"
NEW_LABEL = "new"
PROCESS_ALPHA = 0.05  # the level of each process's own intervals
POWER = 0.8  # of the minimum detectable change
RULE = ("per strategy S, its in-process paired ratio S@new_over_S@old pooled "
        "over processes (random effects, Student-t) at 1 - alpha/rows; "
        "regression: interval above 1 and ratio above 1 + min_change")
COLUMNS = ("entry", "old ns", "new ns", "new/old", "interval", "relative",
           "verdict")
REFUSED = ("--paired", "--benchmark_filter", "--rounds", "--seed", "--out",
           "--module", "--benchmark_out", "--benchmark_list_tests")


def parse_args(argv):
    p = pcblib.Parser(
        prog="compare --alternate --in-process", allow_abbrev=False,
        usage="compare --alternate OLD NEW --in-process [--processes P] "
        "[--paired-rounds N] [--alpha A] [--min-change REL] [--seed N] "
        "[--json FILE] [--markdown FILE] [pcbench options]",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--alternate", nargs=2, required=True,
                   metavar=("OLD", "NEW"), help="the reference build's "
                   "pcbench (or one event-path module of it), then the "
                   "pcbench under test")
    p.add_argument("--in-process", action="store_true", required=True,
                   help="time both builds' event paths in NEW's process")
    p.add_argument("--processes", type=pcblib.int_arg(2, 1000), default=10,
                   metavar="P", help="pcbench processes (default 10)")
    p.add_argument("--paired-rounds", type=pcblib.int_arg(20, 100000),
                   default=400, metavar="N",
                   help="pcbench --rounds of each process (default 400: "
                   "a dozen per layout of a 32-layout build)")
    p.add_argument("--alpha", type=pcblib.alpha_arg, default=0.05,
                   help="family-wise significance over all rows (default "
                   "0.05)")
    p.add_argument("--min-change", type=pcblib.rel_arg, default=0.01,
                   metavar="REL", help="smallest change that counts, as 1%% "
                   "or 0.01 (default 1%%: another build's extra bytes moved "
                   "rows of code they do not touch by up to 0.8%% with an "
                   "interval clear of 1; docs/ci.md; 0: the interval alone "
                   "decides)")
    p.add_argument("--seed", type=pcblib.int_arg(0, 2**63 - 1),
                   help="seed of the processes' seeds (default: drawn)")
    p.add_argument("--json", metavar="FILE",
                   help="also write the rows and each process's figures")
    p.add_argument("--markdown", metavar="FILE",
                   help="also write a Markdown summary to FILE")
    if "-h" in argv or "--help" in argv:
        p.print_help()
        sys.exit(0)
    args, rest = p.parse_known_args(argv)
    pcblib.pcbench_passthrough(p, rest)
    for a in rest:
        if a.split("=")[0] in REFUSED:
            p.error(f"'{a}': --in-process sets it; allowed: other pcbench "
                    "options")
    args.pcbench = rest
    return args


def old_modules(old, module_ok=True):
    """A build's event-path modules: OLD itself if it is one (a .so), else
    the layout modules beside the binary."""
    if not os.path.isfile(old):
        raise pcblib.BadInput(f"{old}: no such file; expected a pcbench "
                              "binary" + (" or an event-path module"
                                          if module_ok else ""))
    if old.endswith(".so") and module_ok:
        return [old]
    found = sorted(glob.glob(os.path.join(os.path.dirname(
        os.path.abspath(old)), "pcbench-layouts", "layout-*.so")))
    if not found:
        raise pcblib.BadInput(f"{old}: no pcbench-layouts/layout-<k>.so "
                              "beside it; expected a build with layout "
                              "modules (PCB_LAYOUTS > 0)" +
                              (" or a module file" if module_ok else ""))
    return found


def base_args(args, new_mods, mods, new_first=True):
    sides = [[f"--module={NEW_LABEL}={m}" for m in new_mods],
             [f"--module={LABEL}={m}" for m in mods]]
    return ["--paired", compare_paired.FILTER,
            f"--rounds={args.paired_rounds}",
            *sides[not new_first], *sides[new_first], *args.pcbench]


def orders(n, rng):
    """Which side loads first, per process: half new first, half old
    first, shuffled.  The first-loaded label sits at other addresses;
    alternating turns that into spread between processes, which the
    pooled interval covers, instead of a bias it does not."""
    firsts = [k % 2 == 0 for k in range(n)]
    rng.shuffle(firsts)
    return firsts


def as_new_over_old(doc):
    """A process that loaded OLD first reports S@old_over_S@new (pcbench
    divides by the first label); turned into S@new_over_S@old: the
    ratio, its bounds and each copy's figure inverted, its layout spread
    by the delta method (sd / x^2)."""
    pat = re.compile(rf"^([a-z][a-z0-9_]*)@{LABEL}_over_\1@{NEW_LABEL}"
                     r"(_rounds|_copy[0-9]+)?$")
    for row in paired_runs.entries(doc).values():
        for k in [k for k in row if pat.match(k)]:
            m = pat.match(k)
            s, tail = m.group(1), m.group(2) or ""
            to = f"{s}@{NEW_LABEL}_over_{s}@{LABEL}{tail}"
            x = row.pop(k)
            row[to] = 1 / x
            if k + "_lo" in row and k + "_hi" in row:
                lo, hi = row.pop(k + "_lo"), row.pop(k + "_hi")
                row[to + "_lo"], row[to + "_hi"] = 1 / hi, 1 / lo
            if k + "_layout_sd" in row:
                row[to + "_layout_sd"] = row.pop(k + "_layout_sd") / x ** 2
    return doc


def listing(new, opts):
    """NEW's paired entries with OLD loaded; BadInput with pcbench's own
    line (a module of another ABI version names both) if it refuses."""
    if not (os.path.isfile(new) and os.access(new, os.X_OK)):
        raise pcblib.BadInput(f"{new}: no executable file; expected a "
                              "pcbench binary")
    try:
        r = subprocess.run([new, *opts, "--benchmark_list_tests=true"],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise pcblib.BadInput(f"{new}: cannot list entries ({e})") from None
    if r.returncode != 0:
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        raise pcblib.BadInput(lines[-1] if lines else
                              f"{new}: exit status {r.returncode}")
    names = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
    if not names:
        raise pcblib.BadInput(f"{new}: no paired entries for these options")
    return names


def run_processes(args, new, new_mods, mods, tmp):
    rng = random.Random(args.seed)
    docs = []
    firsts = orders(args.processes, random.Random(args.seed + 1))
    for i in range(args.processes):
        seed = rng.randint(1, 999999999999999)  # pcbench --seed's range
        out = os.path.join(tmp, f"p{i}.json")
        first = NEW_LABEL if firsts[i] else LABEL
        sys.stderr.write(f"compare: process {i + 1} of {args.processes} "
                         f"(seed {seed}, {first} loaded first)\n")
        opts = base_args(args, new_mods, mods, firsts[i])
        r = subprocess.run([new, *opts, f"--seed={seed}", f"--out={out}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        if r.returncode != 0:
            lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
            raise pcblib.BadInput(f"process {i + 1} of {new} failed: " +
                                  (lines[-1] if lines else
                                   f"exit status {r.returncode}"))
        docs.append(as_new_over_old(pcblib.load_doc(out)))
    return docs, firsts


def new_over_old(row):
    """{S: key} of a paired row's new/old ratios, S@new_over_S@old."""
    pat = re.compile(rf"^([a-z][a-z0-9_]*)@{NEW_LABEL}_over_\1@{LABEL}$")
    return {m.group(1): k for k in row for m in [pat.match(k)] if m}


def copies(row, key):
    """{copy: figure} of a row's ratio on each copy (`<key>_copy<k>`)."""
    pre = key + "_copy"
    return {int(k[len(pre):]): v for k, v in row.items()
            if k.startswith(pre) and k[len(pre):].isdigit()}


def pooled(rows, key, alpha, min_change, groups):
    """(ratio, lo, hi, per-process ratios, MDC, layout sd, where the
    layouts' term came from: "copies" or "layout_sd") of one row;
    groups[i]: which label process i loaded first, which decides how it
    pairs the two builds' copies (paired_arms.h), so the layouts' term
    compares each copy across the processes of one order."""
    layouts = int(rows[0].get("layouts", 1))
    xs = [r[key] for r in rows]
    ses = [pooling.process_se(r[key + "_lo"], r[key + "_hi"], layouts,
                              PROCESS_ALPHA) for r in rows]
    sds = [r[key + "_layout_sd"] for r in rows]
    cols = [(g, copies(r, key)) for g, r in zip(groups, rows)]
    m, se, df, sl, from_copies = pooling.pool_se(xs, ses, sds, layouts, cols)
    lo, hi = pooling.interval(m, se, df, alpha)
    return (m, lo, hi, xs, mdc(se, df, alpha, min_change), sl,
            "copies" if from_copies else "layout_sd")


def mdc(se, df, alpha, min_change):
    """The minimum detectable change at POWER: the relative change d whose
    ratio 1 + d, measured with this row's standard error, clears the rule
    (low end above 1, ratio above 1 + min_change) in a fraction POWER of
    runs like this one (the t approximation to the power)."""
    from scipy import stats
    tp = float(stats.t.ppf(POWER, df))
    tc = float(stats.t.ppf(1 - alpha / 2, df))
    return max((tc + tp) * se, min_change + tp * se)


def summarise(docs, min_change, alpha_family, firsts=None):
    """The rows, (paired entry, S), in the entries' and arms' order;
    firsts[i]: whether process i loaded NEW first (None: all alike)."""
    groups = firsts if firsts is not None else [True] * len(docs)
    per = [paired_runs.entries(d) for d in docs]
    flags = pcblib.strategy_flags(docs[0]["context"])
    todo = [(e, s, k) for e in per[0] for s, k in new_over_old(per[0][e])
            .items()]
    if not todo:
        raise pcblib.BadInput(f"the paired entries carry no <s>@{NEW_LABEL}"
                              f"_over_<s>@{LABEL} ratios; expected NEW to "
                              "time both builds' strategies (a pcbench with "
                              "--module=LABEL=)")
    alpha = alpha_family / len(todo)
    out = []
    for e, s, k in todo:
        rows = [p[e] for p in per]
        m, lo, hi, xs, d, sl, src = pooled(rows, k, alpha, min_change,
                                           groups)
        out.append(dict(
            name=compare_paired.row_name(e, s), paired_entry=e, strategy=s,
            capturing=not flags.get(s, set()) & {"no_capture"},
            shared_path="capture_only" in flags.get(s, set()),
            ratio=m, ratio_lo=lo, ratio_hi=hi, per_process=xs, mdc=d,
            layout_sd=sl, layout_from=src,
            old_ns=sorted(r[f"{s}@{LABEL}_ns"] for r in rows)[len(rows) // 2],
            new_ns=sorted(r[f"{s}@{NEW_LABEL}_ns"]
                          for r in rows)[len(rows) // 2],
            verdict=compare_paired.verdict([m], [lo], [hi], min_change)))
    for r in out:  # what the relative rule would read
        others = [o["ratio"] for o in out if o is not r and o["capturing"]
                  and not o["shared_path"]
                  and o["paired_entry"] == r["paired_entry"]]
        if r["capturing"] and not r["shared_path"] and others:
            r["relative"] = min((r["ratio"] / o for o in others),
                                key=lambda q: abs(q - 1))
    return out, alpha


def cells(r):
    rel = f"{r['relative']:.4f}" if "relative" in r else "-"
    name = r["name"] + (" (shared path)" if r.get("shared_path") else "")
    return (name, f"{r['old_ns']:.5g}", f"{r['new_ns']:.5g}",
            f"{r['ratio']:.4f}", f"[{r['ratio_lo']:.4f}, {r['ratio_hi']:.4f}]",
            rel, r["verdict"])


def mdc_lines(rows):
    """Per workload (a row name's first part), the median and largest MDC
    of its capturing rows and of off's."""
    out = []
    for w in dict.fromkeys(r["name"].split("/")[0] for r in rows):
        parts = []
        for what, pick in (("capturing", True), ("off", False)):
            ds = sorted(r["mdc"] for r in rows if r["name"].split("/")[0]
                        == w and r["capturing"] == pick)
            if ds:
                parts.append(f"{what} {100 * ds[len(ds) // 2]:.2g}% "
                             f"(largest {100 * ds[-1]:.2g}%)")
        out.append(f"smallest change flagged 80% of the time, {w}: "
                   + ", ".join(parts))
    return out


def summary_line(rows):
    n = {v: sum(r["verdict"] == v for r in rows)
         for v in ("regression", "improvement")}
    return (f"compare --in-process: {n['regression']} regression(s), "
            f"{n['improvement']} improvement(s), "
            f"{len(rows) - sum(n.values())} other of {len(rows)} rows")


def markdown(rows, head):
    bad = [r for r in rows if r["verdict"] == "regression"]
    out = ["## pcbench: new build vs old build, in one process", "", head,
           "", "**" + summary_line(rows) + "**", "",
           *[f"- {ln}" for ln in mdc_lines(rows)], ""]
    if bad:
        out += ["### Regressions", "",
                tables.md(COLUMNS, [cells(r) for r in bad])]
    out += ["<details><summary>All rows</summary>", "",
            tables.md(COLUMNS, [cells(r) for r in rows]), "</details>", "",
            "Per strategy: its own new/old ratio, paired round by round in "
            "one process, pooled over processes; see `scripts/compare "
            "--alternate --in-process --help`.", ""]
    return "\n".join(out)


def main(argv):
    args = parse_args(argv)
    for path in (args.json, args.markdown):
        if path is not None:
            pcblib.check_output(path)
    old, new = args.alternate
    mods = old_modules(old)
    new_mods = old_modules(new, module_ok=False)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2 ** 63)
    listing(new, base_args(args, new_mods, mods))
    sys.stderr.write(f"compare: {args.processes} processes of {new} with "
                     f"{len(mods)} module(s) of {old} (seed {args.seed})\n")
    with tempfile.TemporaryDirectory(prefix="pcb-inprocess-") as tmp:
        docs, firsts = run_processes(args, new, new_mods, mods, tmp)
    rows, alpha = summarise(docs, args.min_change, args.alpha, firsts)
    print(tables.text(COLUMNS, [cells(r) for r in rows]))
    print(f"intervals: Student-t over {args.processes} processes at "
          f"{100 * (1 - alpha):.4g}% each (family-wise alpha {args.alpha:g} "
          f"over {len(rows)} rows)")
    print("\n".join(mdc_lines(rows)))
    print(summary_line(rows))
    head = (f"OLD `{old}`, NEW `{new}`: {args.processes} processes of "
            f"{args.paired_rounds} rounds, seed {args.seed}, pcbench "
            f"options `{' '.join(args.pcbench) or '(none)'}`")
    if args.json is not None:
        doc = dict(old=old, new=new, modules=mods, new_modules=new_mods,
                   seed=args.seed, first_loaded=[
                       NEW_LABEL if f else LABEL for f in firsts],
                   processes=args.processes, rounds=args.paired_rounds,
                   alpha=args.alpha, alpha_per_row=alpha,
                   min_change=args.min_change, pcbench_options=args.pcbench,
                   rule=RULE, rows=rows)
        pcblib.write_atomic(args.json, json.dumps(doc, indent=1) + "\n")
    if args.markdown is not None:
        pcblib.write_atomic(args.markdown, markdown(rows, head) + "\n")
    return 1 if any(r["verdict"] == "regression" for r in rows) else 0
