"""report.scorecard: the answer at a glance -- one table, then what it
decides.

The model: the question has four costs (stack, heap, time, correctness),
and a reader compares strategies on all four at once.  The scorecard is
one table, the strategies as columns (the candidates: `off`, the
negative control and code clones aside), one figure a row:

  stack         stack per event at each measured depth, the fiber needed
                and the headroom left on a fresh fiber (deepest point)
  heap          heap per thread that records, and the buffers' heap at
                the most threads measured, at each recording share
  time          each workload's cost over `off` per operation, warm and
                cold, and the ratio to the reference strategy (the one
                the code clone copies), from the paired entries with
                their 95% intervals; overhead at Go's default rates
                (events per operation x the paired cold cost); thread
                start and first event (separate entries: medians, no
                interval, so no verdict)
  correctness   checked events and how many matched, the storm's verdict
                with its power

Invariants: every figure is read from the results file (no number, and
no workload, suite or strategy name, is written here: groups come from
the file, the workload order from the context's workload_kinds, the
reference from strategy_clones); a row whose figure no strategy has is
left out, a cell the run did not measure shows "—".  Below the table one
paragraph says what the paired intervals decide.  The rule: a ratio is
decided where its 95% interval excludes 1 AND, in the same group
(workload, variant), every interval of the code clone (the A/A control:
the same source at another address) holds 1.  The clone is the
calibration: where it "differs" from the strategy it copies, that
group's intervals are too narrow and nothing in it is decided.  A group
with no clone is judged by its intervals alone, and the paragraph says
so.  The clone's spread around 1 is still given, as the size of the
noise.
"""
from pcbtools.report import coldwarm as report_coldwarm
from pcbtools.report import gorate as report_gorate
from pcbtools.report import model as M
from pcbtools.report import shipped as report_shipped
from pcbtools.report import storm as report_storm
from pcbtools.report.render import Para, Section, table

ID, TITLE = "scorecard", "The answer at a glance"


# ---- where the figures are ---------------------------------------------------

def _kinds(run, key):
    """{name: {attr: value or True}} of a context "name:a,k=v;..." key."""
    out = {}
    text = run.context.get(key)
    for row in (text.split(";") if isinstance(text, str) else []):
        name, _, attrs = row.partition(":")
        out[name] = {a.partition("=")[0]: a.partition("=")[2] or True
                     for a in attrs.split(",") if a}
    return out


def workload_order(run):
    """The matrix's workloads in the context's workload_kinds order, then
    any other the file holds, in its own order."""
    kinds = list(_kinds(run, "workload_kinds"))
    seen = []
    for wl, _ in run.matrix:
        if wl not in seen:
            seen.append(wl)
    return sorted(seen, key=lambda w: (kinds.index(w) if w in kinds
                                       else len(kinds), seen.index(w)))


def primary(run):
    """The group the stack rows read: the first workload's plain entries
    (no other parameter, warm), else its first group."""
    for wl in workload_order(run):
        groups = [g for g in run.matrix if g[0] == wl]
        return next((g for g in groups if not g[1]), groups[0])
    return None


def reference(run):
    """(clone, the strategy it copies) from the context's strategy_clones;
    for a file without it, (None, the strategy the paired entries take
    differences over, other than `off`); (None, None) without either."""
    text = run.context.get("strategy_clones")
    for row in (text.split(";") if isinstance(text, str) else []):
        clone, _, ref = row.partition(":")
        if clone and ref:
            return clone, ref
    for m in run.paired.values():
        for figs in m.values():
            for k in figs:
                arm, sep, ref = k[:-len("_ns")].partition("_minus_") \
                    if k.endswith("_ns") else ("", "", "")
                if sep and ref and ref != M.BASELINE and "_" not in ref:
                    return None, ref
    return None, None


def columns(run):
    return M.candidates(run)


# ---- cells -------------------------------------------------------------------

def ratio(figs, arm, ref):
    """(median, lo, hi) of arm over ref from a paired entry, or None."""
    k = f"{arm}_over_{ref}"
    if not figs or any(x not in figs for x in (k, k + "_lo", k + "_hi")):
        return None
    return tuple(float(figs[x][0]) for x in (k, k + "_lo", k + "_hi"))


def fmt_ratio(v):
    return M.MISSING if v is None else \
        f"×{v[0]:.4f} [{v[1]:.4f}, {v[2]:.4f}]"


def noise(run, group=None):
    """The code clone's spread: the largest distance from 1 of either end
    of its ratio-to-reference interval over the paired entries of one
    group (workload, variant; every group for None), or None where they
    hold no clone."""
    clone, ref = reference(run)
    ends = [abs(x - 1) for g, m in run.paired.items()
            if group is None or g == group for figs in m.values()
            for x in (ratio(figs, clone, ref) or ())[1:]]
    return max(ends) if ends else None


def calibrated(run, group):
    """True where every interval of the code clone's ratio to its
    original in group holds 1, False where one excludes it (the group's
    intervals are then too narrow to decide anything), None where the
    group holds no clone."""
    clone, ref = reference(run)
    vs = [ratio(figs, clone, ref) for g, m in run.paired.items()
          if g == group for figs in m.values()]
    vs = [v for v in vs if v is not None]
    if not vs:
        return None
    return all(v[1] <= 1 <= v[2] for v in vs)


def decided(v, calib):
    """+1 / -1 where the interval (median, lo, hi) of a ratio lies above /
    below 1 and its group's clone does not differ (calib is not False,
    see calibrated), else 0."""
    if calib is False:
        return 0
    return 1 if v[1] > 1 else -1 if v[2] < 1 else 0


def undecided(calib):
    """Why a ratio that decided() leaves at 0 is not a difference."""
    if calib is False:
        return ("not decided: the code clone differs from its original in "
                "this group, so its intervals are too narrow")
    return "no difference: the interval holds 1"


def _row(label, cells):
    return [label] + [M.MISSING if c is None else c for c in cells]


def stack_rows(run, cols):
    """Stack per event at each depth, the fiber needed and the headroom
    at the deepest depth: the primary group at its deepest frames (the
    caption names them)."""
    g = primary(run)
    if g is None:
        return []
    depths, frames = M.deepest(run, g)
    d, f = depths[-1], frames[-1]
    at = lambda s, d_, name: M.fig_at(run, g, s, d_, f, name)  # noqa: E731
    rows = [(f"stack per event, depth {x}", [at(s, x, "stack_bytes")
                                            for s in cols]) for x in depths]
    rows.append((f"fiber needed, depth {d}",
                  [at(s, d, "min_fiber_stack") for s in cols]))
    rows.append((f"headroom on a fresh fiber, depth {d}",
                 [at(s, d, "headroom_bytes") for s in cols]))
    return [_row(t, [None if v is None else M.fmt_bytes(v) for v in vs])
            for t, vs in rows if any(v is not None for v in vs)]


def heap_rows(run, cols):
    rows = []
    depths = M.axis(list(run.thread_start), 1)
    if depths:
        d = depths[-1]
        per = [M.med(run.thread_start.get((s, d)), "heap_bytes_per_thread")
               for s in cols]
        if any(v is not None for v in per):
            rows.append(_row(f"heap per thread, depth {d}",
                             [None if v is None else M.fmt_bytes(v)
                              for v in per]))
    if not run.heap:
        return rows
    d, t = max(k[1] for k in run.heap), max(k[2] for k in run.heap)
    for p in sorted({k[3] for k in run.heap if k[1:3] == (d, t)}):
        vs = [M.med(run.heap.get((s, d, t, p)), "heap_bytes") for s in cols]
        rows.append(_row(f"heap for {t:,} threads, {p:g}% recording, "
                         f"depth {d}", [None if v is None else
                                        M.fmt_bytes(v) for v in vs]))
    return rows


def _paired_points(run):
    """[(group, (d, f), figs)]: each paired group's deepest point, the
    workloads in their order, warm before cold."""
    order = workload_order(run)
    groups = sorted(run.paired, key=lambda g: (
        order.index(g[0]) if g[0] in order else len(order),
        "cache:cold" in g[1].split("/"), g[1]))
    return [(g, max(run.paired[g]), run.paired[g][max(run.paired[g])])
            for g in groups if run.paired[g]]


def point_title(g, df, run=None):
    """'`wl` (variant) warm, depth D, F frames' (no point for df None; no
    variant where run holds the workload with one variant only)."""
    cache = "cold" if "cache:cold" in g[1].split("/") else "warm"
    rest = "/".join(p for p in g[1].split("/") if p != "cache:cold")
    if run is not None and len({
            "/".join(p for p in v.split("/") if p != "cache:cold")
            for w, v in run.paired if w == g[0]}) == 1:
        rest = ""
    return (f"`{g[0]}`" + (f" ({rest})" if rest else "") + f" {cache}" +
            ("" if df is None else f", depth {df[0]}, {df[1]} frames"))


def fmt_interval(v):
    """'+416 [+397, +436] ns': (median, lo, hi) in ns, the unit once
    where all three share it."""
    texts = [M.fmt_dns(x) for x in v]
    units = {t.rsplit(" ", 1)[-1] for t in texts}
    if len(units) > 1:
        return report_coldwarm.fmt_diff(v)
    a, lo, hi = (t.rsplit(" ", 1)[0] for t in texts)
    return f"{a} [{lo}, {hi}] {units.pop()}"


def time_rows(run, cols):
    """Per paired group's deepest point: the cost over `off` and the ratio
    to the reference, then the overhead at Go's rates."""
    _, ref = reference(run)
    rows = []
    points = _paired_points(run)
    one = len({df for _, df, _ in points}) == 1
    for g, df, figs in points:
        where = point_title(g, None if one else df, run)
        over = [report_coldwarm.paired_diff(figs, s, M.BASELINE)
                for s in cols]
        if any(over):
            rows.append(_row(f"{where}: cost over `{M.BASELINE}`",
                             [v and fmt_interval(v) for v in over]))
        rat = [None if s == ref else ratio(figs, s, ref) for s in cols]
        if ref and any(rat):
            rows.append(_row(f"{where}: time ÷ `{ref}`",
                             ["1 (reference)" if s == ref else
                              v and fmt_ratio(v)
                              for s, v in zip(cols, rat)]))
    return rows + go_rows(run, cols)


def caption(run):
    """Where the rows' points are, said once."""
    parts = []
    g = primary(run)
    if g is not None:
        parts.append(f"stack rows: {M.group_title(g)} at "
                     f"{M.deepest(run, g)[1][-1]} frames")
    points = {df for _, df, _ in _paired_points(run)}
    if len(points) == 1:
        d, f = points.pop()
        parts.append(f"times per operation: paired, 95% interval, depth "
                     f"{d}, {f} frames")
    elif points:
        parts.append("times per operation: paired, 95% interval")
    return "Strategies side by side" + (
        " (" + "; ".join(parts) + ")" if parts else "")


def go_rows(run, cols):
    """Overhead at Go's default rates: events per operation x the paired
    cold cost over `off`, with its interval (report.gorate's model)."""
    rows = []
    for g, g1 in report_gorate.go_groups(run):
        keys = list(run.matrix[g])
        d, f = max(M.axis(keys, 1)), max(M.axis(keys, 2))
        cost = report_gorate._paired_cost(run, g1, d, f, cols)
        per_op = report_gorate._per_op(run, g, d, f, cost)
        if per_op:
            rows.append(_row(f"`{g[0]}` at Go's default rate: added per "
                             "operation (events × paired cold cost)",
                             [s in per_op and fmt_interval(per_op[s])
                              for s in cols]))
    return rows


def _median_range(figs, extra=None):
    """'+x ns (a–b)': the median of figs' time minus extra's median, and
    the range of the repetitions shifted the same way."""
    t = M.vals(figs, "time")
    if not t:
        return None
    base = 0.0 if extra is None else extra
    lo, hi = min(t) - base, max(t) - base
    text = M.fmt_dns(M.med(figs, "time") - base)
    return text if len(t) < 2 or lo == hi else \
        f"{text} ({M.fmt_dns(lo)} to {M.fmt_dns(hi)})"


def start_rows(run, cols):
    rows = []
    depths = M.axis(list(run.thread_start) + list(run.first_event), 1)
    if not depths:
        return rows
    d = depths[-1]
    base = M.med(run.thread_start.get((M.BASELINE, d)), "time")
    if base is not None:
        cells = [_median_range(run.thread_start.get((s, d)), base)
                 for s in cols]
        if any(cells):
            rows.append(_row(f"thread start over `{M.BASELINE}`, depth {d} "
                             "(unpaired median, range)", cells))
    cells = [_median_range(run.first_event.get((s, d)),
                           M.med(run.first_event.get((s, d)),
                                 "warm_event_ns"))
             if M.med(run.first_event.get((s, d)), "warm_event_ns")
             is not None else None for s in cols]
    if any(cells):
        rows.append(_row(f"first event over a warm one, depth {d} "
                         "(unpaired median, range)", cells))
    return rows


def correctness_rows(run, cols):
    rows = []
    cells = []
    for s in cols:
        figs = [x for m in run.matrix.values() for k, x in m.items()
                if k[0] == s and M.med(x, "correct") is not None]
        n = sum(sum(x.get("checked", [])) for x in figs)
        worst = min((M.med(x, "correct") for x in figs), default=None)
        cells.append(None if worst is None else
                     f"{M.fmt_frac(worst)} of {M.fmt_count(n)} correct"
                     if n else M.fmt_frac(worst))
    if any(cells):
        rows.append(_row("checked events: the worst entry's share correct",
                         cells))
    cells = [_storm_cell(run, s) for s in cols]
    if any(cells):
        rows.append(_row("signal storm: verdict (least power)",
                         cells))
    return rows


def _storm_cell(run, s):
    """The worst verdict over s's storm entries and the least power."""
    ents = [e for e in report_storm.entries(run) if e[1][0] == s]
    if not ents:
        return None
    rank = {report_storm.FAIL: 0, report_storm.UNJUDGED: 1,
            report_storm.OK: 2}
    kind = min((e[3] for e in ents), key=lambda k: rank.get(k, 1))
    power = [M.med(e[2], "storm_power") for e in ents]
    power = [p for p in power if p is not None]
    return kind + (f" (power ≥ {min(power):.4g})" if power else "")


# ---- what is decided ---------------------------------------------------------

def verdict(run, cols):
    """The paragraph under the table: per paired point, which ratios to
    the reference are decided (calibrated(), decided()), which hold 1,
    and in which groups the clone itself differs, so nothing is."""
    clone, ref = reference(run)
    points = _paired_points(run)
    if not points:
        return ("No paired entries in this run: no time difference between "
                "strategies is decided (the separate entries' medians share "
                "the machine's drift; `pcbench --paired` measures them).")
    up, down, held, sizes, void = [], [], [], [], []
    for g, df, figs in points:
        band, calib = noise(run, g), calibrated(run, g)
        if band is not None:
            sizes.append(f"±{band:.2%} at {point_title(g, None, run)}")
        out = ([], [], [])
        for s in cols:
            v = None if s == ref else ratio(figs, s, ref)
            if v is not None:
                out[{1: 0, -1: 1, 0: 2}[decided(v, calib)]].append(
                    f"{M.code(s)} {fmt_ratio(v)}")
        for said, got in zip((up, down, void if calib is False else held),
                             out):
            if got:
                said.append(f"at {point_title(g, df, run)}, "
                            + M.listing(got))
    text = (f"Decided: a time ratio to `{ref}` whose paired 95% interval "
            "excludes 1, in a group where every interval of the code "
            + (f"clone `{clone}` " if clone else "clone ")
            + "(the same source at another address) holds 1: the clone is "
            "the calibration, and where it differs, that group's intervals "
            "are too narrow and nothing in it is decided. ")
    text += (f"The clone's spread around 1, the size of the noise: "
             f"{M.listing(sizes)}. " if sizes else
             "These paired entries hold no code clone, so their intervals "
             "are uncalibrated and judged alone. ")
    if void:
        text += ("Not decided, the code clone differing from its original "
                 "in the group: " + "; ".join(void) + ". ")
    if up or down:
        said = "; ".join([f"slower {w}" for w in up] +
                         [f"faster {w}" for w in down])
        text += said[0].upper() + said[1:] + ". "
    else:
        text += "At the points in the table no ratio is decided: no " \
            "difference in time between the strategies is decided there. "
    if held:
        text += ("No difference (the interval holds 1): " + "; ".join(held)
                 + ". ")
    text += elsewhere(run, cols, ref, {(g, df) for g, df, _ in points})
    text += ("The stack, heap and correctness rows are exact counts; the "
             "thread-start and first-event rows are medians of separate "
             "entries, stated without a verdict.")
    return text


def elsewhere(run, cols, ref, shown):
    """A sentence on the paired points the table does not show: how many
    ratios there are decided, and which."""
    beyond, n = [], 0
    for g, m in run.paired.items():
        calib = calibrated(run, g)
        for df, figs in sorted(m.items()):
            if (g, df) in shown:
                continue
            for s in cols:
                v = None if s == ref else ratio(figs, s, ref)
                if v is None:
                    continue
                n += 1
                if decided(v, calib):
                    beyond.append(f"{M.code(s)} at {point_title(g, df, run)}"
                                  f" ({fmt_ratio(v)})")
    if not n:
        return ""
    said = (f"{len(beyond)} {'is' if len(beyond) == 1 else 'are'} "
            "decided: " + "; ".join(beyond) if beyond else
            "none is decided")
    return (f"At the other paired points ({n} ratios, the plots under "
            f"Latency), {said} (of {n} 95% intervals, about {n / 20:.2g} "
            "would exclude the truth by chance alone). ")


def section(runs):
    """The scorecard of each run (the last first when there are two)."""
    blocks = []
    for run in reversed(runs):
        cols = columns(run)
        rows = (stack_rows(run, cols) + heap_rows(run, cols)
                + time_rows(run, cols) + start_rows(run, cols)
                + correctness_rows(run, cols))
        label = caption(run) + (f" -- {run.label}" if len(runs) > 1
                                else "")
        blocks.append(table(label, ["figure"] + [M.code(s) for s in cols],
                            rows, "Every figure is this results file's; "
                            "— marks one it did not measure; a range is "
                            "the repetitions' of separate entries, no "
                            "interval, so no verdict."))
        blocks.append(Para(verdict(run, cols)))
        blocks += report_shipped.blocks(run)  # external rows, if any
    return Section(ID, TITLE, blocks)

