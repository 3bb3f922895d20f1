"""report.stackparts: what an event's stack is made of, and what decides
the fiber it needs.

An event's `stack_bytes` holds three things: the unwinder's own frames,
the frames of the workload and the strategy around it, and -- when the
strategy keeps it there -- the PC buffer.  pcbench measures the first
alone: `stack_bytes` on a `floor/` entry (the run's unwinder at that
depth) and on an `unwind/` entry (every unwinder, at 16 to 1024 frames)
is one unwind into a buffer off the stack, painted as a matrix entry's
is.  The buffer's share is an on-stack strategy's figure less an
off-stack one's at the same point.

Which of the two decides the smallest fiber is read from three measured
fibers at a point: the chain alone (the baseline, which records
nothing), the event with its buffer off the stack, and with it on the
stack.  The unwinder decides when the off-stack event already needs a
larger fiber than the chain; the buffer decides when keeping it on the
stack needs a larger one still.  On a fresh 2 KiB fiber (`headroom_bytes`,
missing when the event does not complete there) the same question has a
yes-or-no answer per placement.

Where a strategy keeps its buffer comes from its flags in the results'
context (report_model.buffer_place), never from its name; the unwinder
of the run is the context's `unwinder`.
"""
from pcbtools.report import model as M

_code, _listing = M.code, M.listing


def _placed(run, place):
    return [s for s in M.candidates(run) if M.buffer_place(s) == place]


def _least(run, g, strategies, d, f, fig):
    """(strategy, value) with the smallest figure at the point, the first
    in report order among equals, or None."""
    best = None
    for s in strategies:
        v = M.fig_at(run, g, s, d, f, fig)
        if v is not None and (best is None or v < best[1]):
            best = (s, v)
    return best


def _unwinder(run):
    u = run.context.get("unwinder")
    return _code(u) if isinstance(u, str) and u else "this run's unwinder"


def _span(vals):
    lo, hi = min(vals), max(vals)
    return M.fmt_bytes(lo) if lo == hi else \
        f"{M.fmt_bytes(lo)}–{M.fmt_bytes(hi)}"


def unwinders_alone(run):
    """Each unwinder's own stack, from the unwind/ entries."""
    by_u = {}
    for (u, f), figs in run.unwind.items():
        v = M.med(figs, "stack_bytes")
        if v is not None:
            by_u.setdefault(u, {})[f] = v
    if not by_u:
        return [f"The stack each unwinder takes by itself (`unwind/` "
                f"entries' `stack_bytes`): {M.NOT_MEASURED}."]
    frames = sorted({f for fs in by_u.values() for f in fs})
    over = [u for u, fs in by_u.items() if min(fs.values()) > 2048]
    text = ("By itself, capturing into a buffer off the stack, each "
            "unwinder takes " + _listing(
                f"{_code(u)} {_span(list(fs.values()))}"
                for u, fs in by_u.items()) +
            " of stack (`unwind/` entries, " +
            (f"{frames[0]} to {frames[-1]} frames" if len(frames) > 1
             else f"{frames[0]} frames") + ")")
    if over:
        text += ("; " + _listing(_code(u) for u in over) +
                 (" alone takes" if len(over) == 1 else " alone take") +
                 " more than a fresh 2 KiB stack holds")
    return [text + "."]


def split(run, g):
    """The run's unwinder, the event around it, and the buffer, at the
    deepest frames: one sentence per depth."""
    depths, frames = M.deepest(run, g)
    if not frames:
        return []
    f, out = frames[-1], []
    heap, stack = _placed(run, "heap"), _placed(run, "stack")
    for d in depths:
        own = M.med(run.floor.get((d, f)), "stack_bytes")
        h = _least(run, g, heap, d, f, "stack_bytes")
        parts = []
        if own is not None:
            parts.append(f"the unwinder by itself takes {M.fmt_bytes(own)} "
                         "(`floor/`)")
        if h is not None:
            parts.append(f"an event with its buffer off the stack "
                         f"{M.fmt_bytes(h[1])} ({_code(h[0])}" +
                         ("" if own is None else
                          f": {M.fmt_bytes(h[1] - own)} of the workload's "
                          "and the strategy's frames beside the unwinder")
                         + ")")
        for s in stack:
            v = M.fig_at(run, g, s, d, f, "stack_bytes")
            if v is not None and h is not None:
                parts.append(f"with its buffer on the stack {M.fmt_bytes(v)} "
                             f"({_code(s)}: " + (
                                 f"the buffer adds {M.fmt_bytes(v - h[1])}"
                                 if v >= h[1] else
                                 f"{M.fmt_bytes(h[1] - v)} less") + ")")
        if parts:
            out.append(f"Under {_unwinder(run)}, at depth {d} with {f} "
                       f"frames in {M.group_title(g)}: " + _listing(parts)
                       + ".")
    return out


def _verdict(f0, fh, fs):
    """Which of the unwinder and the buffer raises the fiber."""
    unw = f0 is not None and fh > f0
    buf = fs is not None and fs > fh
    if unw and buf:
        return (f"both decide: the unwinder takes the fiber from "
                f"{M.fmt_bytes(f0)} to {M.fmt_bytes(fh)}, the buffer on the "
                f"stack on to {M.fmt_bytes(fs)}")
    if unw:
        return (f"the unwinder decides: it takes the fiber from "
                f"{M.fmt_bytes(f0)} to {M.fmt_bytes(fh)}" +
                ("" if fs is None else
                 ", and a buffer on the stack adds no doubling"))
    if buf:
        own = "the chain's own" if f0 is not None else "a"
        return (f"the buffer decides: off the stack the event fits {own} "
                f"{M.fmt_bytes(fh)} fiber, on the stack it needs "
                f"{M.fmt_bytes(fs)}")
    return "neither: every placement fits the same fiber"


def _fits(run, g, strategies, d, f):
    """Whether any of the strategies completes an event on a fresh 2 KiB
    fiber (its headroom measured), None when none has stack figures."""
    if not any(M.fig_at(run, g, s, d, f, "min_fiber_stack") is not None
               for s in strategies):
        return None
    return any(M.fig_at(run, g, s, d, f, "headroom_bytes") is not None
               for s in strategies)


def _fresh(run, g, d, f, heap, stack):
    """On a fresh 2 KiB fiber: which placements complete the event."""
    off, on = _fits(run, g, heap, d, f), _fits(run, g, stack, d, f)
    if off is None:
        return None
    if off and on is False:
        return ("on a fresh 2 KiB fiber the event completes with its "
                "buffer off the stack and not with it on: there the buffer "
                "decides")
    if not off and not on:
        return ("on a fresh 2 KiB fiber the event completes in no "
                "placement: there the unwinder decides")
    if off and on is not False:
        return "on a fresh 2 KiB fiber it completes in every placement"
    return None


def fiber_decider(run, g):
    """Per depth at the deepest frames: which of the two decides the
    smallest fiber, and the fresh 2 KiB fiber."""
    depths, frames = M.deepest(run, g)
    if not frames:
        return []
    f, out = frames[-1], []
    heap, stack = _placed(run, "heap"), _placed(run, "stack")
    for d in depths:
        h = _least(run, g, heap, d, f, "min_fiber_stack")
        if h is None:
            continue
        s = _least(run, g, stack, d, f, "min_fiber_stack")
        f0 = M.fig_at(run, g, M.BASELINE, d, f, "min_fiber_stack")
        fibers = ([] if f0 is None else
                  [f"the chain alone (`{M.BASELINE}`) {M.fmt_bytes(f0)}"]) + \
            [f"the event with its buffer off the stack {M.fmt_bytes(h[1])} "
             f"({_code(h[0])})"] + \
            ([] if s is None else
             [f"on the stack {M.fmt_bytes(s[1])} ({_code(s[0])})"])
        text = (f"Smallest fiber under {_unwinder(run)} at depth {d} with "
                f"{f} frames in {M.group_title(g)}: " + _listing(fibers) +
                ": " + _verdict(f0, h[1], None if s is None else s[1]))
        fresh = _fresh(run, g, d, f, heap, stack)
        out.append(text + ("" if fresh is None else "; " + fresh) + ".")
    return out


def findings(run, g):
    """The Stack topic's sentences on the parts of an event's stack."""
    if g is None:
        return unwinders_alone(run)
    return split(run, g) + fiber_decider(run, g) + unwinders_alone(run)
