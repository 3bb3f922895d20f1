"""report.cpuprof: CPU-profile samples taken in a signal handler.

The entries are those whose names carry a `sigstack:S` parameter (pcbench
--sigstack; S a size in bytes or `none`, the interrupted stack): one
strategy at one depth and frames, its samples handled on an alternate
signal stack of S bytes (docs/design.md, "CPU-profile samples").  Run
indexes them as sigstack: {(strategy, depth, frames): {S: figures}}.  This
module reads these counters of them by name, and nothing else (a counter
a file lacks shows as "—"):

  fits                     1 when a sample completed on S (0: nothing
                           else was measured there)
  sigstack_bytes           the stack one sample took (painted), the
                           kernel's frame included
  sigstack_headroom_bytes  S minus that (not with `none`)
  kernel_frame_bytes       of it, the kernel's signal frame
  at_minsigstksz           the kernel's AT_MINSIGSTKSZ on the machine
  min_sigstack             the smallest alternate stack on which a sample
                           completes (a guard-paged search)
  fits_minsigstksz, fits_8k  a sample completes on the legacy MINSIGSTKSZ
                           (2048) and on 8 KiB: tried, not computed
  first_lost               samples lost before the thread's first
                           synchronous event (where a buffer allocated on
                           first use does not exist yet)
  lost, dropped, correct   samples the strategy refused, the ring could
                           not take, captures equal to the truth

No strategy, workload or size is named here: rows are the strategies and
depths the file holds, columns its sizes, and the strategy whose first
samples are lost is whichever the figures say.
"""
from pcbtools.report import model as M
from pcbtools.report.render import Missing, table

listing, code = M.listing, M.code
NONE = "none"
HOW = "entries with `sigstack:`; pcbench --sigstack=SIZE,..."


def sizes(runs):
    """Every size the runs hold, `none` first, then ascending."""
    got = {z for r in runs for per in r.sigstack.values() for z in per}
    return sorted(got, key=lambda z: (z != NONE, z if z != NONE else 0))


def keys(runs):
    """(strategy, depth, frames) of every run, in the report's order."""
    order = M.strategies(runs)
    got = {k for r in runs for k in r.sigstack}
    return sorted(got, key=lambda k: (order.index(k[0]) if k[0] in order
                                      else len(order), k[1], k[2]))


def size_title(z):
    return "interrupted stack" if z == NONE else M.fmt_bytes(z)


def fitted(per):
    """The figures at the largest size on which a sample completed."""
    ok = [z for z, f in per.items() if M.med(f, "fits")]
    return per[max(ok, key=lambda z: -1 if z == NONE else z)] if ok else None


def anywhere(per, name):
    """A figure that is the same at every size of a point (a property of
    the strategy and depth: min_sigstack, fits_*): the first one found."""
    for f in per.values():
        v = M.med(f, name)
        if v is not None:
            return v
    return None


def _joined(runs, one):
    vs = [one(r) for r in runs]
    return " → ".join(M.MISSING if v is None else v for v in vs)


def _use(figs, z):
    if figs is None:
        return None
    if M.med(figs, "fits") == 0:
        return "does not fit"
    used = M.med(figs, "sigstack_bytes")
    if used is None:
        return None
    left = M.med(figs, "sigstack_headroom_bytes")
    return M.fmt_bytes(used) + ("" if z == NONE or left is None
                                else f" ({M.fmt_bytes(left)} left)")


def _yes(v):
    return None if v is None else "yes" if v else "no"


def use_table(runs, ks, zs):
    rows = [[code(s), str(d), str(f)] + [
        _joined(runs, lambda r, z=z, k=(s, d, f):
                _use(r.sigstack.get(k, {}).get(z), z)) for z in zs]
        for s, d, f in ks]
    return table("CPU-profile samples: the stack one sample takes, the "
                 "kernel's signal frame included, and what is left of each "
                 "alternate stack", ("strategy", "depth", "frames")
                 + tuple(size_title(z) for z in zs), rows,
                 "Painted, exact for a build (`sigstack_bytes`, "
                 "`sigstack_headroom_bytes`); on the interrupted stack, "
                 "below the interrupted stack pointer.")


SAFE_COLS = (("kernel's frame", lambda p: M.fmt_bytes(_kernel(p))),
             ("smallest that works",
              lambda p: M.fmt_bytes(anywhere(p, "min_sigstack"))),
             ("fits legacy MINSIGSTKSZ (2048 B)",
              lambda p: _yes(anywhere(p, "fits_minsigstksz"))),
             ("fits 8 KiB", lambda p: _yes(anywhere(p, "fits_8k"))))


def _kernel(per):
    """The kernel's frame on an alternate stack (`none` holds the red
    zone too): the first alternate size that has it."""
    alt = [f for z, f in per.items() if z != NONE]
    for f in alt or per.values():
        v = M.med(f, "kernel_frame_bytes")
        if v is not None:
            return v
    return None


def safe_table(runs, ks):
    def cell(r, k, fn):
        per = r.sigstack.get(k)
        if not per:
            return None
        text = fn(per)
        return None if text == M.MISSING else text
    rows = [[code(s), str(d), str(f)] + [
        _joined(runs, lambda r, k=(s, d, f), fn=fn: cell(r, k, fn))
        for _, fn in SAFE_COLS] for s, d, f in ks]
    return table("CPU-profile samples: the smallest alternate stack that "
                 "works, per strategy and depth, beside the kernel's frame",
                 ("strategy", "depth", "frames")
                 + tuple(t for t, _ in SAFE_COLS), rows,
                 "Each size tried with a guard page below it in a child "
                 "process (`min_sigstack`, `fits_minsigstksz`, `fits_8k`): "
                 "measured, not computed.")


LOST_COLS = (("first samples lost", "first_lost", M.fmt_count),
             ("lost", "lost", M.fmt_count),
             ("dropped by the ring", "dropped", M.fmt_count),
             ("correct", "correct", M.fmt_frac))


def lost_table(runs, ks):
    def cell(r, k, name, fmt):
        v = M.med(fitted(r.sigstack.get(k, {})), name)
        if v is None and name == "correct" and k in r.sigstack and \
                M.buffer_place(k[0]) == "none":
            return "captures nothing"
        return None if v is None else fmt(v)
    rows = [[code(s), str(d), str(f)] + [
        _joined(runs, lambda r, k=(s, d, f), n=n, fmt=fmt:
                cell(r, k, n, fmt)) for _, n, fmt in LOST_COLS]
        for s, d, f in ks]
    return table("CPU-profile samples: samples lost before the thread's "
                 "first synchronous event, and after it",
                 ("strategy", "depth", "frames")
                 + tuple(t for t, _, _ in LOST_COLS), rows,
                 "`first_lost`: a strategy that allocates its buffer on "
                 "first use may not allocate in a signal handler, so it "
                 "drops what comes before the buffer exists.")


def tables(runs):
    ks = keys(runs)
    if not ks:
        return [Missing(f"CPU-profile samples ({HOW})")]
    return [use_table(runs, ks, sizes(runs)), safe_table(runs, ks),
            lost_table(runs, ks)]


def _points(items):
    return listing(f"{code(s)} at depth {d}" for s, d, _ in items)


def findings(run):
    pts = run.sigstack
    if not pts:
        return [f"CPU-profile samples: {M.NOT_MEASURED} ({HOW})."]
    ks = keys([run])
    out = []
    kernel = [v for v in (_kernel(pts[k]) for k in ks) if v is not None]
    at_min = [v for v in (anywhere(pts[k], "at_minsigstksz") for k in ks)
              if v is not None]
    if kernel:
        out.append(f"The kernel's signal frame takes {M.fmt_bytes(min(kernel))}"
                   " of an alternate stack" + (
                       f" (AT_MINSIGSTKSZ {M.fmt_bytes(at_min[0])})"
                       if at_min else "") + ".")
    for name, what in (("fits_minsigstksz", "the legacy MINSIGSTKSZ "
                        "(2048 B)"), ("fits_8k", "8 KiB")):
        got = [k for k in ks if anywhere(pts[k], name) is not None]
        if not got:
            continue
        yes = [k for k in got if anywhere(pts[k], name)]
        no = [k for k in got if not anywhere(pts[k], name)]
        out.append(f"On {what}, a sample " + (
            "fits for every strategy and depth measured." if not no else
            "fits for no strategy at any depth measured." if not yes else
            f"does not fit for {_points(no)}; it fits for the rest."))
    need = [(anywhere(pts[k], "min_sigstack"), k) for k in ks]
    need = [(v, k) for v, k in need if v is not None]
    if need:
        lo, hi = min(need), max(need)
        out.append(f"The smallest alternate stack that works ranges from "
                   f"{M.fmt_bytes(lo[0])} ({_points([lo[1]])}) to "
                   f"{M.fmt_bytes(hi[0])} ({_points([hi[1]])}).")
    firsts = {}
    for k in ks:
        v = M.med(fitted(pts[k]), "first_lost")
        if v:
            firsts.setdefault(k[0], []).append(v)
    out.append("Samples lost before the thread's first synchronous event: "
               + (listing(f"{code(s)} lost {M.fmt_count(min(v))}"
                          + ("" if min(v) == max(v) else
                             f" to {M.fmt_count(max(v))}")
                          for s, v in firsts.items())
                  + " (its buffer did not exist yet, and a handler may not "
                  "allocate one)." if firsts else "none, for every "
                  "strategy."))
    wrong = [k for k in ks
             if (M.med(fitted(pts[k]), "correct") or 0) < 1
             and M.med(fitted(pts[k]), "correct") is not None]
    if wrong:
        out.append(f"Captures in the handler went wrong for {_points(wrong)}.")
    return out
