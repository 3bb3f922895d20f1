"""report.tables: the side-by-side tables of the report.

Every table is strategy x depth (rows) by frames, threads or figure
(columns), one table per workload where the figure depends on it.  With
two results files each cell reads "A -> B".  A row or column that no run
measured is left out; a cell that one run lacks reads "—"; a table that no
run measured becomes one plain sentence ("... not measured in this run").
"""
from pcbtools.report import model as M
from pcbtools.report import cpuprof as report_cpuprof
from pcbtools.report import storm as report_storm
from pcbtools.report.render import Missing, Para, Section, table

NOTE_MISSING = f"{M.MISSING}: {M.NOT_MEASURED}."


def combine(runs, fn):
    """One cell over the runs; None when no run has the value."""
    vs = [fn(r) for r in runs]
    if all(v is None for v in vs):
        return None
    return " → ".join(M.MISSING if v is None else v for v in vs)


def grid(runs, caption, head, rows, cols, fn, note=None):
    """A table of rows x cols; rows are tuples shown as the first columns,
    fn(run, row, col) -> str or None.  Empty rows and columns are left
    out; with nothing at all, a Missing block."""
    cells = {(r, c): combine(runs, lambda run: fn(run, r, c))
             for r in rows for c in cols}
    rows = [r for r in rows if any(cells[(r, c)] is not None for c in cols)]
    cols = [c for c in cols if any(cells[(r, c)] is not None for r in rows)]
    if not rows or not cols:
        return Missing(caption)
    body = [[str(x) for x in r] + [cells[(r, c)] or M.MISSING for c in cols]
            for r in rows]
    holes = any(M.MISSING in x for b in body for x in b)
    notes = [n for n in (note, NOTE_MISSING if holes else None) if n]
    return table(caption, list(head[0]) + [head[1](c) for c in cols], body,
                 " ".join(notes) or None)


def reps_text(runs):
    r = sorted({n for run in runs for n in run.repetitions()})
    if not r:
        return "no repetitions"
    if len(r) == 1:
        return f"{r[0]} repetition" + ("s" if r[0] != 1 else "")
    return f"{r[0]}–{r[-1]} repetitions"


def sd_rows(runs, items):
    """(strategy, depth) rows in report order, for keys (s, d, ...)."""
    items = list(items)
    depths = M.axis(items, 1) if items else []
    return [(s, d) for s in M.strategies(runs) for d in depths
            if any(k[0] == s and k[1] == d for k in items)]


def _items(runs, attr, group):
    out = []
    for r in runs:
        out += list(getattr(r, attr).get(group, {}))
    return out


def _figure_fn(attr, group, fig, fmt):
    def fn(run, row, col):
        figs = getattr(run, attr).get(group, {}).get((row[0], row[1], col))
        v = M.med(figs, fig)
        return None if v is None else fmt(v)
    return fn


def matrix_table(runs, attr, group, caption, fig, fmt, note=None):
    items = _items(runs, attr, group)
    if not items:
        return Missing(caption)
    return grid(runs, caption, (("strategy", "depth"),
                                lambda f: f"{f} frames"),
                sd_rows(runs, items), M.axis(items, 2),
                _figure_fn(attr, group, fig, fmt), note)


def _pair(fmt, a, b):
    if a is None and b is None:
        return None
    return f"{fmt(a)} / {fmt(b)}"


def latency_tables(runs, group):
    g, reps = M.group_title(group), reps_text(runs)
    out = [matrix_table(runs, "matrix", group,
                        f"{g}: time per operation, median of {reps}",
                        "time", M.fmt_ns,
                        "Google Benchmark's mean over a batch, one event "
                        "per operation at rate 1.")]
    items = _items(runs, "matrix", group)
    rows = sd_rows(runs, items)
    for caption, a, b in (("p50 / p99 per operation", "p50_ns", "p99_ns"),
                          ("p99.9 / max per operation", "p999_ns", "max_ns")):
        def fn(run, row, col, a=a, b=b):
            figs = run.matrix.get(group, {}).get((row[0], row[1], col))
            return _pair(M.fmt_ns, M.med(figs, a), M.med(figs, b))
        out.append(grid(runs, f"{g}: {caption}", (("strategy", "depth"),
                                                  lambda f: f"{f} frames"),
                        rows, M.axis(items, 2) if items else [], fn,
                        "Each operation timed alone with the timer floor "
                        "subtracted; median over the repetitions."))
    return out


def overhead_tables(runs, group):
    g = M.group_title(group)
    items = _items(runs, "matrix", group)
    if not items:
        return [Missing(f"{g}: overhead")]
    rows, cols = sd_rows(runs, items), M.axis(items, 2)

    def over_off(run, row, col):
        m = run.matrix.get(group, {})
        t = M.med(m.get((row[0], row[1], col)), "time")
        t0 = M.med(m.get((M.BASELINE, row[1], col)), "time")
        if t is None or t0 is None or row[0] == M.BASELINE:
            return None
        return f"{M.fmt_dns(t - t0)} ({M.fmt_rel(M.rel(t0, t))})"

    def over_floor(run, row, col):
        if row[0] == "floor (raw unwind)":
            return _opt(M.med(run.floor.get((row[1], col)), "time"),
                        M.fmt_ns)
        figs = run.matrix.get(group, {}).get((row[0], row[1], col))
        return _opt(M.med(figs, "floor_ratio"), M.fmt_ratio)

    depths = M.axis(items, 1)
    head = (("strategy", "depth"), lambda f: f"{f} frames")
    return [grid(runs, f"{g}: overhead over `{M.BASELINE}` (median time "
                 "difference)", head, rows, cols, over_off),
            grid(runs, f"{g}: time over the floor (`floor_ratio`)", head,
                 [("floor (raw unwind)", d) for d in depths] + rows, cols,
                 over_floor, "The floor is the unwinder alone into a warm "
                 "preallocated buffer at the same depth and frames; each "
                 "entry's ratio is its own time over it."),
            matrix_table(runs, "matrix", group, f"{g}: instructions per event "
                         "(callgrind, `make bench-ci`)", "instructions",
                         M.fmt_count, "Exact for a build: every instruction "
                         "of a fixed number of iterations over the events "
                         "recorded.")]


def _opt(v, fmt):
    return None if v is None else fmt(v)


UNWINDER_ALONE = "unwinder alone"


def stack_tables(runs, group):
    g = M.group_title(group)
    items = _items(runs, "matrix", group)

    def stack_bytes(run, row, col):
        figs = run.floor.get((row[1], col)) if row[0] == UNWINDER_ALONE \
            else run.matrix.get(group, {}).get((row[0], row[1], col))
        return _opt(M.med(figs, "stack_bytes"), M.fmt_bytes)

    by_unwinder = Missing(f"{g}: `stack_bytes` below the event site") \
        if not items else grid(
            runs, f"{g}: `stack_bytes` below the event site",
            (("strategy", "depth"), lambda f: f"{f} frames"),
            [(UNWINDER_ALONE, d) for d in M.axis(items, 1)] +
            sd_rows(runs, items), M.axis(items, 2), stack_bytes,
            "Exact: the deepest byte one event changed below the "
            "workload's frame. The unwinder alone is the run's unwinder "
            "capturing into a buffer off the stack (`floor/`): what an "
            "event takes beyond it is the workload's and the strategy's "
            "frames and, where the strategy keeps it there, the buffer.")
    return [
        by_unwinder,
        matrix_table(runs, "matrix", group, f"{g}: `min_fiber_stack`",
                     "min_fiber_stack", M.fmt_bytes,
                     "Smallest power-of-two fiber (with a guard page) on "
                     "which the workload, its frames and the event complete."),
        matrix_table(runs, "matrix", group,
                     f"{g}: `headroom_bytes` on a 2 KiB fiber",
                     "headroom_bytes", M.fmt_bytes,
                     "The most bytes of the task's own frames under which "
                     "one event still completes on a fresh 2 KiB fiber.")]


def unwinder_table(runs):
    """Each unwinder's own stack, unwinder x frames (`unwind/` entries)."""
    items = M.keys_of(runs, "unwind")
    caption = ("`stack_bytes` of each unwinder by itself, capturing into a "
               "buffer off the stack (`unwind/` entries)")
    if not items:
        return Missing(caption)

    def fn(run, row, col):
        return _opt(M.med(run.unwind.get((row[0], col)), "stack_bytes"),
                    M.fmt_bytes)
    return grid(runs, caption, (("unwinder",), lambda f: f"{f} frames"),
                [(u,) for u in dict.fromkeys(k[0] for k in items)],
                M.axis(items, 1), fn,
                "Exact: one unwind of up to 1024 PCs from the bottom of "
                "the chain, painted as an event is.")


def heap_tables(runs):
    items = M.keys_of(runs, "heap")
    if not items:
        return [Missing("heap bytes at T threads (`heap/` entries)")]
    cols = sorted({(k[2], k[3]) for k in items})
    rows = sd_rows(runs, items)
    out = []
    for fig, caption in (("heap_bytes", "`heap_bytes`: held by the "
                          "strategies' buffers with T threads alive, P% of "
                          "them having recorded an event"),
                         ("heap_alloc_bytes", "`heap_alloc_bytes`: the same "
                          "buffers as the allocator sees them "
                          "(`malloc_usable_size`)")):
        def fn(run, row, col, fig=fig):
            return _opt(M.med(run.heap.get((row[0], row[1]) + col), fig),
                        M.fmt_bytes)
        out.append(grid(runs, caption, (("strategy", "depth"),
                                        lambda c: f"T={c[0]}, P={c[1]}%"),
                        rows, cols, fn))
    return out


def start_table(runs):
    items = M.keys_of(runs, "thread_start") + M.keys_of(runs, "first_event")
    if not items:
        return Missing("thread-start and first-event cost (`thread_start/` "
                       "and `first_event/` entries)")
    cols = [("thread_start", "time", M.fmt_ns, "thread start (init hook)"),
            ("thread_start", "heap_bytes_per_thread", M.fmt_bytes,
             "heap per thread after init"),
            ("first_event", "time", M.fmt_ns, "first event"),
            ("first_event", "warm_event_ns", M.fmt_ns, "warm event"),
            ("first_event", None, M.fmt_dns, "first − warm")]
    if any(M.med(f, "heap_bytes_shared") is not None
           for run in runs for f in run.thread_start.values()):
        cols.insert(2, ("thread_start", "heap_bytes_shared", M.fmt_bytes,
                        "heap shared by all threads"))

    def fn(run, row, col):
        figs = getattr(run, col[0]).get(row)
        if col[1] is None:
            a, b = M.med(figs, "warm_event_ns"), M.med(figs, "time")
            return None if a is None or b is None else col[2](b - a)
        return _opt(M.med(figs, col[1]), col[2])
    return grid(runs, "Thread start and first event, median over "
                f"{reps_text(runs)}", (("strategy", "depth"),
                                       lambda c: c[3]),
                sd_rows(runs, items), cols, fn,
                "An eager strategy pays at thread start, a lazy one on the "
                "first event of a thread.")


def correctness_tables(runs):
    out = []
    for group in M.keys_of(runs, "matrix"):
        def fn(run, row, col, group=group):
            figs = run.matrix.get(group, {}).get((row[0], row[1], col))
            c, t = M.med(figs, "correct"), M.med(figs, "truncated")
            if c is None:
                return None
            lost = M.med(figs, "lost")
            return M.fmt_frac(c) + ("" if t is None else
                                    f", trunc. {M.fmt_frac(t)}") + \
                ("" if not lost else f", lost {M.fmt_count(lost)}")
        items = _items(runs, "matrix", group)
        out.append(grid(runs, f"{M.group_title(group)}: checked captures "
                        "equal to the ground truth (`correct`), truncated "
                        "share",
                        (("strategy", "depth"), lambda f: f"{f} frames"),
                        sd_rows(runs, items), M.axis(items, 2), fn))
    out += report_storm.tables(runs)
    out.append(churn_table(runs))
    return out


def churn_table(runs):
    items = M.keys_of(runs, "churn")
    if not items:
        return Missing("thread churn and injected faults (`churn/` entries)")
    rows = [(s, d, "with faults" if f else "no faults")
            for s in M.strategies(runs) for d in M.axis(items, 1)
            for f in (False, True) if (s, d, f) in items]
    cols = [("registered", M.fmt_count), ("events", M.fmt_count),
            ("lost", M.fmt_count), ("injected_failures", M.fmt_count),
            ("recovered", M.fmt_count), ("leaked_bytes", M.fmt_bytes)]

    def fn(run, row, col):
        figs = run.churn.get((row[0], row[1], row[2] == "with faults"))
        return _opt(M.med(figs, col[0]), col[1])
    return grid(runs, "Thread churn: threads start, record 3 events and "
                "exit; with faults, every Nth strategy allocation fails",
                (("strategy", "depth", "faults"), lambda c: f"`{c[0]}`"),
                rows, cols, fn)


def anatomy_tables(runs, group):
    """The breakdown behind the stacked bars, and the cache figures."""
    g = M.group_title(group)
    items = _items(runs, "matrix", group)
    if not any(M.has_anatomy(r, group) for r in runs):
        return []

    def parts(run, row, col):
        a = M.anatomy(run.matrix.get(group, {}).get((row[0], row[1], col)))
        return None if a is None else " / ".join(
            M.fmt_count(a[p]) for p in M.ANATOMY_PARTS)

    head = (("strategy", "depth"), lambda f: f"{f} frames")
    rows, cols = sd_rows(runs, items), M.axis(items, 2)
    return [grid(runs, f"{g}: {M.ANATOMY_TITLE}, instructions per event: "
                 + " / ".join(M.ANATOMY_PARTS), head, rows, cols, parts),
            matrix_table(runs, "matrix", group, f"{g}: estimated cycles per "
                         "event (`est_cycles`)", "est_cycles", M.fmt_count,
                         "Simulated caches: " + str(runs[-1].context.get(
                             "est_cycles_formula", "Ir + 5·(L1 misses) + "
                             "35·(LL misses)")) + ".")]


def sections(runs):
    groups = M.keys_of(runs, "matrix")
    lat, ovh, stk, anat = [], [], [], []
    for g in groups:
        anat += anatomy_tables(runs, g)
        lat += latency_tables(runs, g)
        ovh += overhead_tables(runs, g)
        stk += stack_tables(runs, g)
    if not groups:
        none = Missing("workload entries (`malloc/`, `block/`, ...)")
        lat, ovh, stk = [none], [none], [none]
    intro = Para("Rows are strategy × depth, columns the frames on the "
                 "stack at the event" + ("; each cell reads A → B"
                                         if len(runs) > 1 else "") + ".")
    return [Section("latency", "Latency", [intro] + lat),
            Section("overhead", "Overhead", ovh),
            Section("anatomy", "Anatomy of an event",
                    anat or [Missing("the anatomy of an event (`ir_*` "
                                     "figures, written by `make bench-ci`)")]),
            Section("stack", "Stack", stk + [unwinder_table(runs)]),
            Section("heap", "Heap", heap_tables(runs)),
            Section("start", "Thread start and first event",
                    [start_table(runs)]),
            Section("correctness", "Correctness", correctness_tables(runs)),
            Section("cpuprof", "CPU-profile samples",
                    report_cpuprof.tables(runs))]
