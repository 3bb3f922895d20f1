"""The smallest change a comparison would flag, measured from its own rounds.

A gate's threshold is only worth what it can detect.  Each row of
`compare --alternate` holds its per-round ratios NEW/OLD (one list per
strategy it is judged against, with --paired).  Resampling those rounds
(the bootstrap, with replacement, the same rounds for every list of a
row) gives other runs this comparison could have produced; planting a
change d multiplies every ratio of the row by 1 + d.  The decision rule
(compare_paired.verdict) flags a resample when, for every list, the
interval's low end times 1 + d is above 1 and the median times 1 + d is
above 1 + min_change, so the smallest d that flags one resample is

    d_i = max over its lists of max(1/lo - 1, (1 + min_change)/median - 1)

exactly, with no grid.  The minimum detectable change (MDC) at power P is
the P-quantile of the d_i: a change of that size is flagged in a fraction
P of the runs like this one.  Run on an A/A comparison (a build against
itself) it states what the gate can see on this machine; on any run it
says how far a "same" can be trusted.

What it leaves out: a change seen by the rounds only through the host's
state (the resampled rounds carry the noise they had), and layout
differences between two builds, which an A/A run of one build has none
of.
"""
import random

from pcbtools import stats

POWER = 0.8
RESAMPLES = 400


def mdc(per_round, alpha, min_change, power=POWER, resamples=RESAMPLES,
        seed=0):
    """The relative change flagged with probability `power`, from a row's
    per-round ratio lists (equal lengths, round i at index i of each);
    None with too few rounds for an interval at alpha."""
    n = min(len(q) for q in per_round)
    if n < stats.min_rounds(alpha):
        return None
    lo_rank, hi_rank, _ = stats.median_ranks(n, alpha)
    rng = random.Random(seed)
    need = []
    for _ in range(resamples):
        pick = [rng.randrange(n) for _ in range(n)]
        d = -1.0
        for q in per_round:
            v = sorted(q[i] for i in pick)
            lo, med = v[lo_rank - 1], stats.median(v)
            d = max(d, 1 / lo - 1, (1 + min_change) / med - 1)
        need.append(d)
    need.sort()
    return need[min(resamples - 1, int(power * resamples))]


def row_lists(row):
    """The per-round ratio lists a row is decided by: its absolute ratios
    (a row judged by them, or an unpaired entry), else one per strategy it
    is judged against."""
    if row.get("against") == "(absolute)" or "pairs" not in row:
        return [row.get("abs_per_round") or row.get("ratios") or []]
    return [p["per_round"] for p in row["pairs"].values()]


def group(row):
    """The group a row's MDC is summed up in: its workload (the name's
    first part), and with --paired whether it is judged against the
    strategies beside it or by its own absolute time, whose MDC is of
    another order (the host's state moves it)."""
    w = row["name"].split("/")[0]
    return f"{w} (absolute)" if row.get("against") == "(absolute)" else w


def add(rows, alpha, min_change):
    """Set each row's `mdc` (see mdc), and return {group: (median, max)}
    over the rows of each group (see group)."""
    by = {}
    for r in rows:
        lists = row_lists(r)
        r["mdc"] = mdc(lists, alpha, min_change) if lists and lists[0] \
            else None
        if r["mdc"] is not None:
            by.setdefault(group(r), []).append(r["mdc"])
    return {w: (stats.median(v), max(v)) for w, v in sorted(by.items())}


def summary(per_group, min_change):
    """One line: the MDC per group."""
    parts = [f"{w} {100 * med:.2g}% (rows up to {100 * top:.2g}%)"
             for w, (med, top) in per_group.items()]
    return (f"smallest change flagged {100 * POWER:.0f}% of the time "
            f"(resampling these rounds, --min-change {min_change:g}): "
            + ("; ".join(parts) if parts else "too few rounds"))
