#!/usr/bin/python3
"""export: pcbench results in the formats CI benchmark trackers ingest.

--format=custom (the default): the custom smaller-is-better JSON of
github-action-benchmark (tool 'customSmallerIsBetter'), a JSON list with
one object per (benchmark, figure):
  {"name": "<run_name> <series>", "unit": ..., "value": ...,
   "range": "± <stddev>", "extra": "<how it was computed>"}
where every series is smaller-is-better:
  time                 median real time per iteration over the repetitions
                       (ns); range = ± sample standard deviation over the
                       repetitions; extra gives n, the IQR and min-max
  stack_bytes, min_fiber_stack, heap_bytes, heap_alloc_bytes,
  heap_bytes_per_thread, heap_leaked_bytes (bytes), instructions
                       the median over the repetitions (exact figures:
                       normally all repetitions agree, range "± 0")
  fiber_2k_used_bytes  2048 - headroom_bytes: the part of a fresh 2 KiB
                       fiber the event path takes (headroom: more is better)
  incorrect_fraction   1 - correct: the fraction of checked events whose
                       PCs did not match the ground truth
  A_over_B, A_minus_B_ns
                       a paired entry's ratio and difference of strategy A
                       to B (--paired): the median over the repetitions,
                       range = ± half its 95% interval across layouts, and
                       the interval itself (A_over_B_lo .. _hi) in extra;
                       with the timing figures
Only the figures an entry carries are written.  The extra field also names
the commit and date from the results' context.

Both formats name a series by the entry's name without Google Benchmark's
additions (/iterations:N, /repeats:N, /manual_time, /real_time), so that a
change of timing mode renames nothing, and correctness is
incorrect_fraction (incorrect-fraction in BMF) in both.

--format=bmf: Bencher Metric Format, a JSON object keyed by benchmark name
(the entry's run_name), each value an object keyed by measure slug, each
measure {"value": v, "lower_value": lo, "upper_value": hi}:
  latency              time per iteration in ns (Bencher's built-in
                       Latency measure): the median over the repetitions,
                       lower/upper the interquartile range; or, when the
                       rows carry the paired interval counters
                       time_lower_ns and time_upper_ns, their medians
  stack-bytes, min-fiber-stack, headroom-bytes, heap-bytes,
  heap-alloc-bytes, heap-bytes-per-thread, heap-bytes-shared,
  heap-leaked-bytes, instructions
                       the median, lower/upper the min and max over the
                       repetitions (exact figures: all three agree)
  incorrect-fraction   1 - correct, the same way (as the custom format)
  estimated-cycles     the same, from an estimated_cycles counter when
                       the rows carry one
  A-over-B, A-minus-B-ns
                       a paired entry's ratio and difference (see above):
                       the median, lower/upper its 95% interval across
                       layouts (the medians of A_over_B_lo and _hi)
The figures are as measured, not turned round, but for correctness:
headroom-bytes is better when higher (give its Bencher threshold a lower
boundary), the others when lower.  A benchmark name longer than Bencher's 1024
characters is refused.

Without --out the list goes to stdout; with --out it is written to a
temporary and renamed.  --out is checked as pcbench's --out is, before
anything is read: a regular file or a new name in a writable folder, not
a device, a FIFO, a directory or a symbolic link.  Exit 0, or 2 on bad
input (one line on stderr, nothing written).
"""
import argparse
import json
import sys

from pcbtools import pcblib
from pcbtools import stats


def parse_args(argv):
    p = pcblib.Parser(
        prog="export", description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", metavar="RESULTS.json",
                   help="pcbench results (Google Benchmark JSON)")
    p.add_argument("--out", metavar="FILE",
                   help="write here instead of stdout")
    p.add_argument("--format", choices=("custom", "bmf"), default="custom",
                   help="custom: github-action-benchmark's "
                   "customSmallerIsBetter list (default); bmf: Bencher "
                   "Metric Format")
    p.add_argument("--figures", type=pcblib.figures_arg,
                   default=list(pcblib.BY_NAME), metavar="LIST",
                   help="figures to export: names, 'timing', 'exact' "
                   "(default all)")
    return p.parse_args(argv)


def number(v):
    """An int when the value is integral, so byte counts read as bytes."""
    return int(v) if v == int(v) and abs(v) < 2 ** 53 else v


def entry(name, fig, vals, where):
    s = stats.summary([fig.transform(v) for v in vals])
    lo, hi = sorted((s["q1"], s["q3"]))
    extra = (f"median of {s['n']} repetition(s); IQR {lo:.6g}-{hi:.6g}, "
             f"min-max {s['min']:.6g}-{s['max']:.6g} {fig.unit_out}")
    if fig.derivation:
        extra = f"{fig.export} = {fig.derivation}; " + extra
    return {"name": f"{name} {fig.export}", "unit": fig.unit_out,
            "value": number(s["median"]), "range": f"± {s['stddev']:.6g}",
            "extra": f"{extra}; {where}"}


def paired_keys(figs):
    """A paired entry's figures A_over_B and A_minus_B_ns that come with
    their 95% interval across layouts (K_lo, K_hi); not the spreads
    (_layout_sd) nor the within-process intervals (_rounds)."""
    return [k for k in figs if ("_over_" in k or "_minus_" in k) and
            not k.endswith(("_lo", "_hi", "_sd", "_rounds")) and
            k + "_lo" in figs and k + "_hi" in figs]


def paired_interval(figs, key):
    """(median, low end, high end) of a paired figure over the
    repetitions, the ends the medians of K_lo and K_hi."""
    med = stats.summary(figs[key])["median"]
    lo, hi = (stats.summary(figs[key + end])["median"]
              for end in ("_lo", "_hi"))
    return med, min(lo, med), max(hi, med)


def paired_entry(name, figs, key, where):
    med, lo, hi = paired_interval(figs, key)
    unit = "ratio" if "_over_" in key else "ns"
    return {"name": f"{name} {key}", "unit": unit, "value": number(med),
            "range": f"± {(hi - lo) / 2:.6g}",
            "extra": (f"{key}: 95% interval across layouts {lo:.6g} to "
                      f"{hi:.6g} {unit}; median of {len(figs[key])} "
                      f"repetition(s); {where}")}


def export(res, figures):
    where = (f"commit {res.context.get('git_commit', '?')}, "
             f"{res.context.get('date', '?')}")
    out = []
    for run, figs in res.runs.items():
        name = pcblib.entry_name(run)
        out += [entry(name, pcblib.BY_NAME[f], figs[f], where)
                for f in pcblib.BY_NAME if f in figures and f in figs]
        if "time" in figures:
            out += [paired_entry(name, figs, k, where)
                    for k in paired_keys(figs)]
    return out


# Bencher Metric Format (see the module docstring)
BMF_NAME_MAX = 1024
TIME_INTERVAL = ("time_lower_ns", "time_upper_ns")
EXTRA_MEASURES = ("estimated_cycles",)


def bmf_measure(vals, lo=None, hi=None):
    """{"value", "lower_value", "upper_value"}: the median of vals and,
    unless given, their min and max."""
    s = stats.summary(vals)
    lo = s["min"] if lo is None else lo
    hi = s["max"] if hi is None else hi
    return {"value": number(s["median"]),
            "lower_value": number(min(lo, s["median"])),
            "upper_value": number(max(hi, s["median"]))}


def bmf(res, figures):
    out = {}
    for run, figs in res.runs.items():
        name = pcblib.entry_name(run)
        if len(name) > BMF_NAME_MAX:
            raise pcblib.BadInput(
                f"{res.path}: benchmark name of {len(name)} characters; "
                f"allowed: at most {BMF_NAME_MAX} (Bencher's limit)")
        bench = {}
        for f in pcblib.FIGURES:
            if f.name not in figures or f.name not in figs:
                continue
            vals = figs[f.name]
            if f.name == "time":
                if all(k in figs for k in TIME_INTERVAL):
                    lo, hi = (stats.summary(figs[k])["median"]
                              for k in TIME_INTERVAL)
                else:
                    s = stats.summary(vals)
                    lo, hi = s["q1"], s["q3"]
                bench["latency"] = bmf_measure(vals, lo, hi)
            elif f.name == "correct":  # one name in both formats
                bench[f.export.replace("_", "-")] = bmf_measure(
                    [f.transform(v) for v in vals])
            else:
                bench[f.name.replace("_", "-")] = bmf_measure(vals)
        for key in EXTRA_MEASURES:
            if key in figs:
                bench[key.replace("_", "-")] = bmf_measure(figs[key])
        if "time" in figures:
            for key in paired_keys(figs):
                med, lo, hi = paired_interval(figs, key)
                bench[key.replace("_", "-")] = bmf_measure(
                    figs[key], lo, hi)
        if bench:
            out[name] = bench
    return out


def main(argv=None):
    args = parse_args(argv)
    if args.out is not None:
        pcblib.check_output(args.out)
    if args.format == "bmf":
        res = pcblib.load_results(args.results, counters=True)
        data = bmf(res, args.figures)
    else:
        data = export(pcblib.load_results(args.results, counters=True),
                      args.figures)
    text = json.dumps(data, indent=1, ensure_ascii=False,
                      allow_nan=False) + "\n"
    if args.out is not None:
        pcblib.write_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(pcblib.run("export", main))
