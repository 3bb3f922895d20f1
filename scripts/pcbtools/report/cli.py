#!/usr/bin/python3
"""report: the design evaluation report of one or two pcbench runs.

Writes report.html (one self-contained page: plots inline as PNG, no
network) and report.md (plots as PNG files in report-plots/ beside it)
next to the results: the question; the machine and build from the
results' context; the method; findings computed from the numbers; tables
of strategy x depth x frames for time, p50/p99/p99.9/max, overhead over
`off` and over the unwind floor, stack_bytes (beside the unwinder's own
share of it, with which of the unwinder and the buffer decides the
smallest fiber), min_fiber_stack, headroom_bytes, heap bytes at T
threads, thread-start and first-event cost, and correctness (checked,
under a signal storm, under thread churn with injected faults); plots;
and a fleet projection.

With two results files (before and after a change, or two machines) every
table cell reads "A -> B", each plot has a row per run, and the findings
add what moved from A to B.  The report goes next to the LAST file given.

A figure or entry the run did not measure is said plainly ("not measured
in this run").  Bad input -- a missing file, malformed JSON, a bare NaN
token, an invalid option, an output that is a device, a FIFO, a directory
or a symbolic link -- exits 2 with one line on stderr and writes nothing;
outputs are written to a temporary and renamed.  A run scripts/bench-run
marked failed (context.run_failed) opens with a section that says so.
Each storm entry's overlaps, N (storm_overlaps_needed) and pcbench's
verdict (storm_verdict) are in the correctness tables (docs/report.md).

Fleet projection: with T threads of which P% record events, G tasks that
record events, R events per second and S thread starts per second, each
strategy's heap (T * eager + ceil(T*P/100) * (active - eager) bytes, fitted
on the heap/ entries), task stacks (G * min_fiber_stack) and CPU
(R * the paired cold cost over off, with its interval, + S * thread-start
cost + S*P/100 * first-event cost).  docs/report.md explains the model.

The report opens with the scorecard (report.scorecard): one table, the
strategies side by side, and what the paired intervals decide; the time
plots are drawn from the paired entries, the separate entries' medians
only in an appendix labelled unpaired.

examples:
  scripts/report results/latest
  scripts/report build/tests/smoke.json --out-dir /tmp/r
  scripts/report results/baseline.json results/latest/results.json
  scripts/report results/latest --threads 5000 --profiling 1 \\
      --tasks 100000 --event-rate 50000
  make report RESULTS=results/runs/<run>
"""
import argparse
import os
import sys

from pcbtools import pcblib
from pcbtools.report import context as report_context
from pcbtools.report import findings as report_findings
from pcbtools.report import fleet as report_fleet
from pcbtools.report import model as M
from pcbtools.report import scorecard as report_scorecard
from pcbtools.report import tables as report_tables
from pcbtools.report.render import (
    Heading, Items, Para, Section, html_page, images, markdown)

TITLE = "pcbench: where should the profiler's PC buffer live?"
IMG_DIR = "report-plots"


def parse_args(argv):
    doc = __doc__.split("\n\n")
    p = pcblib.Parser(prog="report", description=doc[0],
                      epilog="\n\n".join(doc[1:]),
                      formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", nargs="+", metavar="RESULTS",
                   help="results JSON, or a run folder holding results.json "
                   "(such as results/latest); a second one is compared with "
                   "the first")
    p.add_argument("--out-dir", metavar="DIR",
                   help="folder for report.html, report.md and report-plots/ "
                   "(default: the folder of the last RESULTS)")
    p.add_argument("--counts", metavar="RESULTS",
                   help="a `make bench-ci` results file (or its folder) whose "
                   "callgrind miss counts per event, warm and cold, the "
                   "warm-vs-cold finding quotes (default: the RESULTS' own, "
                   "else a bench-ci run of the same commit beside it in "
                   "results/runs)")
    p.add_argument("--label", action="append", default=[], metavar="TEXT",
                   help="name of a run in tables and plots, once per "
                   "RESULTS (default: A/B and the run folder or file name)")
    f = p.add_argument_group("fleet projection inputs")
    f.add_argument("--threads", type=pcblib.int_arg(1, 10 ** 9),
                   default=1000, metavar="T",
                   help="OS threads in the process (default 1000)")
    f.add_argument("--profiling", type=pcblib.number_arg(0, 100), default=10,
                   metavar="P", help="percent of the threads that ever "
                   "record an event, 0..100 (default 10)")
    f.add_argument("--tasks", type=pcblib.int_arg(0, 10 ** 12),
                   default=10000, metavar="G",
                   help="goroutine-like tasks that record events "
                   "(default 10000)")
    f.add_argument("--event-rate", type=pcblib.number_arg(0, 1e15), default=10000,
                   metavar="R", help="profiling events per second, all "
                   "threads (default 10000)")
    f.add_argument("--thread-starts", type=pcblib.number_arg(0, 1e12), default=10,
                   metavar="S", help="threads started per second "
                   "(default 10)")
    f.add_argument("--fleet-workload", metavar="NAME",
                   help="workload whose per-event figures are used "
                   "(default: the first measured, in the order of the "
                   "context's workload_kinds)")
    f.add_argument("--fleet-frames", type=pcblib.int_arg(1, 100000),
                   metavar="F", help="frames on the stack at the event "
                   "(default: the deepest measured for the workload)")
    args = p.parse_args(argv)
    if len(args.results) > 2:
        p.error(f"{len(args.results)} results files given; allowed: one, "
                "or two to compare")
    if len(args.label) > len(args.results):
        p.error(f"{len(args.label)} --label options for "
                f"{len(args.results)} results file(s); allowed: at most one "
                "per file")
    return args


def fleet_inputs(args, runs):
    order = report_scorecard.workload_order(runs[-1])
    wl = args.fleet_workload or (order[0] if order else "")
    frames = sorted({k[2] for r in runs for g, m in r.matrix.items()
                     if g[0] == wl for k in m})
    fr = args.fleet_frames or (frames[-1] if frames else 0)
    return report_fleet.Inputs(args.threads, args.tasks, args.event_rate,
                               args.thread_starts, args.profiling, wl, fr)


def hint(inp, paths):
    """The command line that redraws the projection with these inputs."""
    return ("`scripts/report " + " ".join(M.guard(p) for p in paths) +
            f" --threads {inp.threads} --profiling {inp.profiling:g}"
            f" --tasks {inp.tasks} --event-rate {inp.rate:g}"
            f" --thread-starts {inp.starts:g}"
            f" --fleet-workload {M.guard(inp.workload)}" +
            (f" --fleet-frames {inp.frames}" if inp.frames else "") + "`.")


def build(runs, args):
    """The report's sections, plots drawn (nothing is written here)."""
    # matplotlib: only once the input is known good
    from pcbtools.report import plots as report_plots
    from pcbtools.report import pairedplots as report_pairedplots

    found = [dict(report_findings.findings(r)) for r in runs]
    blocks = []
    for topic in found[0]:
        blocks.append(Heading(topic))
        for r, f in zip(runs, found):
            if len(runs) > 1:
                blocks.append(Para(f"{r.label}:"))
            blocks.append(Items(f.get(topic, [M.NOT_MEASURED])))
    if len(runs) > 1:
        blocks += [Heading(f"From {runs[0].label} to {runs[1].label}"),
                   Items(report_findings.changes(runs[0], runs[1]))]
    plots = report_plots.all_plots(runs)
    plots["latency"] = report_pairedplots.all_plots(runs) or [Para(
        "No paired entries in this run, so no time plot: the separate "
        "entries' medians are in the appendix, unpaired.")]
    tables = report_tables.sections(runs)
    for s in tables:
        s.blocks[1 if s.id == "latency" else 0:0] = plots.get(s.id, [])
    inp = fleet_inputs(args, runs)
    failed = [s for s in [report_context.failed(runs)] if s]
    return (failed + [report_scorecard.section(runs),
                      report_context.question(runs),
                      Section("findings", "Findings", blocks),
                      report_context.machine(runs),
                      report_context.method(runs)]
            + tables + [report_fleet.section(runs, inp,
                                             hint(inp, args.results)),
                        Section("appendix", "Appendix: unpaired medians",
                                [Para(report_plots.UNPAIRED[0].upper() +
                                      report_plots.UNPAIRED[1:] + ": their "
                                      "repetitions share the machine's "
                                      "drift.")] + plots["appendix"])])


def plot_paths(folder, imgs):
    """{path: PNG bytes} of the plots report.md shows, each path checked
    (pcblib.check_output) before anything is written; the folder must be
    a folder of its own (not a symbolic link) or absent."""
    if os.path.lexists(folder) and (os.path.islink(folder) or
                                    not os.path.isdir(folder)):
        raise pcblib.BadInput(f"{pcblib.shown(folder)}: is not a folder of "
                              "its own; allowed: a folder, or no such name "
                              "(report.md's plots go there)")
    out = {os.path.join(folder, img.name + ".png"): img.png for img in imgs}
    if os.path.isdir(folder):
        for path in out:
            pcblib.check_output(path)
    return out


def write_plots(folder, pngs):
    """The PNGs report.md shows; older PNGs in the folder, from a report
    of other entries, are removed so that the folder matches report.md."""
    if not pngs and not os.path.isdir(folder):
        return
    os.makedirs(folder, exist_ok=True)
    for path, png in pngs.items():
        pcblib.write_atomic(path, png)
    keep = {os.path.basename(p) for p in pngs}
    for name in os.listdir(folder):
        if name.endswith(".png") and name not in keep:
            os.unlink(os.path.join(folder, name))


def main(argv=None):
    args = parse_args(argv)
    out_dir = args.out_dir or os.path.dirname(os.path.abspath(
        args.results[-1] if not os.path.isdir(args.results[-1]) else
        os.path.join(args.results[-1], "results.json")))
    pcblib.check_out_folder(out_dir)
    html_path = pcblib.check_output(os.path.join(out_dir, "report.html"))
    md_path = pcblib.check_output(os.path.join(out_dir, "report.md"))
    plot_paths(os.path.join(out_dir, IMG_DIR), [])
    runs = M.load(args.results, args.label)
    M.attach_counts(runs, args.counts)
    sections = build(runs, args)
    html_text = html_page(TITLE, sections)
    md_text = markdown(TITLE, sections, IMG_DIR)
    imgs = images(sections)
    pngs = plot_paths(os.path.join(out_dir, IMG_DIR), imgs)
    write_plots(os.path.join(out_dir, IMG_DIR), pngs)
    pcblib.write_atomic(md_path, md_text)
    pcblib.write_atomic(html_path, html_text)
    print(f"report: wrote {html_path} and {md_path} ({len(imgs)} plots)")
    for r in runs:
        if r.context.get("run_failed"):
            print(f"report: {r.path} is a failed run's evidence "
                  "(context.run_failed); the report says so at the top")
    return 0


if __name__ == "__main__":
    sys.exit(pcblib.run("report", main))
