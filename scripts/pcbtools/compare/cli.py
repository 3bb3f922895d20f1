#!/usr/bin/python3
"""compare: does CONTENDER regress against BASELINE?  pcbench's CI gate.

Both files are pcbench results (Google Benchmark 1.7.1 JSON).  Entries are
matched by run_name and compared figure by figure over their repetitions
(the run_type "iteration" rows):

time -- real time per iteration.  Mann-Whitney U test (scipy.stats.
  mannwhitneyu) on the repetitions, one-sided: the regression test's
  alternative is 'less' (baseline stochastically smaller, i.e. the contender
  slower), the improvement test's 'greater'; the p-value shown is the one
  in the direction the medians moved.  A regression needs p < --alpha
  (default 0.05) AND medians slower by more than --min-change (default 5%):
  significance alone flags tiny shifts, size alone flags noise.  With fewer
  than 9 repetitions on either side the test is too weak to gate on: the
  verdict is "insufficient repetitions" (never a regression) and a warning
  line says so.  --strict gates such entries on the medians alone instead:
  slower by more than --min-change is a regression.
exact figures (stack_bytes, min_fiber_stack, headroom_bytes, heap_bytes,
  heap_alloc_bytes, heap_bytes_per_thread, heap_leaked_bytes, instructions,
  correct; the table is pcblib.FIGURES) -- deterministic for a build, so
  the medians of the repetitions are compared with no test: a change in the
  worse direction (lower for correct and headroom_bytes, higher for the
  rest) larger than the figure's threshold (--threshold FIG=REL; default
  0, i.e. any change, except heap_alloc_bytes 1%: glibc's rounding moves
  it by ~0.1% run to run) is a regression; the other way, an improvement
  (reported, never failing).  A change no larger than the figure's slack,
  absolute, is the same: 1.1 misses per event for the miss counts, 45 for
  est_cycles, 32 bytes for heap_alloc_bytes (their run-to-run movement,
  pcblib.FIGURES); instructions and the other figures have none.  When a side's repetitions disagree, the
  change must also clear the other side's range.
A warning line also says when the two contexts name different machines or
builds (hwloc_topology, num_cpus, mhz_per_cpu, compiler, cflags, unwinder).

Exit status: 0 no regression, 1 at least one regression, 2 bad input (one
line on stderr, no file written): an unreadable or malformed file, a bare
NaN token, a name outside pcbench's grammar, or benchmark or figure sets
that differ (unless --allow-missing); or a --markdown path pcbench's
--out would refuse (a device, a FIFO, a directory, a symbolic link).

compare --alternate OLD_BIN NEW_BIN [--rounds N] [pcbench options] times
two builds itself instead, in alternating short runs of the same entries
in a random order each round, and decides each entry from the per-round
NEW/OLD ratios (the median with its order-statistic interval, at a level
corrected for the number of entries): the gate for shared machines, where
two results files taken at different times differ by drift.
`compare --alternate --help` describes it; docs/ci.md says what it
resolves on a busy 2-vCPU machine.

compare --alternate OLD NEW --in-process times OLD's event path inside
NEW's pcbench instead (--module), each strategy by its own paired new/old
ratio: `compare --alternate OLD NEW --in-process --help`.
"""
import argparse
import math
import sys
import warnings
from collections import Counter, namedtuple

from pcbtools import pcblib, stats, tables

Row = namedtuple("Row", "bench figure base cont change p verdict")
REGRESSION, IMPROVEMENT, SAME = "regression", "improvement", "same"
FEW = "insufficient repetitions"
COLUMNS = ("benchmark", "figure", "baseline", "contender", "change",
           "p-value", "verdict")


def threshold_arg(text):
    fig, eq, rel = text.partition("=")
    if not eq or fig not in pcblib.BY_NAME:
        raise argparse.ArgumentTypeError(
            f"invalid threshold '{text}'; allowed: FIGURE=REL with FIGURE "
            "one of " + ", ".join(pcblib.BY_NAME))
    return fig, pcblib.rel_arg(rel)


def parse_args(argv):
    p = pcblib.Parser(
        prog="compare", description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("baseline", help="results JSON of the reference run")
    p.add_argument("contender", help="results JSON of the run under test")
    p.add_argument("--alpha", type=pcblib.alpha_arg, default=0.05,
                   help="significance level of the U test (default 0.05)")
    p.add_argument("--min-change", type=pcblib.rel_arg,
                   default=pcblib.BY_NAME["time"].tolerance,
                   metavar="REL", help="smallest median change of time that "
                   "counts, as 5%% or 0.05 (default 5%%)")
    p.add_argument("--threshold", type=threshold_arg, action="append",
                   default=[], metavar="FIGURE=REL",
                   help="tolerated worse change of one figure, e.g. "
                   "heap_alloc_bytes=1%% (repeatable; time=REL is "
                   "--min-change; exact figures default to 0, "
                   "heap_alloc_bytes to 1%%)")
    p.add_argument("--figures", type=pcblib.figures_arg,
                   default=list(pcblib.BY_NAME), metavar="LIST",
                   help="figures to compare: names, 'timing', 'exact' "
                   "(default all)")
    p.add_argument("--strict", action="store_true",
                   help="with fewer than 9 repetitions, gate time on the "
                   "medians alone instead of only warning")
    p.add_argument("--allow-missing", action="store_true",
                   help="list benchmarks or figures present in one file "
                   "only instead of refusing the pair")
    p.add_argument("--markdown", metavar="FILE",
                   help="also write a Markdown summary to FILE")
    return p.parse_args(argv)


def pairs(base, cont, figures, allow_missing):
    """(benchmark, figure) pairs to compare, and rows for one-sided ones."""
    out, lone = [], []
    for a, b, where in ((base, cont, "baseline"), (cont, base, "contender")):
        for name in a.runs:
            figs = [f for f in figures if f in a.runs[name]]
            if name not in b.runs:
                lone.append((name, "(all)", where))
                continue
            lone += [(name, f, where) for f in figs if f not in b.runs[name]]
            if a is base:
                out += [(name, f) for f in figs if f in b.runs[name]]
    if lone and not allow_missing:
        name, fig, where = lone[0]
        other = "contender" if where == "baseline" else "baseline"
        what = f"benchmark '{name}'" if fig == "(all)" else \
            f"figure {fig} of benchmark '{name}'"
        raise pcblib.BadInput(
            f"{what} is in the {where} but not in the {other}; allowed: the "
            "same benchmarks and figures in both files, or --allow-missing")
    return out, [Row(n, f, "-", "-", None, None, "only in " + w)
                 for n, f, w in lone]


def u_test(b, c):
    """One-sided Mann-Whitney p-values: contender slower, contender faster."""
    from scipy.stats import mannwhitneyu
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slow = mannwhitneyu(b, c, alternative="less").pvalue
        fast = mannwhitneyu(b, c, alternative="greater").pvalue
    return [1.0 if math.isnan(p) else float(p) for p in (slow, fast)]


def timing_verdict(fig, b, c, thr, args):
    """Verdict and p-value for a timing figure; see the module docstring."""
    mb, mc = float(stats.median(b)), float(stats.median(c))
    worse = pcblib.worse_by(fig, stats.rel_change(mb, mc))
    p_slow, p_fast = u_test(b, c)
    p = p_slow if worse > 0 else p_fast
    if min(len(b), len(c)) < pcblib.MIN_REPETITIONS:
        if args.strict and worse > thr:
            return REGRESSION + " (medians only)", p
        return FEW, p
    if worse > thr and p_slow < args.alpha:
        return REGRESSION, p
    if -worse > thr and p_fast < args.alpha:
        return IMPROVEMENT, p
    return SAME, p


def exact_verdict(fig, b, c, thr):
    """Verdict for an exact figure; see the module docstring."""
    mb, mc = float(stats.median(b)), float(stats.median(c))
    worse = pcblib.worse_by(fig, stats.rel_change(mb, mc))
    if mb == mc:
        return SAME
    if abs(mc - mb) <= fig.slack:  # the figure's run-to-run movement
        return SAME + " (within threshold)"
    hi_worse = fig.worse == "higher"
    clear_worse = (min(c) > max(b)) if hi_worse else (max(c) < min(b))
    clear_better = (max(c) < min(b)) if hi_worse else (min(c) > max(b))
    if worse > thr and clear_worse:
        return REGRESSION
    if -worse > thr and clear_better:
        return IMPROVEMENT
    return SAME + " (within threshold)"


def compare_one(name, figname, base, cont, thr, args):
    fig = pcblib.BY_NAME[figname]
    b, c = base.runs[name][figname], cont.runs[name][figname]
    mb, mc = float(stats.median(b)), float(stats.median(c))
    if fig.kind == "timing":
        verdict, p = timing_verdict(fig, b, c, thr, args)
    else:
        verdict, p = exact_verdict(fig, b, c, thr), None
    return Row(name, figname, pcblib.fmt_value(fig, mb),
               pcblib.fmt_value(fig, mc), stats.rel_change(mb, mc), p,
               verdict)


def cells(row):
    change = "-" if row.change is None else \
        ("+inf%" if math.isinf(row.change) else f"{row.change * 100:+.2f}%")
    p = "-" if row.p is None else f"{row.p:.4f}"
    return (row.bench, row.figure, row.base, row.cont, change, p, row.verdict)


def text_table(rows):
    return tables.text(COLUMNS, [cells(r) for r in rows])


def md_table(rows):
    return tables.md(COLUMNS, [cells(r) for r in rows])


# Context keys that must match for timings to be comparable.
MACHINE_KEYS = ("hwloc_topology", "num_cpus", "mhz_per_cpu", "compiler",
                "cflags", "unwinder")


def machine_warning(base, cont):
    diff = [k for k in MACHINE_KEYS
            if base.context.get(k) != cont.context.get(k)]
    if not diff:
        return []
    return [f"warning: baseline and contender differ in context "
            f"{', '.join(diff)}: their timings may not be comparable "
            "(exact figures still are, for the same build flags)"]


def warning_lines(rows, base, cont, strict):
    few = [r for r in rows if r.figure == "time" and r.change is not None
           and min(len(base.runs[r.bench]["time"]),
                   len(cont.runs[r.bench]["time"])) < pcblib.MIN_REPETITIONS]
    if not few:
        return machine_warning(base, cont)
    how = "gated on the medians alone (--strict)" if strict else \
        "verdict 'insufficient repetitions', never a regression"
    return [f"warning: {len(few)} timing comparison(s) have fewer than "
            f"{pcblib.MIN_REPETITIONS} repetitions on a side, too few for "
            f"the U test: {how}; run pcbench with --repetitions=9 or more"
            ] + machine_warning(base, cont)


def origin(res):
    """Where a side comes from; copied from the file, so escaped."""
    return (f"{pcblib.md_code(res.path)} ("
            f"{pcblib.md_text(res.context.get('git_commit', '?'))}, "
            f"{pcblib.md_text(res.context.get('date', '?'))})")


def markdown(rows, warns, counts, base, cont):
    bad = [r for r in rows if r.verdict.startswith(REGRESSION)]
    good = [r for r in rows if r.verdict == IMPROVEMENT]
    out = ["## pcbench: contender vs baseline", "",
           f"Baseline {origin(base)}, contender {origin(cont)}.", "",
           "**" + summary_line(counts) + "**", ""]
    out += [f"> {pcblib.md_text(w)}" for w in warns] + ([""] if warns
                                                        else [])
    for title, sel in (("Regressions", bad), ("Improvements", good)):
        if sel:
            out += [f"### {title}", "", md_table(sel)]
    out += ["<details><summary>All comparisons</summary>", "", md_table(rows),
            "</details>", "",
            "Time: one-sided Mann-Whitney U test on the repetitions plus a "
            "minimum change of the medians; exact figures: any change in the "
            "worse direction beyond the figure's threshold. See `scripts/"
            "compare --help`.", ""]
    return "\n".join(out)


def summary_line(counts):
    n_reg = sum(v for k, v in counts.items() if k.startswith(REGRESSION))
    parts = [f"{n_reg} regression(s)", f"{counts[IMPROVEMENT]} improvement(s)"]
    parts += [f"{v} {k}" for k, v in sorted(counts.items())
              if not k.startswith(REGRESSION) and k != IMPROVEMENT]
    return "compare: " + ", ".join(parts)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--alternate" in argv and "--in-process" in argv:
        from pcbtools.compare import inprocess
        return inprocess.main(argv)
    if "--alternate" in argv:
        from pcbtools.compare import alternate as compare_alternate
        return compare_alternate.main(argv)
    args = parse_args(argv)
    if args.markdown is not None:
        pcblib.check_output(args.markdown)
    base = pcblib.load_results(args.baseline)
    cont = pcblib.load_results(args.contender)
    thr = {f.name: f.tolerance for f in pcblib.FIGURES}
    thr["time"] = args.min_change
    thr.update(dict(args.threshold))
    todo, lone = pairs(base, cont, args.figures, args.allow_missing)
    emulated = [r.path for r in (base, cont) if r.context.get("emulated")]
    if emulated:  # an emulator's times mean nothing: exact figures only
        timing = {f.name for f in pcblib.FIGURES if f.kind == "timing"}
        todo = [(n, f) for n, f in todo if f not in timing]
        print(f"compare: times not compared: {', '.join(emulated)} ran "
              "under emulation (context.emulated)")
    rows = [compare_one(n, f, base, cont, thr[f], args) for n, f in todo]
    rows += lone
    counts = Counter(r.verdict for r in rows)
    warns = warning_lines(rows, base, cont, args.strict)
    print(text_table(rows))
    for w in warns:
        print(w)
    print(summary_line(counts))
    if args.markdown is not None:
        pcblib.write_atomic(args.markdown,
                            markdown(rows, warns, counts, base, cont))
    return 1 if any(r.verdict.startswith(REGRESSION) for r in rows) else 0


if __name__ == "__main__":
    sys.exit(pcblib.run("compare", main))
