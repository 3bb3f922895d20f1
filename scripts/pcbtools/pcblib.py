"""pcblib: what the pcbench result scripts (compare, history, export,
report, check-stability, bench-ci) share.  Three modules below it do the
reading and the writing, and pcblib gives their names to the scripts:

  pcblib_io     BadInput; outputs checked as pcbench's --out and written
                through a temporary (check_output, write_atomic); the
                terminal filter that escapes control characters
  pcblib_names  the entry-name grammar (parse_name, entry_name) and the
                strategies' roles (strategy_flags, check_flags)
  pcblib_read   one results file read and checked whole (load_doc)

A results file is Google Benchmark 1.7.1 JSON as pcbench writes it: a
`context` object and a `benchmarks` list in which every repetition of an
entry is one row with run_type "iteration" (aggregate rows -- mean,
median, stddev, cv -- are checked, then ignored: the scripts recompute
what they need from the repetitions).  load_results() groups the
repetitions of a file load_doc() accepted by run_name into
    runs[run_name][figure] = [value of repetition 0, 1, ...]
for every figure in FIGURES that the entry carries
(load_results(path, counters=True) keeps every numeric field of the row
instead -- p99_ns, floor_ratio, nested, ... -- for the report).

FIGURES is the one table of figures: `time` (real time per iteration, in
ns, noisy: compared statistically) and the exact figures (counters that are
deterministic for a given build: compared exactly).  Each row says which
direction is worse and how `export` turns it into a smaller-is-better
series.  Adding a counter to the gate is one row here.

Every input problem raises BadInput with a one-line message; run() turns it
into that line on stderr and exit status 2.  detect_steps() is the
change-point detector that `history` uses, kept here with the other
statistics.  A strategy's role (the negative control, the opt-in ones) is
read from the results' context (strategy_flags()), never from its name;
`off` is the baseline by name, and check_flags() refuses flags that
disagree.
"""
import argparse
import json
import math
import os
import re
import sys
from collections import namedtuple

from pcbtools.results.io import (BadInput, check_out_folder, check_output,  # noqa: F401
                       escape_terminal, shown, write_atomic)
from pcbtools.results.names import (KNOWN_STRATEGY_FLAGS, Name, cache_of,  # noqa: F401
                          check_flags, check_name, entry_name, parse_name,
                          rate_of, strategy_flags, strategy_of)
from pcbtools.results.read import (MAX_VALUE, ROW_FIELDS, TIME_UNITS,  # noqa: F401
                         _number, _read_json, _short, context_int, load_doc,
                         parse_date, time_ns)


MIN_REPETITIONS = 9  # below this the U test has too little power to gate on

# kind: "timing" (noisy, compared statistically) or "exact" (deterministic
# for a build, compared exactly); worse: the direction that is a regression;
# tolerance: the default relative worse change that compare lets pass;
# export/unit_out/transform/derivation: the smaller-is-better series that
# export writes, and how it is derived when it is not the figure itself.
Figure = namedtuple("Figure", "name kind worse unit tolerance export "
                    "unit_out transform derivation")


def _same(v):
    return v


def _fig(name, worse="higher", unit="bytes", tolerance=0.0, export=None,
         transform=_same, derivation=None, kind="exact"):
    return Figure(name, kind, worse, unit, tolerance, export or name,
                  "ns" if kind == "timing" else unit, transform, derivation)


FIGURES = [
    _fig("time", unit="ns", tolerance=0.05, kind="timing"),
    _fig("stack_bytes"),
    _fig("min_fiber_stack"),
    # headroom on a 2 KiB fiber: more is better, so export what the event
    # path takes of the 2 KiB instead (2048 - headroom), smaller is better.
    _fig("headroom_bytes", worse="lower", export="fiber_2k_used_bytes",
         transform=lambda v: 2048 - v, derivation="2048 - headroom_bytes"),
    _fig("heap_bytes"),
    # malloc_usable_size depends on which glibc arena serves each of up to
    # 1000 threads: it moves by up to ~0.1% run to run, so allow 1%
    # (heap_bytes, the strategies' own account, stays exact).
    _fig("heap_alloc_bytes", tolerance=0.01),
    _fig("heap_bytes_per_thread"),
    _fig("heap_bytes_shared"),  # percpu, pool: one set, any thread count
    _fig("heap_leaked_bytes"),
    _fig("instructions", unit="instructions"),
    # the anatomy of an event (bench-ci, callgrind with simulated caches):
    # per event, deterministic for a build; the ir_* parts sum to
    # instructions (bench-ci refuses a breakdown off by more than 1%).
    _fig("est_cycles", unit="cycles"),
    _fig("i1_misses", unit="misses"),
    _fig("d1_misses", unit="misses"),
    _fig("ll_misses", unit="misses"),
    _fig("ir_strategy", unit="instructions"),
    _fig("ir_unwinder", unit="instructions"),
    _fig("ir_consumer", unit="instructions"),
    _fig("ir_sampler", unit="instructions"),
    _fig("ir_workload", unit="instructions"),
    # fraction of checked events that matched the ground truth: exported
    # as the incorrect fraction (1 - correct) so that smaller is better.
    _fig("correct", worse="lower", unit="fraction",
         export="incorrect_fraction", transform=lambda v: 1 - v,
         derivation="1 - correct"),
]
BY_NAME = {f.name: f for f in FIGURES}
Results = namedtuple("Results", "path context runs")


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one stderr line and exit status 2."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        sys.exit(2)


def run(prog, main):
    """Call main(); BadInput or a failed write becomes one stderr line and
    exit status 2 (inputs are read, and refused, before anything is written;
    outputs go through write_atomic, so a failed write leaves nothing).
    Everything the script prints goes through pcblib_io.Escaping: a control
    character copied from a file reaches the terminal as an escape."""
    escape_terminal()
    try:
        return main()
    except BadInput as e:
        msg = str(e)
    except OSError as e:  # an output that cannot be written
        msg = (f"{shown(e.filename or '')}: {e.strerror}; expected a "
               "writable output location")
    # one line, whatever a path or a name in the message holds
    sys.stderr.write(f"{prog}: " + msg.replace("\n", "\\n") + "\n")
    return 2


def rel_arg(text):
    """argparse type for a relative change: '5%' or '0.05', at least 0."""
    try:
        v = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        v = -1.0
    if not math.isfinite(v) or v < 0:
        raise argparse.ArgumentTypeError(
            f"invalid relative change '{text}'; allowed: a percentage such "
            "as 5% or a fraction such as 0.05, at least 0")
    return v


def int_arg(lo, hi):
    """argparse type for an integer in lo..hi."""
    def parse(text):
        try:
            v = int(text)
        except ValueError:
            v = lo - 1
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(
                f"invalid value '{text}'; allowed: an integer {lo}..{hi}")
        return v
    return parse


def alpha_arg(text):
    """argparse type for a significance level, strictly between 0 and 1."""
    try:
        v = float(text)
    except ValueError:
        v = -1.0
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(
            f"invalid alpha '{text}'; allowed: a number between 0 and 1")
    return v


def figures_arg(text):
    """argparse type: comma list of figure names or the words timing, exact."""
    out = []
    for word in text.split(","):
        if word in ("timing", "exact"):
            out += [f.name for f in FIGURES if f.kind == word]
        elif word in BY_NAME:
            out.append(word)
        else:
            raise argparse.ArgumentTypeError(
                f"unknown figure '{word}'; allowed: timing, exact, "
                + ", ".join(BY_NAME))
    return out


def _row_figures(path, row, counters=False):
    """The figures of one iteration row, time converted to ns (with
    counters, also every other numeric field: user counters, iterations)."""
    name = row["run_name"]
    out = {"time": time_ns(row)}
    keys = [k for k in row if k not in ROW_FIELDS] if counters \
        else [f.name for f in FIGURES[1:]]
    for key in keys:
        if key in row:
            out[key] = _number(path, name, key, row[key])
    return out


def mark_failed(path, why):
    """Add context.run_failed = why to a results file (scripts/bench-run,
    when a check failed): read as strict JSON, written back whole through
    write_atomic.  The scripts read a file so marked as a failed run's
    evidence (scripts/report says so at the top)."""
    doc = _read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("context"), dict):
        raise BadInput(f"{path}: no 'context' object; expected Google "
                       "Benchmark JSON")
    doc["context"]["run_failed"] = str(why)
    write_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False,
                                  allow_nan=False) + "\n")
    return 0


def load_results(path, counters=False):
    """Read and check one results file; see the module docstring."""
    doc = load_doc(path)
    runs = {}
    for row in doc["benchmarks"]:
        if row["run_type"] != "iteration":
            continue
        figs = runs.setdefault(row["run_name"], {})
        for key, v in _row_figures(path, row, counters).items():
            figs.setdefault(key, []).append(v)
    for name, figs in runs.items():
        n = len(figs["time"])
        for key, vals in figs.items():
            if len(vals) != n:
                raise BadInput(f"{path}: benchmark {_short(name)}: {key} is "
                               f"in {len(vals)} of {n} repetitions; expected "
                               "every repetition to carry the same counters")
    return Results(path, doc["context"], runs)


# ---- Markdown: text copied from results appears as text -------------------

# an underscore inside a word (thread_unguarded) cannot open emphasis
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>&|~]|(?<![^\W_])_|_(?![^\W_]))")
_MD_LINE_START = re.compile(  # what would open a heading, quote or list
    r"^(\s*|\s*\d+)((?<=\d)[.)](?=\s|$)|(?<!\d)[#>+=-])")


def _visible(text):
    """Control characters as visible escapes (a newline as \\n)."""
    return "".join(c if c.isprintable() or c == " " else
                   repr(c)[1:-1] for c in str(text))


def md_text(text, start=True):
    """Plain Markdown text showing text literally: HTML, links, emphasis,
    code, table pipes and line breaks become characters, not markup (with
    start, also what would open a heading, quote or list at a line's start;
    a table cell cannot open one)."""
    out = _MD_SPECIAL.sub(r"\\\1", str(text))
    if start:
        out = _MD_LINE_START.sub(r"\1\\\2", out)
    return _visible(out)


def md_code(text, table=False):
    """A Markdown code span showing text literally, whatever backticks it
    holds; in a table cell a pipe is escaped (GFM splits cells first)."""
    text = _visible(text)
    if table:
        text = text.replace("|", "\\|")
    runs = [len(r) for r in re.findall("`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text[:1] in "` " or text[-1:] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def run_date(res):
    """context.date as an aware datetime in UTC (UTC if no offset is
    given); load_doc() has refused a date this cannot read."""
    return parse_date(res.path, res.context.get("date"))


def summary(vals):
    """median, q1, q3, min, max, sample stddev (0 for one value)."""
    import numpy as np  # here: a refused input never pays for numpy
    a = np.asarray(vals, dtype=float)
    q1, med, q3 = np.percentile(a, [25, 50, 75])
    sd = float(np.std(a, ddof=1)) if len(a) > 1 else 0.0
    return dict(median=float(med), q1=float(q1), q3=float(q3),
                min=float(a.min()), max=float(a.max()), stddev=sd, n=len(a))


def rel_change(base, new):
    """(new - base) / |base|; 0 when both are 0, +-inf when only base is."""
    if base == 0:
        return 0.0 if new == 0 else math.copysign(math.inf, new)
    return (new - base) / abs(base)


def worse_by(fig, rel):
    """A relative change signed so that positive means worse for fig."""
    return rel if fig.worse == "higher" else -rel


def fmt_value(fig, v):
    """A value for tables: integers as integers, else 4-5 significant."""
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.4f}" if fig.unit == "fraction" else f"{v:.5g}"


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.realpath(__file__))))


def add_pcbench_bin(p):
    """The --bin option of the scripts that run pcbench."""
    p.add_argument("--bin", default=os.path.join(ROOT, "build/bench/pcbench"),
                   help="the pcbench binary (default build/bench/pcbench)")


def pcbench_passthrough(p, rest):
    """Checks the arguments a script passes on to pcbench: options only,
    and no --out (the script decides where pcbench writes)."""
    for a in rest:
        if not a.startswith("--"):
            p.error(f"unexpected argument '{a}'; pcbench options start "
                    "with --")
        if a.startswith("--out"):
            p.error(f"'{a}': this script chooses where pcbench writes; "
                    "allowed: pcbench options other than --out")


def check_pcbench_args(binary, args):
    """Refuse, before any run, what pcbench itself would refuse: the
    binary must exist, and pcbench parses and lists without running
    (--benchmark_list_tests); its one-line complaint becomes this
    BadInput."""
    import subprocess
    if not (binary and os.access(binary, os.X_OK)):
        raise BadInput(f"{binary}: not an executable; build first "
                       "(make build) or pass --bin")
    r = subprocess.run([binary, "--quick"] + args +
                       ["--benchmark_list_tests=true"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        raise BadInput(lines[-1] if lines else
                       f"pcbench refused {' '.join(args)}")


def min_time_arg(text):
    """argparse type for pcbench's --min-time: seconds 0.001..60."""
    try:
        v = float(text)
    except ValueError:
        v = -1.0
    if not 0.001 <= v <= 60:
        raise argparse.ArgumentTypeError(
            f"invalid value '{text}'; allowed: seconds 0.001..60")
    return text


def _welch(a, b):
    """Two-sided p-value of Welch's t-test; exact answer for zero spread."""
    from scipy import stats
    import numpy as np
    va, vb = np.var(a, ddof=1), np.var(b, ddof=1)
    se2 = va / len(a) + vb / len(b)
    diff = np.mean(b) - np.mean(a)
    if se2 == 0:
        return 1.0 if diff == 0 else 0.0
    df = se2 ** 2 / ((va / len(a)) ** 2 / (len(a) - 1)
                     + (vb / len(b)) ** 2 / (len(b) - 1))
    return float(2 * stats.t.sf(abs(diff) / math.sqrt(se2), df))


def _best_split(x, lo, hi, min_seg):
    """The split of x[lo:hi] with the smallest Welch p, Bonferroni-adjusted."""
    cands = range(lo + min_seg, hi - min_seg + 1)
    best = min(((_welch(x[lo:k], x[k:hi]), k) for k in cands), default=None)
    if best is None:
        return None, 1.0
    return best[1], min(1.0, best[0] * len(cands))


def detect_steps(x, alpha=0.01, min_seg=2, min_change=0.05):
    """Change points of series x by binary segmentation with Welch's t-test.

    Binary segmentation (Vostrikova 1981): find the split of a segment whose
    two sides differ most (smallest Welch p-value over all splits leaving at
    least min_seg points each side), accept it when that p-value times the
    number of candidate splits (Bonferroni) is below alpha and the means
    differ by more than min_change relative, then split both sides again.
    Returns [(index of first point after the step, adjusted p)], sorted.
    """
    import numpy as np
    x = np.asarray(x, dtype=float)
    found, todo = [], [(0, len(x))]
    while todo:
        lo, hi = todo.pop()
        if hi - lo < 2 * min_seg:
            continue
        k, p = _best_split(x, lo, hi, min_seg)
        before, after = np.mean(x[lo:k]), np.mean(x[k:hi])
        if p < alpha and abs(rel_change(before, after)) > min_change:
            found.append((k, p))
            todo += [(lo, k), (k, hi)]
    return sorted(found)
