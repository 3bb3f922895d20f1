#!/usr/bin/python3
"""history: keep pcbench results over commits and graph them for CI.

history add --dir HIST RESULTS.json
  Checks RESULTS.json (as compare does) and copies it, byte for byte, to
  HIST/<UTC date>-<commit>.json, from its context.date and
  context.git_commit.  Adding the same file again does nothing; a different
  file with the same date and commit is refused.

history plot --dir HIST --out OUTDIR
  Orders the files in HIST by context.date and draws one graph per
  benchmark, one panel per figure it has: time as the median over the
  repetitions of each run with the interquartile range (dark band) and the
  min-max range (light band); exact figures as a step plot of the median.
  Writes OUTDIR/<benchmark>.png and .svg, OUTDIR/index.html (links and
  lists, self-contained, relative links) and OUTDIR/changes.json.

Change points (marked on the graphs with a dashed line, red when worse,
green when better, and listed in index.html, changes.json and on stdout):
  time -- binary segmentation of the series of per-run medians with Welch's
    t-test (stats.detect_steps): the split with the smallest p-value is
    kept when p times the number of candidate splits (Bonferroni) is below
    --alpha (default 0.01), each side has at least --min-segment runs
    (default 2) and the segment means differ by more than --min-change
    (default 5%); then both sides are split again.
  exact figures -- deterministic, so every change of the median between
    consecutive runs beyond the figure's tolerance (0; heap_alloc_bytes 1%)
    is a change point.
The exit status is 0 whatever the history shows (compare is the gate),
2 on bad input (one line on stderr, nothing written), an output among
them: HIST and OUTDIR must be folders (or new names), and each file
written in them a regular file or a new name, as pcbench's --out.
"""
import argparse
import datetime
import json
import math
import multiprocessing
import os
import re
import shutil
import sys
import tempfile

from pcbtools import pcblib
from pcbtools import stats

UTC = datetime.timezone.utc


def parse_args(argv):
    doc = __doc__.split("\n\n")
    p = pcblib.Parser(
        prog="history", description=doc[0], epilog="\n\n".join(doc[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True, metavar="{add,plot}")
    a = sub.add_parser("add", help="copy a results file into HIST",
                       description=doc[1],
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--dir", required=True, metavar="HIST",
                   help="history folder (created if missing)")
    a.add_argument("results", metavar="RESULTS.json",
                   help="pcbench results (Google Benchmark JSON)")
    g = sub.add_parser("plot", help="draw HIST into OUTDIR",
                       description="\n\n".join(doc[2:]),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("--dir", required=True, metavar="HIST",
                   help="history folder made by 'history add'")
    g.add_argument("--out", required=True, metavar="OUTDIR",
                   help="folder for the graphs and index.html (created if "
                   "missing; files of the same name are replaced)")
    g.add_argument("--alpha", type=pcblib.alpha_arg, default=0.01,
                   help="significance of a time step (default 0.01)")
    g.add_argument("--min-segment", type=pcblib.int_arg(2, 1000), default=2,
                   metavar="N", help="fewest runs on each side of a time "
                   "step, 2..1000 (default 2)")
    g.add_argument("--min-change", type=pcblib.rel_arg, default=0.05,
                   metavar="REL", help="smallest time step that counts, as "
                   "5%% or 0.05 (default 5%%)")
    g.add_argument("--jobs", type=pcblib.int_arg(1, 256),
                   default=os.cpu_count() or 1, metavar="N",
                   help="processes drawing graphs, 1..256 (default: CPUs)")
    return p.parse_args(argv)


def hist_name(res):
    """<UTC date>-<commit>.json for a checked results file."""
    commit = res.context.get("git_commit")
    if not isinstance(commit, str) or not commit.strip():
        raise pcblib.BadInput(f"{res.path}: context.git_commit is "
                              f"{commit!r}; expected the commit that was run")
    date = pcblib.run_date(res).astimezone(UTC)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", commit.strip())
    return f"{date:%Y%m%dT%H%M%SZ}-{safe}.json"


def cmd_add(args):
    pcblib.check_out_folder(args.dir, create=True)
    res = pcblib.load_results(args.results)
    dest = os.path.join(args.dir, hist_name(res))
    if os.path.isdir(args.dir):
        pcblib.check_output(dest)
    with open(args.results, "rb") as f:
        data = f.read()
    if os.path.exists(dest):
        with open(dest, "rb") as f:
            if f.read() != data:
                raise pcblib.BadInput(
                    f"{dest} already holds a different results file for the "
                    "same date and commit; allowed: one file per run")
        print(f"history: {dest} already present")
        return 0
    os.makedirs(args.dir, exist_ok=True)
    pcblib.write_atomic(dest, data)
    print(f"history: added {dest}")
    return 0


def load_history(hist):
    """The checked results files of hist, oldest first."""
    if not os.path.isdir(hist):
        raise pcblib.BadInput(f"{hist}: no such folder; expected a history "
                              "folder made by 'history add'")
    files = sorted(f for f in os.listdir(hist) if f.endswith(".json"))
    if not files:
        raise pcblib.BadInput(f"{hist}: no results files (*.json); add some "
                              "with 'history add'")
    runs = [pcblib.load_results(os.path.join(hist, f)) for f in files]
    keyed = [(pcblib.run_date(r), f, r) for f, r in zip(files, runs)]
    return [r for _, _, r in sorted(keyed, key=lambda t: t[:2])]


def series(runs):
    """{benchmark: {figure: [(run index, summary)]}} in first-seen order."""
    out = {}
    for i, res in enumerate(runs):
        for name, figs in res.runs.items():
            bench = out.setdefault(name, {})
            for f in pcblib.FIGURES:
                if f.name in figs:
                    bench.setdefault(f.name, []).append(
                        (i, stats.summary(figs[f.name])))
    return {n: {f.name: b[f.name] for f in pcblib.FIGURES if f.name in b}
            for n, b in out.items()}


def steps(fig, pts, args):
    """[(k, before, after, p)]: change points of one series, k into pts."""
    y = [s["median"] for _, s in pts]
    if fig.kind == "exact":
        return [(k, y[k - 1], y[k], None) for k in range(1, len(y))
                if abs(stats.rel_change(y[k - 1], y[k])) > fig.tolerance]
    found = stats.detect_steps(y, args.alpha, args.min_segment,
                                args.min_change)
    cuts = [0] + [k for k, _ in found] + [len(y)]
    return [(k, sum(y[cuts[j]:k]) / (k - cuts[j]),
             sum(y[k:cuts[j + 2]]) / (cuts[j + 2] - k), p)
            for j, (k, p) in enumerate(found)]


def find_changes(data, runs, args):
    """Every change point as a dict, in benchmark and figure order."""
    out = []
    for name, figs in data.items():
        for figname, pts in figs.items():
            fig = pcblib.BY_NAME[figname]
            for k, before, after, p in steps(fig, pts, args):
                rel = stats.rel_change(before, after)
                res = runs[pts[k][0]]
                out.append(dict(
                    benchmark=name, figure=figname, run=pts[k][0],
                    date=res.context.get("date"),
                    commit=res.context.get("git_commit"),
                    before=before, after=after, p=p,
                    change=rel if math.isfinite(rel) else None,
                    direction="worse" if pcblib.worse_by(fig, rel) > 0
                    else "better"))
    return out


def slugs(names):
    """A distinct file-name stem per benchmark name."""
    out, used = {}, set()
    for n in names:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", n).strip("_") or "bench"
        s, i = base, 2
        while s in used:
            s, i = f"{base}-{i}", i + 1
        used.add(s)
        out[n] = s
    return out


def tick_labels(runs):
    return [f"{pcblib.run_date(r).astimezone(UTC):%m-%d %H:%M}\n"
            f"{str(r.context.get('git_commit', '?'))[:7]}" for r in runs]


def draw(job):
    """Draw one benchmark's graph as PNG and SVG (runs in a worker)."""
    from matplotlib.figure import Figure
    stem, name, figs, marks, labels = job
    fig = Figure(figsize=(9, 1.9 * len(figs) + 1.1))
    axes = fig.subplots(len(figs), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (figname, pts) in zip(axes, figs.items()):
        draw_panel(ax, pcblib.BY_NAME[figname], pts, marks.get(figname, []))
    step = max(1, (len(labels) + 11) // 12)
    axes[-1].set_xticks(range(0, len(labels), step))
    axes[-1].set_xticklabels(labels[::step], fontsize=7)
    axes[-1].set_xlim(-0.5, len(labels) - 0.5)
    fig.suptitle(name, fontsize=9)
    h = fig.get_figheight()
    fig.subplots_adjust(left=0.11, right=0.98, top=1 - 0.45 / h,
                        bottom=0.75 / h, hspace=0.25)
    fig.savefig(stem + ".png", dpi=80)
    fig.savefig(stem + ".svg", metadata={"Date": None})


def draw_panel(ax, fig, pts, marks):
    from matplotlib.ticker import MaxNLocator
    x = [i for i, _ in pts]
    med = [s["median"] for _, s in pts]
    if fig.kind == "timing":
        ax.fill_between(x, [s["min"] for _, s in pts],
                        [s["max"] for _, s in pts], color="C0", alpha=0.15,
                        step=None, label="min-max")
        ax.fill_between(x, [s["q1"] for _, s in pts],
                        [s["q3"] for _, s in pts], color="C0", alpha=0.35,
                        label="IQR")
        ax.plot(x, med, "o-", color="C0", ms=3, lw=1, label="median")
        ax.legend(loc="lower right", bbox_to_anchor=(1, 1), fontsize=6,
                  frameon=False, ncol=3, borderaxespad=0.1)
    else:
        ax.step(x, med, where="mid", color="C2", lw=1.2)
        ax.plot(x, med, "o", color="C2", ms=3)
    for m in marks:
        color = "C3" if m["direction"] == "worse" else "C2"
        ax.axvline(m["run"] - 0.5, ls="--", lw=1, color=color)
        ax.annotate(pct(m["change"]), (m["run"] - 0.45, 0.97), fontsize=7,
                    xycoords=("data", "axes fraction"), va="top",
                    color=color)
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.set_ylabel(f"{fig.name}\n({fig.unit})", fontsize=7)
    ax.tick_params(labelsize=7)
    ax.grid(True, lw=0.3, alpha=0.5)


# index.html: jinja2 with autoescape, so every name, date and commit the
# results carry reaches the page as text, never as markup.
INDEX = """\
<!doctype html><html><head><meta charset="utf-8">
<title>pcbench history</title><style>body{font:14px sans-serif;\
margin:1em 2em}table{border-collapse:collapse}td,th{border:1px \
solid #ccc;padding:2px 6px}img{max-width:100%}</style></head>
<body><h1>pcbench history</h1>
<p>{{ runs|length }} runs, {{ first.date }} ({{ first.git_commit }}) to \
{{ last.date }} ({{ last.git_commit }}). Time: median, IQR and min-max over \
repetitions, steps found by binary segmentation with Welch's t-test; exact \
figures: every change is a step. See <code>scripts/history --help</code>.</p>
{% for title, sel in groups %}<h2>{{ title }} ({{ sel|length }})</h2>
{% if sel %}<table><tr><th>benchmark</th><th>figure</th><th>from run</th>\
<th>before &rarr; after</th><th>change</th><th>p</th></tr>\
{% for c in sel %}<tr><td><a href="#{{ stems[c.benchmark] }}">\
{{ c.benchmark }}</a></td><td>{{ c.figure }}</td><td>{{ c.date }} \
{{ c.commit }}</td><td>{{ "%.6g"|format(c.before) }} &rarr; \
{{ "%.6g"|format(c.after) }}</td><td>{{ pct(c.change) }}</td><td>\
{{ "-" if c.p is none else "%.2g"|format(c.p) }}</td></tr>{% endfor %}\
</table>{% else %}<p>None.</p>{% endif %}
{% endfor %}<h2>Benchmarks</h2><ul>
{% for n in names %}<li><a href="#{{ stems[n] }}">{{ n }}</a></li>
{% endfor %}</ul>
{% for n in names %}{% set s = stems[n] %}<h3 id="{{ s }}">{{ n }}</h3><p>\
<a href="{{ s }}.svg"><img src="{{ s }}.png" loading="lazy" alt="{{ n }}">\
</a><br><a href="{{ s }}.png">PNG</a> <a href="{{ s }}.svg">SVG</a></p>
{% endfor %}</body></html>
"""


def pct(change):
    return "new" if change is None else f"{change * 100:+.1f}%"


def index_html(runs, data, changes, stems):
    import jinja2
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    ctx = [{k: str(r.context.get(k)) for k in ("date", "git_commit")}
           for r in (runs[0], runs[-1])]
    groups = [(title, [c for c in changes if c["direction"] == d])
              for title, d in (("Regressions", "worse"),
                               ("Improvements", "better"))]
    return env.from_string(INDEX).render(
        runs=runs, first=ctx[0], last=ctx[1], groups=groups, names=list(data),
        stems=stems, pct=pct)


def render(tmp, runs, data, changes, stems, jobs):
    import matplotlib  # before the workers fork, so it is imported once
    matplotlib.use("Agg")
    # text.parse_math off: a benchmark name is a title, never mathtext
    matplotlib.rcParams.update({"svg.fonttype": "none",
                                "svg.hashsalt": "pcbench",
                                "text.parse_math": False})
    import matplotlib.figure  # noqa: F401
    labels = tick_labels(runs)
    work = [(os.path.join(tmp, stems[n]), n, figs,
             {f: [c for c in changes if c["benchmark"] == n
                  and c["figure"] == f] for f in figs}, labels)
            for n, figs in data.items()]
    if jobs > 1 and len(work) > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pool.map(draw, work, chunksize=4)
    else:
        for w in work:
            draw(w)
    with open(os.path.join(tmp, "changes.json"), "w") as f:
        json.dump(changes, f, indent=1, allow_nan=False)
    with open(os.path.join(tmp, "index.html"), "w") as f:
        f.write(index_html(runs, data, changes, stems))


def outputs(out, stems):
    """The files plot writes into out, each checked (pcblib.check_output)
    before anything is drawn."""
    names = [s + ext for s in stems.values() for ext in (".png", ".svg")]
    names += ["changes.json", "index.html"]
    if os.path.isdir(out):
        for n in names:
            pcblib.check_output(os.path.join(out, n))
    return names


def cmd_plot(args):
    pcblib.check_out_folder(args.out, create=True)
    runs = load_history(args.dir)
    data = series(runs)
    changes = find_changes(data, runs, args)
    stems = slugs(data)
    outputs(args.out, stems)
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=args.out, prefix=".history-")
    try:
        render(tmp, runs, data, changes, stems, args.jobs)
        for f in sorted(os.listdir(tmp), key=lambda f: f == "index.html"):
            pcblib.check_output(os.path.join(args.out, f))
            os.replace(os.path.join(tmp, f), os.path.join(args.out, f))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for c in changes:
        print(f"history: {c['direction']}: {c['benchmark']} {c['figure']} "
              f"from {c['date']} ({c['commit']}): {c['before']:.6g} -> "
              f"{c['after']:.6g} ({pct(c['change'])})")
    print(f"history: {len(runs)} runs, {len(data)} benchmarks, "
          f"{sum(c['direction'] == 'worse' for c in changes)} regression(s); "
          f"{os.path.join(args.out, 'index.html')}")
    return 0


def main(argv=None):
    args = parse_args(argv)
    return cmd_add(args) if args.cmd == "add" else cmd_plot(args)


if __name__ == "__main__":
    sys.exit(pcblib.run("history", main))
