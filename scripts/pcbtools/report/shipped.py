"""report.shipped: the shipped heap profilers' external rows beside the
strategy of the same design -- "model vs shipped" (docs/shipped.md).

The model: an external row (external/<allocator>/frames:F/rate:R,
counter external = 1) is a shipped profiler measured by the malloc
workload's event in a process of its own; the context's
external_<allocator> key names the design and unwinder it matches
(design=lazy; unwinder=libgcc; depth=128).  Its model is the matrix
entry of that strategy at that depth and frames, but only in a run whose
unwinder is the one the profiler uses: under another unwinder the
model's stack and time are another unwinder's, and the table says the
model was not measured rather than compare the two.

Invariants: every figure is read from the results file; an allocator,
a design, an unwinder or a depth comes from the context, and the
workload from its kind (the one whose rate counts bytes, the reference
first: the event an allocator samples), never from here; a figure a row
lacks shows "—".
"""
from pcbtools.report import model as M
from pcbtools.report.render import Para, table
from pcbtools.results import kinds, names


def _context(run, alloc):
    text = run.context.get("external_" + alloc, "")
    out = {}
    for part in text.split("; "):
        key, eq, value = part.partition("=")
        if eq:
            out[key] = value
    return out


def external(run):
    """{allocator: {(frames, rate): figs}} of the run's external rows."""
    out = {}
    for name, figs in run.res.runs.items():
        n = names.parse_name(name)
        if n.kind != "external" or not n.words:
            continue
        f, r = n.params.get("frames"), n.params.get("rate")
        out.setdefault(n.words[0], {})[(f, r)] = figs
    return out


def _one(figs, key):
    v = figs.get(key) if figs else None
    return None if not v else float(v[0])


def _model(run, ctx, frames):
    """The matrix figures of the matching strategy, or None where this run
    did not measure it under the profiler's unwinder."""
    if run.context.get("unwinder") != ctx.get("unwinder"):
        return None
    depth = int(ctx.get("depth", 0))
    wls = kinds.workloads(run.context)
    measured = [wl for wl, variant in run.matrix
                if not variant and wl in wls and wls[wl].rate == "bytes"]
    wl = kinds.reference(run.context, measured)
    m = run.matrix.get((wl, "")) if wl else None
    return m.get((ctx.get("design"), depth, frames)) if m else None


def _ns(v):
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def _interval(figs, key):
    v = [_one(figs, k) for k in (key, key + "_lo", key + "_hi")]
    return M.MISSING if v[0] is None else \
        f"{_ns(v[0])} [{_ns(v[1])}, {_ns(v[2])}] ns"


def _model_heap(run, ctx):
    """The matching strategy's heap per thread when every thread records
    (heap/ entries, any unwinder: the buffer does not depend on it but
    for its slack), the most threads measured."""
    depth = int(ctx.get("depth", 0))
    got = sorted((t, f) for (s, d, t, pct), f in run.heap.items()
                 if s == ctx.get("design") and d == depth and pct == 100)
    v = _one(got[-1][1], "heap_bytes_per_thread") if got else None
    return M.MISSING if v is None else M.fmt_bytes(v)


def _cells(figs, model, model_heap):
    b = lambda f, k: M.MISSING if _one(f, k) is None else \
        M.fmt_bytes(_one(f, k))
    head = M.MISSING if _one(figs, "headroom_ok") is None else \
        ("does not fit" if not _one(figs, "headroom_ok") else
         M.fmt_bytes(_one(figs, "headroom_bytes")))
    # the model's headroom is absent where its stack was painted but the
    # event did not fit a 2 KiB fiber with no padding at all
    mhead = M.MISSING if model is None or \
        _one(model, "stack_bytes") is None else \
        "does not fit" if _one(model, "headroom_bytes") is None else \
        M.fmt_bytes(_one(model, "headroom_bytes"))
    return [
        ("stack per sampled event", b(figs, "stack_bytes"),
         b(model, "stack_bytes")),
        ("smallest fiber", b(figs, "min_fiber_stack"),
         b(model, "min_fiber_stack")),
        ("headroom on a fresh 2 KiB fiber", head, mhead),
        ("heap per thread that sampled", b(figs, "heap_bytes_per_thread"),
         model_heap),
        ("time per sampled event",
         _interval(figs, "active_minus_inactive_ns"),
         M.MISSING if _one(model, "event_ns_p50") is None else
         f"{_ns(_one(model, 'event_ns_p50'))} ns (record call, median)"),
        ("captures right", M.MISSING if _one(figs, "correct") is None else
         f"{_one(figs, 'correct'):.0%} ({_one(figs, 'captured_pcs'):.0f} "
         f"PCs, {_one(figs, 'allocator_frames'):.0f} the allocator's)",
         M.MISSING if _one(model, "correct") is None else
         f"{_one(model, 'correct'):.0%}"),
    ]


def blocks(run):
    """The external rows' table and the model-vs-shipped paragraph; []
    when the run has none."""
    ext = external(run)
    out = []
    for alloc, rows in sorted(ext.items()):
        ctx = _context(run, alloc)
        every = sorted(k for k in rows if k[1] == 1)
        if not every:
            continue
        frames, _ = every[-1]
        figs, model = rows[every[-1]], _model(run, ctx, frames)
        label = (f"{M.code(alloc)} {ctx.get('version', '')} against "
                 f"{M.code(ctx.get('design', '?'))} (depth "
                 f"{ctx.get('depth', '?')}, {ctx.get('unwinder', '?')}), "
                 f"{frames} frames, every allocation")
        out.append(table(label, ["figure", M.code(alloc),
                                 M.code(ctx.get("design", "?"))],
                         [list(c) for c in _cells(figs, model,
                                                 _model_heap(run, ctx))],
                         "An external row: the allocator in a process of "
                         "its own (docs/shipped.md). " +
                         ("" if model is not None else
                          "The model column is empty: this run's unwinder "
                          f"is {run.context.get('unwinder')}, not "
                          f"{ctx.get('unwinder')}.")))
        for (f, r), g in sorted(rows.items()):
            if r != 1:
                out.append(Para(
                    f"{M.code(alloc)} at its default rate ({r} bytes), "
                    f"{f} frames: "
                    f"{_interval(g, 'active_minus_inactive_ns')} per "
                    "sampled event, estimated from the time per "
                    "operation."))
    return out
