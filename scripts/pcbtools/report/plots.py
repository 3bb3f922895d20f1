"""report.plots: the report's figures, drawn with matplotlib (Agg) to PNG.

The time plots here draw the separate (unpaired) entries' medians, whose
repetitions share the machine's drift: they go to the report's appendix,
titled as such; the time plots the report leads with are
report.pairedplots'.  Each function takes the runs and returns an Image
block, or a Missing
block when no run measured what it draws.  With two runs, each run gets
its own row of panels (same axes limits), so a change reads top to bottom.
Strategies keep one colour throughout; negative controls are dashed.

  latency_vs_frames  per workload: median time per operation against the
                     frames on the stack (min-max of the repetitions as
                     error bars), a panel per depth, the floor dotted
  distribution       per workload at the deepest frames: p50, p99, p99.9
                     and max per strategy, log scale, a panel per depth
  percentiles        per workload at the deepest frames: "latency by
                     percentile", the lat_q<q>_ns ladder per strategy on
                     HdrHistogram's 1/(1-q) log axis, a panel per depth
  stack_bytes        stack_bytes per strategy, a bar per depth
  heap_vs_threads    heap_bytes against T threads, a panel per depth,
                     solid at the largest P, dashed at the smallest
  anatomy            per workload with a breakdown (ir_* from bench-ci):
                     "where an event's instructions go", one stacked bar
                     per strategy x depth, a panel per frames value
"""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

from pcbtools.report import model as M  # noqa: E402
from pcbtools.report.render import Image, Missing  # noqa: E402
from pcbtools import stats

# text.parse_math off: a name copied from the results is shown as text,
# never parsed as mathtext ($...$)
plt.rcParams.update({"font.size": 9, "axes.grid": True, "grid.alpha": 0.3,
                     "svg.hashsalt": "pcbench", "figure.dpi": 100,
                     "text.parse_math": False})
UNPAIRED = ("unpaired medians of separate entries: no difference between "
            "strategies is read from them")
PALETTE = plt.get_cmap("tab10").colors
MARKERS = "osD^v<>"


def colours(runs):
    return {s: PALETTE[i % len(PALETTE)]
            for i, s in enumerate(M.strategies(runs))}


def style(s):
    return "--" if M.is_control(s) else "-"


def png(fig):
    for t in fig.findobj(matplotlib.text.Text):  # see report_model.guard
        if M.DATA_TICK in t.get_text():
            t.set_text(t.get_text().replace(M.DATA_TICK, "`"))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def panels(runs, ncols, width=4.2, height=3.0):
    fig, axes = plt.subplots(len(runs), ncols, squeeze=False,
                             figsize=(width * ncols, height * len(runs)),
                             sharey="col")
    # fixed margins: a layout engine or a tight bounding box costs seconds
    fig.subplots_adjust(left=0.75 / (width * ncols), right=0.98,
                        bottom=0.9 / (height * len(runs)),
                        top=1 - 0.35 / (height * len(runs)),
                        wspace=0.32, hspace=0.55)
    return fig, axes


def finish(axes, **kw):
    """Say so in a panel with nothing drawn (a run that lacks the figure);
    one legend, on the top right panel, of every label in any panel."""
    seen = {}
    for ax in axes.flat:
        if not ax.has_data():
            ax.text(0.5, 0.5, M.NOT_MEASURED, transform=ax.transAxes,
                    ha="center", va="center", color="#8a4b00")
        for h, lab in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(lab, h)
    if seen:
        axes[0][-1].legend(list(seen.values()), list(seen), **kw)


def slug(group):
    return "-".join(x for x in (group[0], group[1].replace(":", "")
                                .replace("/", "-")) if x)


def latency_vs_frames(runs, group):
    title = (f"{M.group_title(group)}: time per operation against frames "
             f"({UNPAIRED})")
    depths = sorted({k[1] for r in runs for k in r.matrix.get(group, {})})
    if not depths:
        return Missing(title)
    col = colours(runs)
    fig, axes = panels(runs, len(depths))
    for i, r in enumerate(runs):
        m = r.matrix.get(group, {})
        for j, d in enumerate(depths):
            ax = axes[i][j]
            for s in M.strategies(runs):
                pts = sorted((f, figs["time"]) for (s2, d2, f), figs in
                             m.items() if s2 == s and d2 == d)
                if not pts:
                    continue
                x = [f for f, _ in pts]
                y = [float(stats.median(t)) for _, t in pts]
                err = [[yy - min(t) for yy, (_, t) in zip(y, pts)],
                       [max(t) - yy for yy, (_, t) in zip(y, pts)]]
                ax.errorbar(x, y, yerr=err, marker="o", ms=4, capsize=2,
                            ls=style(s), color=col[s], label=s)
            fl = sorted((f, M.med(v, "time")) for (d2, f), v in
                        r.floor.items() if d2 == d)
            if fl:
                ax.plot([f for f, _ in fl], [t for _, t in fl], ":k",
                        marker=".", label="floor (raw unwind)")
            ax.set_title(f"{r.label + ', ' if len(runs) > 1 else ''}"
                         f"depth {d}")
            ax.set_xlabel("frames on the stack")
            ax.set_ylabel("ns per operation (median)")
    for ax in axes.flat:  # after every run is drawn: shared limits
        ax.set_ylim(bottom=0)
    finish(axes, fontsize=8, loc="upper left")
    return Image(f"latency-{slug(group)}", title, png(fig),
                 f"latency vs frames for {group[0]}")


def distribution(runs, group):
    title = f"{M.group_title(group)}: latency distribution"
    keys = [k for r in runs for k in r.matrix.get(group, {})
            if "p50_ns" in r.matrix[group][k]]
    if not keys:
        return Missing(title)
    depths, frames = M.axis(keys, 1), M.axis(keys, 2)
    f = frames[-1]
    strats = [s for s in M.strategies(runs) if any(k[0] == s for k in keys)]
    qs = [("p50_ns", "p50"), ("p99_ns", "p99"), ("p999_ns", "p99.9"),
          ("max_ns", "max")]
    fig, axes = panels(runs, len(depths), width=max(4.2, 1.1 * len(strats)))
    w = 0.8 / len(qs)
    shades = plt.get_cmap("Blues")(np.linspace(0.35, 0.95, len(qs)))
    drawn = []
    for i, r in enumerate(runs):
        for j, d in enumerate(depths):
            ax = axes[i][j]
            for q, (name, lab) in enumerate(qs):
                ys = [M.med(r.matrix.get(group, {}).get((s, d, f)), name)
                      for s in strats]
                xs = [k + (q - 1.5) * w for k in range(len(strats))]
                ax.bar([x for x, y in zip(xs, ys) if y],
                       [y for y in ys if y], w, color=shades[q], label=lab)
                drawn += [y for y in ys if y]
            ax.set_yscale("log")
            ax.minorticks_off()  # log minor ticks cost more than the bars
            ax.set_xticks(range(len(strats)), strats, rotation=20,
                          fontsize=8)
            ax.set_title(f"{r.label + ', ' if len(runs) > 1 else ''}depth "
                         f"{d}, {f} frames")
            ax.set_ylabel("ns per operation")
    for ax in axes.flat:  # log bars start at the axis: fix it below all
        ax.set_ylim(min(drawn) / 1.6, max(drawn) * 1.6)
    finish(axes, fontsize=8)
    return Image(f"distribution-{slug(group)}",
                 title + f" at {f} frames ({UNPAIRED})",
                 png(fig), f"p50 p99 p99.9 max for {group[0]}")


def percentiles(runs, group):
    """Percentile curves: x = 1/(1-q) on a log scale, labelled as
    percentiles; y = ns per operation, log.  The max (q = 1) has no place
    on that axis: it is drawn in the distribution's bars."""
    title = f"{M.group_title(group)}: latency by percentile"
    ladder = [(q, k) for q, k in M.LAT_LADDER if q < 1]
    keys = [k for r in runs for k, figs in r.matrix.get(group, {}).items()
            if all(name in figs for _, name in ladder)]
    if not keys:
        return Missing(title)
    depths, frames = M.axis(keys, 1), M.axis(keys, 2)
    f = frames[-1]
    col = colours(runs)
    xs = [1 / (1 - q) for q, _ in ladder]
    ticks = [(0.5, "50%"), (0.9, "90%"), (0.99, "99%"), (0.999, "99.9%"),
             (0.9999, "99.99%")]
    fig, axes = panels(runs, len(depths))
    for i, r in enumerate(runs):
        m = r.matrix.get(group, {})
        for j, d in enumerate(depths):
            ax = axes[i][j]
            for s in M.strategies(runs):
                figs = m.get((s, d, f))
                ys = [M.med(figs, name) for _, name in ladder]
                pts = [(x, y) for x, y in zip(xs, ys)
                       if y is not None and y > 0]
                if not pts:
                    continue
                ax.plot([x for x, _ in pts], [y for _, y in pts],
                        marker=".", ms=4, ls=style(s), color=col[s],
                        label=s)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.minorticks_off()
            ax.set_xticks([1 / (1 - q) for q, _ in ticks],
                          [lab for _, lab in ticks], fontsize=8)
            ax.set_xlim(xs[0] / 1.2, xs[-1] * 1.2)
            # plain numbers: mathtext is off (10^{3} would show raw)
            ax.yaxis.set_major_formatter(
                matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.set_title(f"{r.label + ', ' if len(runs) > 1 else ''}depth "
                         f"{d}, {f} frames")
            ax.set_xlabel("percentile")
            ax.set_ylabel("ns per operation")
    finish(axes, fontsize=8, loc="upper left")
    return Image(f"percentiles-{slug(group)}",
                 title + f" at {f} frames ({UNPAIRED})",
                 png(fig), f"latency by percentile for {group[0]}")


def stack_bytes(runs):
    title = "`stack_bytes` per strategy and depth"
    data = {}  # (run index, group, s, d) -> bytes (largest over frames)
    for i, r in enumerate(runs):
        for g, m in r.matrix.items():
            for (s, d, f), figs in m.items():
                v = M.med(figs, "stack_bytes")
                if v is not None:
                    k = (i, g, s, d)
                    data[k] = max(v, data.get(k, v))
    if not data:
        return Missing(title)
    groups = [g for g in M.keys_of(runs, "matrix")
              if any(k[1] == g for k in data)]
    depths = sorted({k[3] for k in data})
    strats = [s for s in M.strategies(runs) if any(k[2] == s for k in data)]
    fig, axes = panels(runs, len(groups), width=max(4.2, 1.0 * len(strats)))
    w = 0.8 / len(depths)
    shades = plt.get_cmap("Oranges")(np.linspace(0.4, 0.9, len(depths)))
    for i, r in enumerate(runs):
        for j, g in enumerate(groups):
            ax = axes[i][j]
            for q, d in enumerate(depths):
                ys = [data.get((i, g, s, d)) for s in strats]
                xs = [k + (q - (len(depths) - 1) / 2) * w
                      for k in range(len(strats))]
                bars = ax.bar([x for x, y in zip(xs, ys) if y is not None],
                              [y for y in ys if y is not None], w,
                              color=shades[q], label=f"depth {d}")
                ax.bar_label(bars, fontsize=7, fmt="%d")
            ax.set_xticks(range(len(strats)), strats, rotation=20,
                          fontsize=8)
            ax.set_title(f"{r.label + ', ' if len(runs) > 1 else ''}"
                         f"{g[0]}")
            ax.set_ylabel("bytes below the event site")
    finish(axes, fontsize=8)
    return Image("stack-bytes", title, png(fig), "stack bytes per strategy")


def heap_vs_threads(runs):
    title = "`heap_bytes` against threads"
    keys = M.keys_of(runs, "heap")
    if not keys:
        return Missing(title)
    depths, ps = M.axis(keys, 1), M.axis(keys, 3)
    col = colours(runs)
    fig, axes = panels(runs, len(depths))
    for i, r in enumerate(runs):
        for j, d in enumerate(depths):
            ax = axes[i][j]
            for n, s in enumerate(M.strategies(runs)):
                for p in ps:
                    pts = sorted((k[2], M.med(v, "heap_bytes")) for k, v in
                                 r.heap.items() if k[0] == s and k[1] == d
                                 and k[3] == p)
                    pts = [(t, h) for t, h in pts if h is not None]
                    if not pts:
                        continue
                    # earlier strategies thicker: equal lines stay visible
                    ax.plot([t for t, _ in pts], [h for _, h in pts],
                            marker=MARKERS[n % len(MARKERS)],
                            ms=max(2.5, 7 - 1.2 * n),
                            lw=max(0.8, 3.2 - 0.6 * n),
                            color=col[s], ls="-" if p == ps[-1] else "--",
                            label=f"{s}, {p:g}%")
            ax.set_xscale("log")
            ax.set_yscale("symlog", linthresh=64)
            ax.minorticks_off()
            ax.set_xlabel("threads alive (T)")
            ax.set_ylabel("heap bytes held")
            ax.set_title(f"{r.label + ', ' if len(runs) > 1 else ''}"
                         f"depth {d}")
    for ax in axes.flat:
        ax.set_ylim(bottom=0)
    finish(axes, fontsize=7, ncol=2, loc="upper left")
    return Image("heap-threads", title + " (solid: the most threads "
                 "profiling, dashed: the fewest)", png(fig),
                 "heap bytes vs threads")


PART_COLOURS = {"strategy": "#d62728", "unwinder": "#1f77b4",
                "consumer": "#2ca02c", "sampler": "#9467bd",
                "workload": "#7f7f7f"}


def anatomy(runs, group):
    """One stacked bar per strategy x depth: the event's instructions by
    part (ir_*), a panel per frames value, a row per run."""
    title = f"{M.group_title(group)}: {M.ANATOMY_TITLE}"
    keys = sorted({k for r in runs for k, figs in r.matrix.get(group, {})
                   .items() if M.anatomy(figs)}, key=lambda k: k[1:])
    if not keys:
        return Missing(title)
    order = M.strategies(runs)
    bars = sorted({(s, d) for s, d, _ in keys},
                  key=lambda b: (b[1], order.index(b[0])))
    frames = sorted({f for _, _, f in keys})
    fig, axes = panels(runs, len(frames), width=max(4.2, 0.45 * len(bars)
                                                     + 1.5))
    for i, r in enumerate(runs):
        m = r.matrix.get(group, {})
        for j, f in enumerate(frames):
            ax = axes[i][j]
            bottom = [0.0] * len(bars)
            for p in M.ANATOMY_PARTS:
                h = []
                for s, d in bars:
                    a = M.anatomy(m.get((s, d, f)))
                    h.append(a[p] if a else 0.0)
                if any(h):
                    ax.bar(range(len(bars)), h, bottom=bottom, width=0.7,
                           color=PART_COLOURS[p], label=p)
                bottom = [b + v for b, v in zip(bottom, h)]
            ax.set_xticks(range(len(bars)))
            ax.set_xticklabels([f"{s}\n{d}" for s, d in bars], fontsize=7,
                               rotation=90)
            ax.set_title(f"{r.label + ', ' if len(runs) > 1 else ''}"
                         f"{f} frames", fontsize=9)
            ax.set_ylabel("instructions per event")
            ax.set_xlabel("strategy / depth")
    finish(axes, fontsize=8, loc="upper left")
    return Image(f"anatomy-{slug(group)}", title, png(fig),
                 f"{M.ANATOMY_TITLE} for {group[0]}")


def all_plots(runs):
    """{section id: [Image or Missing]}: the separate entries' medians
    and distributions go to the appendix (unpaired: report.pairedplots
    draws the time plots the latency section shows)."""
    groups = M.keys_of(runs, "matrix")
    lat = [latency_vs_frames(runs, g) for g in groups] or \
        [Missing("time per operation against frames")]
    dist = [distribution(runs, g) for g in groups] or \
        [Missing("latency distribution")]
    pct = [percentiles(runs, g) for g in groups] or \
        [Missing("latency by percentile")]
    anat = [anatomy(runs, g) for g in groups
            if any(M.has_anatomy(r, g) for r in runs)]
    return {"appendix": lat + dist + pct, "stack": [stack_bytes(runs)],
            "anatomy": anat,
            "heap": [heap_vs_threads(runs)]}
