"""report.gorate: the per-operation overhead at Go's default rates.

A rate:go entry (pcbench --rate=...,go) runs its workload at Go's default
rate -- malloc one sample per MemProfileRate bytes, block a wait sampled
per 10 µs of waiting -- with caches cold between two events: each thread
walks its working set after an operation whose sampler fired, and `off`
fires and walks at the same operations where the rate counts bytes.  The
entry's time is the operation, a share of the walks, and the share of the
events; pcbench times the walks on the measuring thread's path (its own,
and other threads' during its waits) as `walk_ns` per operation, and
without them the entry is the operation and the events alone.

What profiling adds per operation -- what a Go user would see -- is each
strategy's events per operation times its event's paired cold cost over
`off` (the paired entry of the rate-1 cold point, whose interval it
scales), or, without paired cold entries, times the record call's timed
mean.  The rate:go entry minus the matching `off` entry (same rate, same
working set, walks taken out of both where both carry `walk_ns`) is
given beside it but never judged: the two are separate entries, timed
minutes apart.  Last, the event's cost at rate 1, cold.

Every number comes from the results: the groups are whatever rate:go
entries the file holds, and the rates are the context's go_rate_*
values.
"""
from pcbtools.report import coldwarm as report_coldwarm
from pcbtools.report import model as M
from pcbtools.results import kinds

GO = "rate:go"
TOPIC = "Go's default rates"


_code, _listing = M.code, M.listing


def go_groups(run):
    """[(rate:go group, its rate-1 cold group)]: the same workload and
    variant without rate:go (the rate-1 group may be absent)."""
    out = []
    for wl, variant in run.matrix:
        parts = variant.split("/")
        if GO in parts:
            rest = "/".join(p for p in parts if p != GO)
            out.append(((wl, variant), (wl, rest)))
    return out


def _rate_text(run, wl):
    """Go's default rate of a workload as this file's context gives it."""
    ctx = run.context
    kind = kinds.workloads(ctx).get(wl)
    if kind is not None and kind.rate == "bytes":
        b = ctx.get("go_rate_malloc_bytes")
        return (f"MemProfileRate, one sample per {M.fmt_count(int(b))} "
                "bytes allocated") if b and b.isdigit() else \
            "Go's default MemProfileRate"
    ns, cyc = ctx.get("go_rate_block_ns"), ctx.get("go_rate_block_cycles")
    if ns and cyc and ns.isdigit() and cyc.isdigit():
        return (f"a wait sampled per {M.fmt_ns(int(ns))} of waiting, "
                f"{M.fmt_count(int(cyc))} cycles here")
    return "Go's block rate of 10 µs"


def op_times(figs):
    """An entry's time per operation, each repetition's own `walk_ns` (the
    measuring thread's walking, and waiting on another's walk) taken out
    when the entry has it; else its time.  (times, walks excluded?)"""
    t, w = M.vals(figs, "time"), M.vals(figs, "walk_ns")
    if t and w and len(w) == len(t):
        return [a - b for a, b in zip(t, w)], True
    return t, False


def overheads(run, g, d, f, strategies):
    """{s: (ns over off, fraction of off)} at (d, f) of group g,
    off's median time, and whether walks were excluded (from both sides,
    or else from neither); ({}, None, False) when off or every strategy is
    missing."""
    m = run.matrix.get(g, {})
    base, bw = op_times(m.get((M.BASELINE, d, f)))
    if not base:
        return {}, None, False
    got = {s: op_times(m.get((s, d, f))) for s in strategies}
    got = {s: v for s, v in got.items() if v[0]}
    walks = bw and all(w for _, w in got.values())
    if not walks:
        base = M.vals(m[(M.BASELINE, d, f)], "time")
        got = {s: (M.vals(m[(s, d, f)], "time"), False) for s in got}
    b = M.med({"x": base}, "x")
    out = {}
    for s, (t, _) in got.items():
        x = M.med({"x": t}, "x")
        out[s] = (x - b, M.rel(b, x))
    return out, b, walks


def _walks(excluded):
    return "walks excluded" if excluded else "walks included"


def _event_alone(run, g, g1, d, f, strategies):
    """{s: ns per operation}: the record call alone (event_ns_mean, from the
    go entry's latency pass, else the rate-1 cold entry's) times the go
    entry's events per operation, minus the same for `off`; what the
    events add with the walk's noise left out."""
    def per_op(s):
        fg = run.matrix.get(g, {}).get((s, d, f))
        epi = M.med(fg, "events_per_iter")
        ev = M.med(fg, "event_ns_mean") if M.med(fg, "event_ns_events") \
            else M.med(run.matrix.get(g1, {}).get((s, d, f)), "event_ns_mean")
        return None if epi is None or ev is None else epi * ev
    base = per_op(M.BASELINE)
    out = {}
    for s in strategies:
        x = per_op(s)
        if base is not None and x is not None:
            out[s] = x - base
    return out


def _events_per_op(run, g, d, f, strategies):
    """The measuring thread's events per operation at the go point, as
    'one event per N operations' over the strategies that ran."""
    m = run.matrix.get(g, {})
    e = [M.med(m.get((s, d, f)), "events_per_iter")
         for s in [M.BASELINE] + list(strategies)]
    e = [x for x in e if x]
    if not e:
        return ""
    lo, hi = 1 / max(e), 1 / min(e)
    span = f"{lo:,.0f}" if round(lo) == round(hi) else \
        f"{lo:,.0f}–{hi:,.0f}"
    return f"; one event per {span} operations"


def _paired_cost(run, g1, d, f, strategies):
    """{s: (median, lo, hi)}: s's event cost over `off`, cold, from the
    paired entry of the rate-1 cold point (the same walk, the event timed
    alone, 95% interval); {} without one."""
    figs = run.paired.get(g1, {}).get((d, f))
    out = {}
    for s in strategies:
        v = report_coldwarm.paired_diff(figs, s, M.BASELINE)
        if v:
            out[s] = v
    return out


def _per_op(run, g, d, f, cost):
    """{s: (median, lo, hi) ns per operation}: s's events per operation at
    the go point times its paired cold event cost."""
    out = {}
    for s, v in cost.items():
        epi = M.med(run.matrix[g].get((s, d, f)), "events_per_iter")
        if epi is not None:
            out[s] = tuple(epi * x for x in v)
    return out


def _unpaired(over):
    return _listing(f"{_code(s)} {M.fmt_dns(dn)} ({M.fmt_rel(r)})"
                    for s, (dn, r) in over.items())


# Why a per-operation figure scaled from a median is said as such: a mean
# is what events x cost needs, and with rare expensive events a median
# falls below the mean; the paired entry carries a median of per-round
# differences (each round's batch is itself a mean over its operations)
# and its interval, and no mean over rounds.
MEDIAN_WHY = ("a median over rounds of per-batch means, not a mean: the "
              "paired entry records no mean, and where some events cost far "
              "more than the rest the mean would be higher")
UNPAIRED = ("unpaired: separate entries, timed minutes apart, whose "
            "repetitions share the machine's drift, so no difference is "
            "claimed from them")


def go_rates(run, strategies):
    """Sentences: per rate:go group, at its deepest depth and frames, what
    profiling adds per operation -- the events per operation times the
    paired cold event cost, with its interval, where paired cold entries
    exist, else the record call's timed mean -- then the entries' own
    difference over `off` (unpaired, no verdict), and the event's cost at
    rate 1, cold.  [] for a file with no rate:go entries (as the
    warm-vs-cold finding, the topic is left out)."""
    out = []
    for g, g1 in go_groups(run):
        keys = list(run.matrix[g])
        d, f = max(M.axis(keys, 1)), max(M.axis(keys, 2))
        over, b, wx = overheads(run, g, d, f, strategies)
        head = (f"{M.group_title(g)}, at Go's default rate "
                f"({_rate_text(run, g[0])}), caches cold between events, "
                f"depth {d}, {f} frames")
        if b is None or not over:
            out.append(f"{head}: overhead over `{M.BASELINE}` "
                       f"{M.NOT_MEASURED}.")
            continue
        cost = _paired_cost(run, g1, d, f, over)
        per_op = _per_op(run, g, d, f, cost)
        alone = _event_alone(run, g, g1, d, f, over)
        rel = f" of `{M.BASELINE}`'s {M.fmt_ns(b)} operation"
        if per_op or alone:
            adds = ({s: f"{report_coldwarm.fmt_diff(v)} "
                        f"({M.fmt_rel(M.rel(b, b + v[0]))})"
                     for s, v in per_op.items()} if per_op else
                    {s: f"{M.fmt_dns(v)} ({M.fmt_rel(M.rel(b, b + v))})"
                     for s, v in alone.items()})
            how = ("its events per operation × the event's paired cold "
                   f"cost over `{M.BASELINE}`, 95% interval; " + MEDIAN_WHY
                   if per_op else
                   "the record call's mean time × events per operation, "
                   f"over `{M.BASELINE}`'s; no paired cold entry to give "
                   "an interval")
            out.append(f"{head}: what profiling adds per operation is " +
                       _listing(f"{_code(s)} {t}" for s, t in adds.items())
                       + rel + _events_per_op(run, g, d, f, over) +
                       f" ({how}).")
        else:
            out.append(f"{head}: what profiling adds per operation: "
                       f"{M.NOT_MEASURED} (no paired cold entry and no "
                       "timed record call).")
        if per_op and alone:
            out.append("The record call's timed mean × events per "
                       "operation gives " + _listing(
                           f"{_code(s)} {M.fmt_dns(v)}"
                           for s, v in alone.items()) + ".")
        out.append(f"The entries' own times over `{M.BASELINE}` "
                   f"({_walks(wx)}): " + _unpaired(over) +
                   f" ({UNPAIRED}).")
        off_epi = M.med(run.matrix[g].get((M.BASELINE, d, f)),
                        "events_per_iter")
        apart = [s for s in over if off_epi and M.rel(off_epi, M.med(
            run.matrix[g].get((s, d, f)), "events_per_iter")) is not None
            and abs(M.rel(off_epi, M.med(run.matrix[g][(s, d, f)],
                                         "events_per_iter"))) > 0.1]
        if apart:
            out.append(f"`{M.BASELINE}` fired {off_epi:.3g} events per "
                       "operation, " + _listing(
                           f"{_code(s)} " + format(M.med(
                               run.matrix[g][(s, d, f)], "events_per_iter"),
                               ".3g") for s in apart) +
                       ": a rate in time samples the waits that happen to "
                       "be long, so the walks did not fall on the same "
                       "operations" + (
                           "; they are left out of both sides (`walk_ns`), "
                           "and the difference holds the events and the "
                           "waits they lengthened." if wx else
                           ", and the difference of the entries holds walks "
                           "as well as events."))
        out.append(_rate1(run, g1, d, f, over, cost))
    return out


def _rate1(run, g1, d, f, strategies, cost):
    """The event's own cost at rate 1, cold: paired where it can be."""
    if cost:
        return ("At rate 1, cold, every operation an event, the event's "
                f"cost over `{M.BASELINE}` (paired, 95% interval): " +
                _listing(f"{_code(s)} {report_coldwarm.fmt_diff(v)}"
                         for s, v in cost.items()) + ".")
    over1, b1, wx1 = overheads(run, g1, d, f, strategies)
    if b1 is None or not over1:
        return f"At rate 1, cold ({M.group_title(g1)}): {M.NOT_MEASURED}."
    return (f"At rate 1, cold, every operation an event (`{M.BASELINE}` "
            f"{M.fmt_ns(b1)}, {_walks(wx1)}): " + _unpaired(over1) +
            f" ({UNPAIRED}).")
