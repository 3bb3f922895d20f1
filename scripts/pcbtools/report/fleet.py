"""report.fleet: what each strategy would cost a whole process or fleet.

Inputs (command line, shown on the page): T OS threads, of which P% ever
record an event; G goroutine-like tasks that record events; R events per
second; S thread starts per second; and the workload and frames whose
per-event figures are used.  Per strategy and depth, from the measured
per-unit figures of the results file:

  heap    = fixed + T * eager + ceil(T * P / 100) * (active - eager)
            fixed: held whatever the thread count (percpu's and pool's
            shared set); eager: bytes a thread holds before its first
            event; active: after it.  Fitted by least squares over the
            `heap/` entries (n = ceil(T * P / 100) threads record, as
            pcbench starts them); with too few, fixed = 0 and eager comes
            from `thread_start/` (heap_bytes_per_thread).  The fit is
            checked against every `heap/` entry and the largest miss shown.
  stacks  = G * min_fiber_stack   (the measured smallest fiber on which the
            workload's event completes at that depth and frames: a task
            whose stack must be that large to record an event)
  CPU     = R * cost                                   per-event overhead
          + S * (thread_start - thread_start_off)      eager pays here
          + S * P / 100 * (first_event - warm_event)   lazy pays here
            in ns per second, shown as cores.  cost is the event's paired
            cost over `off` with its 95% interval: cold (a profiler's
            events are rare, so their caches are cold) where the run has
            paired cold entries, else warm, said so; the CPU's interval is
            that interval scaled (the thread-start and first-event terms
            are medians of separate entries, with none).  No difference is
            clamped: a negative one stays negative.  Strategies are ranked
            only where their CPU intervals do not overlap.

The baseline `off` row shows what the tasks' stacks need with profiling
disabled; the "over off" columns are what profiling adds.  Negative
controls are not projected.
"""
import math
from collections import namedtuple

import numpy as np

from pcbtools.report import coldwarm as report_coldwarm
from pcbtools.report import model as M
from pcbtools.report.render import Items, Missing, Para, Section, table

Inputs = namedtuple("Inputs", "threads tasks rate starts profiling workload "
                    "frames")


def heap_model(run, s, d):
    """(fixed, eager, active) bytes, or None: heap with T threads of which
    n record events = fixed + T * eager + n * (active - eager).  Fitted by
    least squares over the heap/ entries, so a per-thread strategy comes
    out with fixed = 0 and a shared one (percpu, pool: one set whatever
    the thread count) with eager = active = 0; model_check says how well
    it fits."""
    pts = [(k[2], k[3], M.med(v, "heap_bytes"))
           for k, v in run.heap.items() if k[:2] == (s, d)]
    pts = [(t, p, v) for t, p, v in pts if v is not None]
    rows = [(1.0, t, math.ceil(t * p / 100)) for t, p, _ in pts]
    if len(pts) >= 3 and np.linalg.matrix_rank(np.array(rows)) == 3:
        (fixed, eager, extra), *_ = np.linalg.lstsq(
            np.array(rows), np.array([v for _, _, v in pts]), rcond=None)
        fixed, eager, extra = (round(float(x), 6) for x in
                               (fixed, eager, extra))  # fit noise
        return fixed, eager, eager + extra
    full = [(t, v) for t, p, v in pts if p == 100]
    eager = M.med(run.thread_start.get((s, d)), "heap_bytes_per_thread")
    if full and eager is not None:
        t, v = max(full)
        return 0.0, eager, v / t
    return None


def heap_at(model, t, p):
    fixed, eager, active = model
    return max(0.0, fixed + t * eager + math.ceil(t * p / 100) *
               (active - eager))


def model_check(run):
    """(entries checked, largest relative miss) of the heap model."""
    n, worst = 0, 0.0
    for (s, d, t, p), figs in run.heap.items():
        m, v = heap_model(run, s, d), M.med(figs, "heap_bytes")
        if m is None or v is None:
            continue
        n += 1
        miss = abs(heap_at(m, t, p) - v)
        worst = max(worst, miss / v if v else (0.0 if miss < 0.5 else 1.0))
    return n, (0.0 if worst < 1e-9 else worst)  # float noise of the fit


def _diff(a, b):
    return None if a is None or b is None else a - b


def paired_cost(run, workload, d, f, s):
    """((median, lo, hi) ns, "cold" or "warm") of s's event over `off`
    from the workload's paired entry at (d, f): cold where there is one,
    else warm; (None, None) without either."""
    if s == M.BASELINE:
        return (0.0, 0.0, 0.0), None
    for cache in ("cold", "warm"):
        for (wl, variant), m in run.paired.items():
            cold = "cache:cold" in variant.split("/")
            if wl == workload and cold == (cache == "cold") and (d, f) in m:
                v = report_coldwarm.paired_diff(m[(d, f)], s, M.BASELINE)
                if v:
                    return v, cache
    return None, None


def project(run, inp, s, d):
    """{figure: value or None} for one strategy and depth; cpu is
    (median, lo, hi) cores and cache which paired cost it rests on."""
    g = (inp.workload, "") if (inp.workload, "") in run.matrix else next(
        (k for k in run.matrix if k[0] == inp.workload), None)
    m = run.matrix.get(g, {})
    fib = M.med(m.get((s, d, inp.frames)), "min_fiber_stack")
    fib0 = M.med(m.get((M.BASELINE, d, inp.frames)), "min_fiber_stack")
    hm = heap_model(run, s, d)
    heap = None if hm is None else heap_at(hm, inp.threads, inp.profiling)
    hm0 = heap_model(run, M.BASELINE, d)
    heap0 = None if hm0 is None else heap_at(hm0, inp.threads,
                                             inp.profiling)
    ev, cache = paired_cost(run, inp.workload, d, inp.frames, s)
    st = _diff(M.med(run.thread_start.get((s, d)), "time"),
               M.med(run.thread_start.get((M.BASELINE, d)), "time"))
    fe = run.first_event.get((s, d))
    first = _diff(M.med(fe, "time"), M.med(fe, "warm_event_ns"))
    cpu = None
    if ev is not None:
        fixed = inp.starts * (st or 0) + \
            inp.starts * inp.profiling / 100 * (first or 0)
        cpu = tuple((inp.rate * x + fixed) / 1e9 for x in ev)
    stacks = None if fib is None else inp.tasks * fib
    extra = None
    if heap is not None and fib is not None and fib0 is not None:
        extra = heap - (heap0 or 0) + inp.tasks * (fib - fib0)
    return {"heap": heap, "stacks": stacks, "extra": extra, "cpu": cpu,
            "cache": cache}


def _one_core(v):
    return f"{v:.3g} cores" if abs(v) >= 1 else f"{v * 100:.3g}% of a core"


def _cores(v):
    """(median, lo, hi) cores as 'x [lo, hi]'."""
    if v is None:
        return M.MISSING
    return f"{_one_core(v[0])} [{_one_core(v[1])}, {_one_core(v[2])}]"


def section(runs, inp, argv_hint):
    rows_sd = [(s, d) for s in M.strategies(runs) if not M.is_control(s)
               for d in sorted({k[1] for r in runs for g in r.matrix.values()
                                for k in g})]
    inputs = table("Inputs", ["input", "value", "option"], [
        ["OS threads T", f"{inp.threads:,}", "--threads"],
        ["threads that record events P", f"{inp.profiling:g}%",
         "--profiling"],
        ["tasks that record events G", f"{inp.tasks:,}", "--tasks"],
        ["events per second R", f"{inp.rate:,g}", "--event-rate"],
        ["thread starts per second S", f"{inp.starts:,g}", "--thread-starts"],
        ["per-event figures from", f"`{inp.workload}` at {inp.frames} frames",
         "--fleet-workload, --fleet-frames"]])
    proj = {(i, s, d): project(r, inp, s, d)
            for i, r in enumerate(runs) for s, d in rows_sd}
    cols = [("heap", M.fmt_bytes, "heap (T threads)"),
            ("stacks", M.fmt_bytes, "task stacks (G × fiber)"),
            ("extra", M.fmt_bytes, f"memory over `{M.BASELINE}`"),
            ("cpu", _cores, "CPU (95% interval)")]
    body = []
    for s, d in rows_sd:
        cells = []
        for key, fmt, _ in cols:
            vs = [proj[(i, s, d)][key] for i in range(len(runs))]
            cells.append(" → ".join(fmt(v) for v in vs)
                         if any(v is not None for v in vs) else None)
        if any(c is not None for c in cells):
            body.append([s, str(d)] + [c or M.MISSING for c in cells])
    blocks = [Para("What each strategy would cost a process with the inputs "
                   "below, from this run's per-unit figures (the model is in "
                   "docs/report.md). Change the inputs on the command line: "
                   + argv_hint), inputs]
    if not body:
        return Section("fleet", "Fleet projection", blocks + [Missing(
            f"per-unit figures for `{inp.workload}` at {inp.frames} frames")])
    holes = any(M.MISSING in c for r in body for c in r)
    blocks.append(table("Projection", ["strategy", "depth"] +
                        [c[2] for c in cols], body,
                        (f"{M.MISSING}: {M.NOT_MEASURED}. " if holes else "")
                        + "CPU counts the per-event overhead (the paired "
                        f"event cost over `{M.BASELINE}`, " + _caches(proj)
                        + ", with its 95% interval), and the thread-start "
                        "and first-event costs where measured (medians of "
                        "separate entries, no interval)."))
    blocks.append(Items(fleet_findings(runs, inp, proj, rows_sd)))
    return Section("fleet", "Fleet projection", blocks)


def _caches(proj):
    got = sorted({p["cache"] for p in proj.values() if p["cache"]})
    return (" and ".join(got) + " caches") if got else "no paired entry"


def _ranked(d, cpu):
    """A sentence on CPU at depth d: which strategy is cheapest, only
    where its interval lies below every other's."""
    lo = min(cpu, key=lambda s: cpu[s][0])
    apart = all(cpu[lo][2] < v[1] for s, v in cpu.items() if s != lo)
    if apart:
        return (f"At depth {d}, `{lo}` costs the least CPU "
                f"({_cores(cpu[lo])}): its interval lies below every "
                "other strategy's.")
    return (f"At depth {d}, the CPU intervals overlap (" + M.listing(
        f"`{s}` {_cores(v)}" for s, v in cpu.items()) + "): no strategy "
        "is decided to cost less CPU.")


def fleet_findings(runs, inp, proj, rows_sd):
    out = []
    for i, r in enumerate(runs):
        pre = f"{r.label}: " if len(runs) > 1 else ""
        for d in sorted({d for _, d in rows_sd}):
            ext = {s: proj[(i, s, d)]["extra"] for s, d2 in rows_sd
                   if d2 == d and s != M.BASELINE}
            ext = {s: v for s, v in ext.items() if v is not None}
            cpu = {s: proj[(i, s, d)]["cpu"] for s, d2 in rows_sd
                   if d2 == d and s != M.BASELINE}
            cpu = {s: v for s, v in cpu.items() if v is not None}
            if len(ext) > 1:
                lo, hi = min(ext, key=ext.get), max(ext, key=ext.get)
                out.append(f"{pre}At depth {d}, `{lo}` adds the least memory "
                           f"({M.fmt_bytes(ext[lo])}) and `{hi}` the most "
                           f"({M.fmt_bytes(ext[hi])}) over `{M.BASELINE}`.")
            if len(cpu) > 1:
                out.append(pre + _ranked(d, cpu))
        n, worst = model_check(r)
        out.append(f"{pre}The heap model reproduces " + (
            f"all {M.entries(n, '`heap/` entries')} exactly." if n and
            worst == 0 else
            f"the {M.entries(n, '`heap/` entries')} within {worst:.2%}."
            if n else
            f"no `heap/` entry: heap {M.NOT_MEASURED}."))
    return out
