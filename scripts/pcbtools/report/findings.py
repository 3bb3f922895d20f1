"""report.findings: what the numbers say, one computed sentence at a time.

Every sentence is built from the run's figures: which strategies exist,
which depths and frames were measured, and every number in it come from
the results file, so the findings change when the numbers do.  Where a
figure is missing the sentence says so ("not measured in this run").
A timing difference is called real only where a paired entry's 95%
interval excludes it from noise (report.scorecard's calibration); the
separate entries' medians are stated without a verdict.
Candidates are the strategies other than the baseline and the negative
controls; controls appear only in the correctness findings.
"""

from pcbtools import pcblib
from pcbtools.report import coldwarm as report_coldwarm
from pcbtools.report import gorate as report_gorate
from pcbtools.report import model as M
from pcbtools.report import scorecard as report_scorecard
from pcbtools.report import stackparts as report_stackparts
from pcbtools.report import storm as report_storm
from pcbtools.results import kinds


candidates = M.candidates


def primary(run):
    """The workload group the stack findings use: the reference workload's
    (its kind says so) if measured, else the first."""
    groups = list(run.matrix)
    ref = kinds.reference(run.context, [g[0] for g in groups])
    return next((g for g in groups if g[0] == ref), None)


listing, code, where = M.listing, M.code, M.group_title
deepest, fig_at = M.deepest, M.fig_at


# ---- stack ------------------------------------------------------------------

def stack_growth(run, g):
    depths, frames = deepest(run, g)
    out = []
    for s in candidates(run):
        by_d = {d: fig_at(run, g, s, d, frames[-1], "stack_bytes")
                for d in depths}
        by_d = {d: v for d, v in by_d.items() if v is not None}
        if not by_d:
            continue
        ds = sorted(by_d)
        if len(set(by_d.values())) == 1:
            out.append(f"{code(s)} uses {M.fmt_bytes(by_d[ds[0]])} of stack "
                       "per event at every measured depth ("
                       + ", ".join(map(str, ds)) + ").")
            continue
        grow = by_d[ds[-1]] - by_d[ds[0]]
        per = grow / (ds[-1] - ds[0])
        out.append(f"{code(s)} uses {M.fmt_bytes(by_d[ds[0]])} of stack "
                   f"per event at depth {ds[0]} and " + listing(
                       f"{M.fmt_bytes(by_d[d])} at depth {d}"
                       for d in ds[1:]) +
                   f": {M.fmt_dbytes(grow)} for {ds[-1] - ds[0]} more PCs, "
                   f"{per:.3g} B per PC.")
    return out or [f"Stack bytes per event in {where(g)}: {M.NOT_MEASURED}."]


def fibers(run, g):
    depths, frames = deepest(run, g)
    out = []
    for d in depths:
        f = frames[-1]
        fib = {s: fig_at(run, g, s, d, f, "min_fiber_stack")
               for s in candidates(run)}
        fib = {s: v for s, v in fib.items() if v is not None}
        if not fib:
            continue
        base = fig_at(run, g, M.BASELINE, d, f, "min_fiber_stack")
        tail = "" if base is None else \
            f" (`{M.BASELINE}`: {M.fmt_bytes(base)})"
        small = min(fib.values())
        big = sorted({v for v in fib.values() if v > small})
        if not big:
            out.append(f"At depth {d} with {f} frames, every strategy runs "
                       f"on {M.article(M.fmt_bytes(small))} "
                       f"{M.fmt_bytes(small)} fiber{tail}.")
            continue
        needs = listing(
            listing(code(s) for s, v in fib.items() if v == b) +
            f" {'needs' if sum(v == b for v in fib.values()) == 1 else 'need'}"
            f" {M.article(M.fmt_bytes(b))} {M.fmt_bytes(b)} fiber"
            for b in reversed(big))
        fits = listing(code(s) for s, v in fib.items() if v == small)
        out.append(f"At depth {d} with {f} frames, {needs} where {fits} "
                   f"{'fits' if ' and ' not in fits else 'fit'} in "
                   f"{M.fmt_bytes(small)}{tail}.")
    return out or [f"Fiber sizes in {where(g)}: {M.NOT_MEASURED}."]


def headroom(run, g):
    depths, frames = deepest(run, g)
    if not depths:
        return []
    d = depths[-1]
    hr = {s: fig_at(run, g, s, d, frames[-1], "headroom_bytes")
          for s in M.strategies([run]) if not M.is_control(s)}
    parts = [f"{code(s)} {M.fmt_bytes(v)}" for s, v in hr.items()
             if v is not None and s != M.BASELINE]
    if not parts:
        return [f"Headroom on a 2 KiB fiber: {M.NOT_MEASURED}."]
    base = hr.get(M.BASELINE)
    return [f"On a fresh 2 KiB fiber at depth {d}, the event path leaves the "
            "task's own frames " + listing(parts) +
            ("" if base is None else
             f" (`{M.BASELINE}` {M.fmt_bytes(base)})") + "."]


# ---- time -------------------------------------------------------------------

def latency(run, g):
    depths, frames = deepest(run, g)
    d, f = depths[-1], frames[-1]
    m = run.matrix[g]
    base = M.vals(m.get((M.BASELINE, d, f)), "time")
    here = {s: M.vals(m.get((s, d, f)), "time") for s in candidates(run)}
    here = {s: v for s, v in here.items() if v}
    if not here:
        return [f"Latency in {where(g)}: {M.NOT_MEASURED}."]
    med = {s: M.med(m[(s, d, f)], "time") for s in here}
    out = []
    figs = run.paired.get(g, {}).get((d, f))
    paired = {s: report_coldwarm.paired_diff(figs, s, M.BASELINE)
              for s in med}
    if base and all(paired.values()):
        out.append(f"{where(g)} at depth {d} with {f} frames, paired over "
                   f"`{M.BASELINE}` (95% interval): " + listing(
                       f"{code(s)} costs {report_coldwarm.fmt_diff(v)}"
                       for s, v in paired.items()) + " per operation.")
    elif base:
        b = M.med(m[(M.BASELINE, d, f)], "time")
        below = [s for s, t in med.items() if t < b]
        out.append(f"{where(g)} at depth {d} with {f} frames, separate "
                   "entries (unpaired, so no difference is claimed): over "
                   f"`{M.BASELINE}` ({M.fmt_ns(b)}), " + listing(
                       f"{code(s)} costs {M.fmt_dns(t - b)} "
                       f"({M.fmt_rel(M.rel(b, t))})"
                       for s, t in med.items()) + " per operation" + (
                       f" (below `{M.BASELINE}`: "
                       f"{listing(code(s) for s in below)}, noise between "
                       "separate entries, as a capture never costs less "
                       "than none)" if below else "") + ".")
    else:
        out.append(f"{where(g)} at depth {d} with {f} frames: overhead over "
                   f"`{M.BASELINE}` {M.NOT_MEASURED}; times " + listing(
                       f"{code(s)} {M.fmt_ns(t)}" for s, t in med.items()) +
                   ".")
    if len(med) > 1:
        out.append(_compared(run, g, d, f, med))
    ins = {s: fig_at(run, g, s, d, f, "instructions")
           for s in [M.BASELINE] + list(med)}
    ins = {s: v for s, v in ins.items() if v is not None}
    if ins:
        out.append("Instructions per event, exact: " + listing(
            f"{code(s)} {M.fmt_count(v)}" for s, v in ins.items()) + ".")
    ratios = [fig_at(run, g, s, d, f, "floor_ratio") for s in med]
    ratios = [r for r in ratios if r is not None]
    floor = M.med(run.floor.get((d, f)), "time")
    if ratios and g == primary(run):  # elsewhere the wait dominates
        out.append(f"The whole operation (the allocator and the harness "
                   f"included, not the event alone) takes {min(ratios):.2f}–"
                   f"{max(ratios):.2f}× the raw unwind into a warm buffer" + (
                       "" if floor is None else f" ({M.fmt_ns(floor)})") +
                   ".")
    return out


def _compared(run, g, d, f, med):
    """The strategies against each other: from the paired entry of the
    point where there is one (the same rounds, random order), never from
    the separate entries, whose repetitions share the machine's drift."""
    fast, slow = min(med, key=med.get), max(med, key=med.get)
    spread = (f"The separate entries' fastest, {code(fast)}, and slowest, "
              f"{code(slow)}, are {M.fmt_ns(med[slow] - med[fast])} apart "
              f"({M.fmt_rel(M.rel(med[fast], med[slow]))})")
    figs = run.paired.get(g, {}).get((d, f))
    ref = report_scorecard.reference(run)[1]
    ref = ref if ref in med else None
    pairs = [(s, report_coldwarm.paired_diff(figs, s, ref),
              report_scorecard.ratio(figs, s, ref)) for s in med
             if ref and s != ref]
    pairs = [(s, v, q) for s, v, q in pairs if v]
    if not pairs:
        return (spread + ": not a comparison (separate entries share the "
                "machine's drift); `--paired` compares them.")
    calib = report_scorecard.calibrated(run, g)
    # a ratio whose interval excludes 1 where the group's code clone
    # holds 1 (report.scorecard.decided); without a ratio, a difference
    # whose interval excludes 0, under the same calibration
    moved = [s for s, v, q in pairs
             if (report_scorecard.decided(q, calib) if q else
                 calib is not False and (v[1] > 0 or v[2] < 0))]
    verdict = (f"{listing(code(s) for s in moved)} "
               f"{'differs' if len(moved) == 1 else 'differ'} from `{ref}` "
               "(the interval excludes 1; the code clone's holds it)"
               if moved else report_scorecard.undecided(calib))
    return (spread + "; paired, " + listing(
        f"{code(s)} − `{ref}` {report_coldwarm.fmt_diff(v)}"
        for s, v, _ in pairs) + f" per operation (95% interval): {verdict}.")


def tails(run, g):
    depths, frames = deepest(run, g)
    d, f = depths[-1], frames[-1]
    p99 = {s: fig_at(run, g, s, d, f, "p99_ns") for s in candidates(run)}
    p99 = {s: v for s, v in p99.items() if v is not None}
    mx = {s: fig_at(run, g, s, d, f, "max_ns") for s in p99}
    if not p99:
        return [f"Latency distribution in {where(g)}: {M.NOT_MEASURED}."]
    lo, hi = min(p99, key=p99.get), max(p99, key=p99.get)
    worst = max((s for s in mx if mx[s] is not None), key=mx.get,
                default=None)
    if M.fmt_ns(p99[lo]) == M.fmt_ns(p99[hi]):
        text = f"p99 is {M.fmt_ns(p99[lo])} for every strategy"
    else:
        text = (f"p99 runs from {M.fmt_ns(p99[lo])} ({code(lo)}) to "
                f"{M.fmt_ns(p99[hi])} ({code(hi)})")
    if worst is not None:
        text += (f"; the slowest single operation took "
                 f"{M.fmt_ns(mx[worst])} ({code(worst)})")
    return [f"In {where(g)} at depth {d} with {f} frames, {text}."]


# ---- memory -----------------------------------------------------------------

def heap(run):
    if not run.heap:
        return [f"Heap at T threads: {M.NOT_MEASURED} (no `heap/` entries)."]
    out = []
    t = max(k[2] for k in run.heap)
    for d in sorted({k[1] for k in run.heap}):
        parts, ps = [], set()
        for s in candidates(run):
            by_p = {k[3]: M.med(v, "heap_bytes") for k, v in run.heap.items()
                    if k[:3] == (s, d, t)}
            by_p = {p: v for p, v in sorted(by_p.items()) if v is not None}
            ps |= set(by_p)
            if len(set(by_p.values())) == 1:
                v = next(iter(by_p.values()))
                parts.append(f"{code(s)} {M.fmt_bytes(v)}" + (
                    " at every share" if len(by_p) > 1 else ""))
            elif by_p:
                parts.append(f"{code(s)} " + listing(
                    f"{M.fmt_bytes(v)} at {p:g}%" for p, v in by_p.items()))
        if parts:
            out.append(f"With {t} threads at depth {d}, of which " +
                       " or ".join(f"{p:g}%" for p in sorted(ps)) +
                       " record events, the buffers hold: " +
                       "; ".join(parts) + ".")
    return out


def _span(figs, base):
    """'+x (a to b)': figs' median time minus base, and its repetitions'
    range shifted the same way (one repetition: the median alone)."""
    t = M.vals(figs, "time")
    x = M.med(figs, "time") - base
    if len(t) < 2 or min(t) == max(t):
        return M.fmt_dns(x)
    return f"{M.fmt_dns(x)} ({M.fmt_dns(min(t) - base)} to " \
        f"{M.fmt_dns(max(t) - base)})"


def starts(run):
    """Thread start over `off` and a first event over a warm one, per
    strategy: medians of separate entries with their repetitions' range,
    stated without a verdict (no paired entry gives them an interval)."""
    keys = set(run.thread_start) | set(run.first_event)
    if not keys:
        return [f"Thread-start and first-event cost: {M.NOT_MEASURED}."]
    out = []
    for d in sorted({k[1] for k in keys}):
        t0 = M.med(run.thread_start.get((M.BASELINE, d)), "time")
        part = []
        for s in candidates(run):
            ts, fe = run.thread_start.get((s, d)), run.first_event.get((s, d))
            said = []
            if ts and t0 is not None:
                h = M.med(ts, "heap_bytes_per_thread")
                said.append(f"{_span(ts, t0)} at thread start" + (
                    f" (keeping {M.fmt_bytes(h)} per thread)" if h else ""))
            warm = M.med(fe, "warm_event_ns")
            if fe and warm is not None:
                said.append(f"{_span(fe, warm)} on its first event over a "
                            "warm one")
            if said:
                part.append(f"{code(s)} " + listing(said))
        if part:
            out.append(f"At depth {d}, over `{M.BASELINE}`: " +
                       "; ".join(part) + " (medians of separate entries and "
                       "their repetitions' range: no interval, so no "
                       "verdict).")
    return out


# ---- correctness ------------------------------------------------------------

def checked(run):
    bad, n, checked_events = [], 0, 0
    for g, m in run.matrix.items():
        for (s, d, f), figs in m.items():
            c = M.med(figs, "correct")
            if c is None:
                continue
            n += 1
            checked_events += sum(figs.get("checked", []))
            if c < 1:
                bad.append(f"{code(s)} in {where(g)} at depth {d} with {f} "
                           f"frames: {M.fmt_frac(c)}")
    if not n:
        return [f"Correctness of the captures: {M.NOT_MEASURED}."]
    if bad:
        return ["Captures below the ground truth: " + "; ".join(bad) + "."]
    return [f"Every checked capture matched the ground truth: correct = 100% "
            f"in {M.entries(n)} ({M.fmt_count(checked_events)} events)."]


def truncation(run):
    g = primary(run)
    if g is None:
        return []
    depths, frames = deepest(run, g)
    out = []
    for d in depths:
        tr = {f: [fig_at(run, g, s, d, f, "truncated")
                  for s in candidates(run)] for f in frames}
        tr = {f: max(v for v in x if v is not None) for f, x in tr.items()
              if any(v is not None for v in x)}
        cut = [f for f, v in tr.items() if v > 0]
        whole = [f for f, v in tr.items() if v == 0]
        if not tr:
            continue
        out.append(f"At depth {d}, " + (
            "captures were truncated at " + listing(
                f"{f} frames ({M.fmt_frac(tr[f])})" for f in cut)
            if cut else "no capture was truncated") + (
            "; complete at " + listing(f"{f}" for f in whole) + " frames"
            if cut and whole else "") + ".")
    return out


def churn(run):
    if not run.churn:
        return [f"Thread churn and injected faults: {M.NOT_MEASURED}."]
    out = []
    faults = sorted({d for (s, d, fl) in run.churn if fl})
    for d in faults:
        total = M.med(run.churn.get((M.BASELINE, d, True)), "registered")
        parts = []
        for s in candidates(run):
            figs = run.churn.get((s, d, True))
            if not figs:
                continue
            inj, lost = M.med(figs, "injected_failures"), M.med(figs, "lost")
            reg, rec = M.med(figs, "registered"), M.med(figs, "recovered")
            if not inj:
                parts.append(f"{code(s)} had no allocation to fail")
                continue
            did = [f"had {M.fmt_count(inj)} failures",
                   f"lost {M.fmt_count(lost)} events",
                   f"registered {M.fmt_count(reg)}" + (
                       "" if total is None else f" of {M.fmt_count(total)}")
                   + " threads"]
            if rec:
                did.append(f"recovered {M.fmt_count(rec)} times")
            parts.append(f"{code(s)} " + listing(did))
        if parts:
            out.append(f"With injected allocation failures at depth {d}, "
                       + "; ".join(parts) + ".")
    leaks = [(k, M.med(v, "leaked_bytes")) for k, v in run.churn.items()]
    leaky = [f"{code(k[0])} at depth {k[1]}: {M.fmt_bytes(v)}"
             for k, v in leaks if v]
    known = [v for _, v in leaks if v is not None]
    if leaky:
        out.append("Leaked in churn: " + "; ".join(leaky) + ".")
    elif known:
        out.append(f"No strategy leaked in "
                   f"{M.entries(len(known), 'churn entries')} "
                   "(`leaked_bytes` = 0).")
    return out


# ---- the answer -------------------------------------------------------------

def per_thread_heap(run, s, d):
    v = M.med(run.thread_start.get((s, d)), "heap_bytes_per_thread")
    if v is not None:
        return v
    full = [(k[2], M.med(f, "heap_bytes")) for k, f in run.heap.items()
            if k[:2] == (s, d) and k[3] == 100]
    full = [(t, h) for t, h in full if h is not None]
    return max(full)[1] / max(full)[0] if full else None


def answer(run):
    g = primary(run)
    if g is None:
        return []
    depths, frames = deepest(run, g)
    d, f = depths[-1], frames[-1]
    sb = {s: fig_at(run, g, s, d, f, "stack_bytes") for s in candidates(run)}
    sb = {s: v for s, v in sb.items() if v is not None}
    if len(sb) < 2:
        return []
    if "stack" in sb and "thread" in sb:  # the question as Go faced it
        big, small = "stack", "thread"
    else:
        big, small = max(sb, key=sb.get), min(sb, key=sb.get)
    if sb[big] == sb[small]:
        return [f"At depth {d} {code(small)} and {code(big)} take the same "
                f"stack per event ({M.fmt_bytes(sb[big])})."]
    if sb[small] > sb[big]:  # stack/thread forced, and thread took more
        big, small = small, big
    m = run.matrix[g]
    tb, ts = M.vals(m[(big, d, f)], "time"), M.vals(m[(small, d, f)], "time")
    fb = fig_at(run, g, big, d, f, "min_fiber_stack")
    fs = fig_at(run, g, small, d, f, "min_fiber_stack")
    h = per_thread_heap(run, small, d)
    text = (f"At depth {d}, {code(small)} takes "
            f"{M.fmt_bytes(sb[big] - sb[small])} less stack per event than "
            f"{code(big)} ({M.fmt_bytes(sb[small])} vs {M.fmt_bytes(sb[big])}")
    if fb is not None and fs is not None:
        text += (f"; {M.article(M.fmt_bytes(fs))} {M.fmt_bytes(fs)} fiber "
                 f"vs {M.fmt_bytes(fb)} at {f} frames")
    text += ")"
    pr = M.paired_ratio(run, g, d, f, small, big)
    if pr is not None:
        # calibrated: where the group's code clone differs from its
        # original, nothing in the group is decided (report.scorecard)
        calib = report_scorecard.calibrated(run, g)
        why = M.physics_check(run, g, d, f, small, big, pr[3:])
        if not report_scorecard.decided(pr[:3], calib):
            why = report_scorecard.undecided(calib)
        text += (f" for a time ratio {code(small)}/{code(big)} of "
                 f"{M.fmt_paired(pr, why)}")
    elif tb and ts:
        a, b = M.med(m[(big, d, f)], "time"), M.med(m[(small, d, f)], "time")
        text += (f"; the separate entries' medians are {M.fmt_dns(b - a)} "
                 f"apart ({M.fmt_rel(M.rel(a, b))}; unpaired, so no "
                 "difference is claimed: `--paired` measures it)")
    if h is not None:
        text += f", and holds {M.fmt_bytes(h)} of heap per thread that has it"
    return [text + "."]


# ---- anatomy ----------------------------------------------------------------

def anatomy(run, g):
    """The strategy's own share of an event's instructions, per strategy at
    the deepest depth and frames that carry a breakdown."""
    keys = [k for k, figs in run.matrix.get(g, {}).items()
            if M.anatomy(figs)]
    if not keys:
        return []
    d, f = max(k[1] for k in keys), None
    f = max(k[2] for k in keys if k[1] == d)
    out = []
    for s in candidates(run):
        figs = run.matrix[g].get((s, d, f))
        a = M.anatomy(figs)
        if a is None:
            continue
        total = M.med(figs, "instructions")
        if total is None:
            total = sum(a.values())
        others = listing(f"the {p} {M.fmt_share(a[p], total)}"
                         for p in M.ANATOMY_PARTS[1:] if a[p])
        out.append(f"{where(g)}, {code(s)}: the strategy's own work is "
                   f"{M.fmt_count(a['strategy'])} of {M.fmt_count(total)} "
                   f"instructions ({M.fmt_share(a['strategy'], total)}) at "
                   f"depth {d}, {f} frames" + (f"; {others}" if others
                                               else "") + ".")
    return out


def findings(run):
    """[(topic, [sentences])] for one run."""
    g = primary(run)
    groups = list(run.matrix)
    out = [("The answer", answer(run))]
    if g is not None:
        out.append(("Stack", stack_growth(run, g) + fibers(run, g)
                    + headroom(run, g) + report_stackparts.findings(run, g)))
    else:
        out.append(("Stack", [f"Stack figures: {M.NOT_MEASURED} (no "
                              "workload entries)."] +
                    report_stackparts.findings(run, None)))
    lat = []
    for grp in groups:
        lat += latency(run, grp) + tails(run, grp)
    out.append(("Time", lat or [f"Latency: {M.NOT_MEASURED}."]))
    anat = []
    for grp in groups:
        anat += anatomy(run, grp)
    out.append(("Anatomy of an event", anat or [
        f"Where an event's instructions go: {M.NOT_MEASURED} (no `ir_*` "
        "figures; `make bench-ci` writes them)."]))
    wc = report_coldwarm.warm_cold(run)
    if wc:
        out.append(("Warm vs cold", wc))
    go = report_gorate.go_rates(run, candidates(run))
    if go:
        out.append((report_gorate.TOPIC, go))
    out.append(("Heap and thread life", heap(run) + starts(run)))
    out.append(("Correctness", checked(run) + truncation(run)
                + report_storm.findings(run) + churn(run)))
    return [(t, s or [f"{t}: {M.NOT_MEASURED}."]) for t, s in out]


# ---- two runs ---------------------------------------------------------------

def changes(a, b):
    """Sentences on what moved from run a to run b (common entries)."""
    names = [n for n in a.res.runs if n in b.res.runs]
    only_a = len(a.res.runs) - len(names)
    only_b = len(b.res.runs) - len(names)
    out = [f"{M.entries(len(names))} "
           f"{'is' if len(names) == 1 else 'are'} in both files"
           + (f"; {only_a} only in {a.label}" if only_a else "")
           + (f"; {only_b} only in {b.label}" if only_b else "") + "."]
    tol = pcblib.BY_NAME["time"].tolerance
    moved = []
    # heap/ and churn/ times are thread start-ups, not the events compared
    for n in (n for n in names
              if pcblib.parse_name(n).kind not in ("heap", "churn")):
        r = M.rel(M.med(a.res.runs[n], "time"), M.med(b.res.runs[n], "time"))
        if r is not None and abs(r) > tol:
            moved.append(n)
    # Two files share no rounds: their entries' medians differ by the
    # machine's drift as well, and with many entries compared some move
    # by chance; so this counts, and claims nothing (`compare --paired`
    # or a paired entry in each file decides).
    out.append(f"{M.entries(len(moved), 'timed entries')} of "
               f"{M.entries(len(names))} have medians more than {tol:.0%} "
               "apart; separate runs share no rounds, and no correction "
               "is made for the number of entries compared, so no entry "
               "is claimed to have moved (`scripts/compare --paired` "
               "decides).")
    exact_changed = False
    for fig in (f for f in pcblib.FIGURES if f.kind == "exact"):
        diff = [(n, M.med(a.res.runs[n], fig.name), M.med(b.res.runs[n],
                                                          fig.name))
                for n in names]
        diff = [(n, x, y) for n, x, y in diff
                if x is not None and y is not None and x != y]
        if diff:
            n, x, y = max(diff, key=lambda t: abs(t[2] - t[1]))
            fmt = M.fmt_frac if fig.unit == "fraction" else \
                (lambda v: f"{M.fmt_count(v)} B") if fig.unit == "bytes" \
                else M.fmt_count
            out.append(f"`{fig.name}` changed in {M.entries(len(diff))}; the "
                       f"largest: `{n}` {fmt(x)} → {fmt(y)}.")
            exact_changed = True
    if not exact_changed:
        out.append("No exact figure changed.")
    return out
