"""compare --alternate --paired: old build against new build, each
strategy judged against the strategies timed beside it.

On a shared host the speed of the whole machine moves between states that
last seconds (another tenant on the sibling hardware thread, the host
moving the virtual CPU): `off` has been seen at 12.6 ns in one state and
20.5 ns in the next, within one process.  Two processes of a round can
land in different states, so the per-round NEW/OLD ratio of an entry's
absolute time spreads by 10-30% and a 3 ns change to one strategy is
lost.  The capturing strategies respond to those states alike -- they run
the same unwinder and the same bucket table -- so their ratios to one
another, timed side by side in the paired entries (`pcbench --paired`),
hold within 1% across processes.

So each short run here is a run of the paired entries alone, and each
strategy S of a point is judged by how its time relative to every other
capturing strategy T moved: per round, q(S,T) = (S/T in NEW) / (S/T in
OLD), where S/T is the in-process paired median ratio.  S is called a
regression only when q(S,T) is above 1 for *every* T: its interval above
1 and its median above 1 + --min-change.  A change to one strategy makes
it slower than all the others; those others each stay level against all
but the changed one, so they are not called (with two capturing
strategies, the unchanged one reads as faster than the changed one:
ambiguous, below, never a regression).  The test is an intersection-union
test: each q(S,T) at level a gives the row level a, with a the
--alpha divided by the number of rows (Bonferroni).  `off` (no capture)
is decided by its own absolute NEW/OLD ratio: against the capturing
strategies it would read as slower whenever they all got faster.  S/T for
two capturing strategies is the ratio of their in-process paired medians
over the first one (`<S>_over_stack`), a close stand-in for the median of
S/T itself.

An improvement is ambiguous.  S faster than every other capturing
strategy reads exactly as every other one slower alike, through code they
share and S does not (thread and lazy share their buffer set): the ratios
hold only differences.  Called a regression, S is looked at either way;
called an improvement, a regression of the rest would pass the gate.  So
S is called an improvement only when its own absolute NEW/OLD interval
lies below 1 as well; otherwise its verdict is AMBIGUOUS, which fails the
gate as a regression does (compare exits 1) and names what to look at.

What it cannot see: a change that moves every capturing strategy alike
(the unwinder, the bucket table, the loop) cancels from every q(S,T).
The absolute NEW/OLD ratio of each strategy's time, with its interval,
is printed beside it for that, and is what the default (unpaired) mode
decides by.
"""
import re
import subprocess

from pcbtools import pcblib
from pcbtools import stats

FILTER = "--benchmark_filter=^paired/"
_ARM = re.compile(r"^(\w+?)_ns$")


def run_args(paired_rounds):
    """pcbench options of every short run in this mode."""
    return ["--paired", FILTER, f"--rounds={paired_rounds}"]


def _arms(figs):
    return [m.group(1) for k in figs for m in [_ARM.match(k)]
            if m and "_minus_" not in k and not m.group(1).endswith("_twin")]


def _base(figs, capturing):
    """The capturing arm the others' paired ratios are taken over."""
    for b in capturing:
        if all(f"{c}_over_{b}" in figs for c in capturing if c != b):
            return b
    raise pcblib.BadInput("a paired entry carries no ratios between its "
                          f"capturing strategies {capturing}; expected "
                          "<strategy>_over_<first> counters")


def relative(figs, flags):
    """{(S, T): S's time over T's} within one paired entry of one process:
    for two capturing strategies their paired median ratio, for a
    strategy that captures nothing its median time over T's."""
    arms = _arms(figs)
    # code clones are controls, not strategies to judge
    capturing = [a for a in arms
                 if not flags.get(a, set()) & {"no_capture", "clone"}]
    if len(capturing) < 2:
        raise pcblib.BadInput("--paired needs two capturing strategies or "
                              f"more; the entries time {arms}")
    b = _base(figs, capturing)
    rel = {c: (figs[f"{c}_over_{b}"] if c != b else 1.0) for c in capturing}
    out = {}
    for s in arms:
        for t in capturing:
            if s == t:
                continue
            out[s, t] = (rel[s] / rel[t] if s in rel
                         else figs[f"{s}_ns"] / figs[f"{t}_ns"])
    return out


def row_name(paired_name, strategy):
    """The matrix entry's name for one arm of a paired entry:
    paired/malloc/depth:32/frames:16 -> malloc/stack/depth:32/frames:16."""
    parts = pcblib.entry_name(paired_name).split("/")
    return "/".join([parts[1], strategy] + parts[2:])


def figures(res):
    """{(paired entry, S, T): relative figure} and {(entry, S): ns} of one
    short run's results."""
    flags = pcblib.strategy_flags(res.context)
    rel, ns = {}, {}
    for name, figs in res.runs.items():
        one = {k: v[0] for k, v in figs.items()}
        for (s, t), v in relative(one, flags).items():
            rel[name, s, t] = v
        for s in _arms(one):
            ns[name, s] = one[f"{s}_ns"]
    return rel, ns


def verdict(meds, los, his, min_change):
    """The one decision rule over one or more intervals: a regression when
    every interval lies above 1 and every median above 1 + min_change (an
    improvement, mirrored); "same (below --min-change)" when the intervals
    exclude 1 on one side but a median does not clear min_change."""
    if all(lo > 1 for lo in los) and min(meds) - 1 > min_change:
        return "regression"
    if all(hi < 1 for hi in his) and 1 - max(meds) > min_change:
        return "improvement"
    if all(lo > 1 for lo in los) or all(hi < 1 for hi in his):
        return "same (below --min-change)"
    return "same"


AMBIGUOUS = "ambiguous (faster than the rest, or they all slower alike)"


def summarise(entry, s, rel_old, rel_new, ns_old, ns_new, median_ci, alpha,
              min_change, capturing=True):
    """One row: S of paired entry `entry`, from per-round figures of both
    builds.  The shown pair is the T whose q(S,T) is nearest to 1 (the one
    that decides)."""
    refs = sorted({t for (e, a, t) in rel_old if e == entry and a == s})
    pair = {}
    for t in refs:
        q = [n / o for o, n in zip(rel_old[entry, s, t], rel_new[entry, s, t])
             if o > 0]
        pair[t] = (q, *median_ci(q, alpha))
    row = dict(name=row_name(entry, s), paired_entry=entry, strategy=s,
               rounds=len(ns_old[entry, s]))
    if not pair:
        row["verdict"] = "no other capturing strategy to judge it by"
        return row
    t = min(pair, key=lambda r: abs(pair[r][1] - 1))
    _, med, lo, hi, cov = pair[t]
    absq = [n / o for o, n in zip(ns_old[entry, s], ns_new[entry, s])
            if o > 0]
    amed, alo, ahi, _ = median_ci(absq, alpha)
    row.update(
        against=t, ratio=med, ratio_lo=lo, ratio_hi=hi, coverage=cov,
        abs_ratio=amed, abs_lo=alo, abs_hi=ahi, abs_per_round=absq,
        old_ns=stats.median(ns_old[entry, s]),
        new_ns=stats.median(ns_new[entry, s]),
        pairs={r: dict(ratio=p[1], lo=p[2], hi=p[3], per_round=p[0])
               for r, p in pair.items()},
        verdict=verdict([p[1] for p in pair.values()],
                         [p[2] for p in pair.values()],
                         [p[3] for p in pair.values()], min_change))
    if row["verdict"] == "improvement" and capturing and ahi >= 1:
        row["verdict"] = AMBIGUOUS
    if not capturing:
        # no capture: a change to the capturing strategies alike (the
        # unwinder) moves every q(off, T) while off stays where it was, so
        # off is decided by its own time, NEW over OLD
        row.update(against="(absolute)",
                   verdict=verdict([amed], [alo], [ahi], min_change))
    return row


COLUMNS = ("entry", "old ns", "new ns", "vs", "relative new/old", "interval",
           "absolute new/old [interval]", "verdict")


def cells(row):
    """A table row.  A row decided by its absolute ratio (`off`) shows no
    relative figure: under the relative heading it would read as the one
    that decides."""
    if "ratio" not in row:
        return (row["name"], "-", "-", "-", "-", "-", "-", row["verdict"])
    if row["against"] == "(absolute)":
        rel, interval = "-", "-"
    else:
        rel = f"{row['ratio']:.4f}"
        interval = f"[{row['ratio_lo']:.4f}, {row['ratio_hi']:.4f}]"
    return (row["name"], f"{row['old_ns']:.5g}", f"{row['new_ns']:.5g}",
            row["against"], rel, interval,
            f"{row['abs_ratio']:.4f} [{row['abs_lo']:.4f}, "
            f"{row['abs_hi']:.4f}]", row["verdict"])


BASELINE = "off"
PAIRED_SET = (BASELINE, "stack", "thread", "lazy")


def strategies(binary, opts):
    """The strategies each paired entry times (its twin aside): those of
    the last --strategies=LIST in opts, else the binary's defaults.
    BadInput unless the paired entries carry what the rule needs: `stack`
    and `thread` or `lazy` (timed over `stack`), and nothing but `off`
    beside them."""
    chosen = None
    for a in opts:
        if a.startswith("--strategies="):
            chosen = [s for s in a.partition("=")[2].split(",") if s]
    if chosen is None:
        try:
            out = subprocess.run([binary, "--list"], capture_output=True,
                                 text=True, timeout=60).stdout
        except (OSError, subprocess.TimeoutExpired) as e:
            raise pcblib.BadInput(f"{binary}: cannot list strategies ({e})") \
                from None
        section = out.split("workloads:")[0].splitlines()[1:]
        chosen = [ln.split()[0] for ln in section
                  if ln.strip() and "[not in defaults]" not in ln]
        if not chosen:
            raise pcblib.BadInput(f"{binary} --list names no default "
                                  "strategy; expected a pcbench binary, or "
                                  "give --strategies")
    bad = [s for s in chosen if s not in PAIRED_SET]
    if bad or "stack" not in chosen or not {"thread", "lazy"} & set(chosen):
        raise pcblib.BadInput(
            f"--paired judges {','.join(chosen)}; allowed: stack and thread "
            "or lazy, with off if wanted (the paired entries time thread and "
            "lazy over stack)")
    return chosen
