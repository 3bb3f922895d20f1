"""report.pairedplots: the time plots a reader should look at, from the
paired entries only.

A paired entry times the strategies side by side in rounds of short
batches, in random order, so each ratio and difference carries a 95%
interval that the machine's drift does not bias; the separate entries'
medians do not (their plots are in the report's appendix, labelled so).
Per paired group (workload, variant, warm or cold):

  cost_over_off   each strategy's cost over `off` per operation against
                  the point (depth, frames), the interval as error bars
  ratio_to_ref    each strategy's time over the reference's (the strategy
                  the code clone copies, from strategy_clones) with its
                  interval, and a grey band for the clone's spread around
                  1 in the same group: the noise.  The title says, per
                  strategy, whether any point is decided (report.scorecard
                  .decided: the interval excludes 1 and the group's clone
                  holds 1), or there is no difference, or nothing is
                  decided because the clone itself differs.

Every number comes from the results file; no strategy or workload is
named here.
"""
from pcbtools.report import coldwarm as report_coldwarm
from pcbtools.report import model as M
from pcbtools.report import plots as P
from pcbtools.report import scorecard as S
from pcbtools.report.render import Image, Missing

NO_DIFFERENCE = "no difference"
NOT_DECIDED = "not decided (the code clone differs)"


def _groups(runs):
    return M.keys_of(runs, "paired")


def _points(runs, g):
    return sorted({k for r in runs for k in r.paired.get(g, {})})


def _label(points):
    return [f"{d}/{f}" for d, f in points]


def _arms(runs, g, ref):
    """Strategies with figures over ref at some point of g, the
    candidates' order, controls (the clone among them) left out."""
    out = []
    for s in M.strategies(runs):
        if s == M.BASELINE or M.is_control(s) or s == ref:
            continue
        if any(f"{s}_over_{ref}" in figs for r in runs
               for figs in r.paired.get(g, {}).values()):
            out.append(s)
    return out


def _bars(ax, points, arms, get, colour, labels):
    """Each arm's (median, lo, hi) at each point as a marker with interval
    bars, the arms side by side around the point; get(s, point) gives
    the figure or None."""
    for n, s in enumerate(arms):
        pts = [(k, get(s, p)) for k, p in enumerate(points)]
        pts = [(k, v) for k, v in pts if v]
        if not pts:
            continue
        ax.errorbar([k + (n - (len(arms) - 1) / 2) * 0.12 for k, _ in pts],
                    [v[0] for _, v in pts],
                    yerr=[[v[0] - v[1] for _, v in pts],
                          [v[2] - v[0] for _, v in pts]],
                    fmt="o", ms=4, capsize=3, color=colour[s],
                    label=labels[s])
    ax.set_xticks(range(len(points)), _label(points), fontsize=8)
    ax.set_xlabel("depth / frames")


def cost_over_off(runs, g):
    title = (f"{S.point_title(g, None)}: cost over `{M.BASELINE}` per "
             "operation (paired, 95% interval)")
    points = _points(runs, g)
    arms = [s for s in M.strategies(runs) if s != M.BASELINE and
            not M.is_control(s) and any(
                report_coldwarm.paired_diff(r.paired[g].get(p), s,
                                            M.BASELINE)
                for r in runs if g in r.paired for p in points)]
    if not arms:
        return Missing(title)
    col = P.colours(runs)
    fig, axes = P.panels(runs, 1, width=max(5.0, 0.9 * len(points) + 2))
    for i, r in enumerate(runs):
        ax = axes[i][0]
        figs = r.paired.get(g, {})
        _bars(ax, points, arms, lambda s, p: report_coldwarm.paired_diff(
            figs.get(p), s, M.BASELINE), col, {s: s for s in arms})
        ax.axhline(0, color="k", lw=0.8)
        ax.set_ylabel(f"ns per operation over {M.BASELINE}")
        if len(runs) > 1:
            ax.set_title(r.label)
    P.finish(axes, fontsize=8, loc="upper left")
    return Image(f"paired-cost-{P.slug(g)}", title, P.png(fig),
                 f"paired cost over {M.BASELINE} for {g[0]}")


def verdicts(runs, g, ref, arms):
    """{s: 'no difference' | 'slower at d/f, ...' | 'faster at ...'} over
    every run and point of g, judged as the scorecard judges."""
    out = {}
    calib = [S.calibrated(r, g) for r in runs]
    for s in arms:
        up, down = [], []
        for r, c in zip(runs, calib):
            for p, figs in sorted(r.paired.get(g, {}).items()):
                v = S.ratio(figs, s, ref)
                if v is None:
                    continue
                k = S.decided(v, c)
                (up if k > 0 else down if k < 0 else []).append(
                    f"{p[0]}/{p[1]}")
        out[s] = "; ".join(x for x in (
            up and "slower at " + ", ".join(up),
            down and "faster at " + ", ".join(down)) if x) or (
            NOT_DECIDED if False in calib else NO_DIFFERENCE)
    return out


def ratio_to_ref(runs, g):
    _, ref = S.reference(runs[-1])
    points = _points(runs, g)
    arms = _arms(runs, g, ref) if ref else []
    head = f"{S.point_title(g, None)}: time ÷ `{ref}` (paired, 95% interval)"
    if not arms:
        return Missing(head)
    said = verdicts(runs, g, ref, arms)
    title = head + ": " + "; ".join(f"`{s}` {t}" for s, t in said.items())
    col = P.colours(runs)
    fig, axes = P.panels(runs, 1, width=max(5.0, 0.9 * len(points) + 2))
    for i, r in enumerate(runs):
        ax = axes[i][0]
        band = S.noise(r, g)
        if band is not None:
            ax.axhspan(1 - band, 1 + band, color="0.85",
                       label="code clone's spread (noise)")
        ax.axhline(1, color="k", lw=0.8)
        figs = r.paired.get(g, {})
        _bars(ax, points, arms, lambda s, p: S.ratio(figs.get(p), s, ref),
              col, {s: f"{s}: {said[s]}" for s in arms})
        ax.set_ylabel(f"time / {ref}")
        if len(runs) > 1:
            ax.set_title(r.label)
    P.finish(axes, fontsize=8, loc="upper left")
    return Image(f"paired-ratio-{P.slug(g)}", title, P.png(fig),
                 f"time over {ref} for {g[0]}: " + "; ".join(
                     f"{s} {t}" for s, t in said.items()))


def all_plots(runs):
    """[Image or Missing]: per paired group, cost over off then the ratio
    to the reference; [] for runs without paired entries."""
    out = []
    for g in _groups(runs):
        out += [cost_over_off(runs, g), ratio_to_ref(runs, g)]
    return out
