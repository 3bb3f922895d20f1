"""pcblib: what the pcbench result scripts (compare, history, export) share.

A results file is Google Benchmark 1.7.1 JSON as pcbench writes it: a
`context` object and a `benchmarks` list in which every repetition of an
entry is one row with run_type "iteration" (aggregate rows -- mean, median,
stddev, cv -- are ignored: the scripts recompute what they need from the
repetitions).  load_results() reads one file strictly (bare NaN/Infinity
tokens, which Google Benchmark can write, are refused), checks the rows it
uses, and groups the repetitions by run_name into
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
into that line on stderr and exit status 2.  Outputs are written with
write_atomic() (a temporary in the same folder, then os.replace), so a
failure never leaves a half-written file.  detect_steps() is the change-point
detector that `history` uses, kept here with the other statistics.

Entry names are read here and nowhere else: parse_name() reads the grammar
that bench/base/name.h builds (kind[/word...][/key:value...][/flag]), and
entry_name() drops what Google Benchmark appends to a row's name.  A
strategy's role (the negative control, the opt-in ones) is read from the
results' context (strategy_flags()), never from its name.
"""
import argparse
import datetime
import json
import math
import os
import sys
import tempfile
from collections import namedtuple

import numpy as np

MIN_REPETITIONS = 9  # below this the U test has too little power to gate on
TIME_UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# kind: "timing" (noisy, compared statistically) or "exact" (deterministic
# for a build, compared exactly); worse: the direction that is a regression;
# tolerance: the default relative worse change that compare lets pass;
# export/unit_out/transform/derivation: the smaller-is-better series that
# export writes, and how it is derived when it is not the figure itself.
Figure = namedtuple("Figure", "name kind worse unit tolerance export "
                    "unit_out transform derivation")


# ---- entry names (bench/base/name.h) and strategy roles --------------------

Name = namedtuple("Name", "kind words params")
GB_SUFFIXES = ("real_time", "manual_time", "process_time")
GB_PARAMS = ("iterations", "repeats", "min_time", "min_warmup_time")

# Results written before the context carried `strategy_flags` (such as
# results/baseline.json): the registry's flags as they were then.
KNOWN_STRATEGY_FLAGS = {
    "off": {"no_capture"}, "stack": set(), "thread": {"guarded"},
    "lazy": {"guarded"}, "hybrid": {"guarded", "opt_in"},
    "percpu": {"shared", "opt_in"}, "pool": {"shared", "opt_in"},
    "thread_unguarded": {"control"},
}


def _gb_part(part):
    return part in GB_SUFFIXES or part.partition(":")[0] in GB_PARAMS \
        and ":" in part


def entry_name(run_name):
    """The harness's entry name of a row: its run_name without Google
    Benchmark's additions (/iterations:N, /repeats:N, /real_time ...)."""
    return "/".join(p for p in run_name.split("/") if not _gb_part(p))


def _param(text):
    key, _, val = text.partition(":")
    val = val[:-1] if val.endswith("%") else val
    try:
        return key, int(val)
    except ValueError:
        try:
            return key, float(val)
        except ValueError:
            return key, val


def parse_name(name):
    """Name(kind, words, {param: value}) of an entry name: the kind (a
    workload for the matrix, else the suite), the words after it (strategy,
    unwinder, flags such as `faults`), and the key:value parameters."""
    parts = entry_name(name).split("/")
    words, params = [], {}
    for p in parts[1:]:
        if ":" in p:
            k, v = _param(p)
            params[k] = v
        else:
            words.append(p)
    return Name(parts[0], words, params)


def cache_of(name):
    """"cold" for an entry whose name ends in cache:cold, else "warm": warm
    entries carry no cache part, so names written before the cache axis
    existed read as warm."""
    return parse_name(name).params.get("cache", "warm")


def strategy_flags(context):
    """{strategy: set of flags} from the results' context (pcbench writes
    "off:no_capture;stack:;thread:guarded;..."), or, for older files, the
    flags the registry gave its strategies then."""
    text = context.get("strategy_flags") if isinstance(context, dict) \
        else None
    if not isinstance(text, str) or not text:
        return {k: set(v) for k, v in KNOWN_STRATEGY_FLAGS.items()}
    flags = {}
    for item in text.split(";"):
        name, _, listed = item.partition(":")
        flags[name] = {f for f in listed.split(",") if f}
    return flags


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
    # fraction of checked events that matched the ground truth: exported
    # as the incorrect fraction (1 - correct) so that smaller is better.
    _fig("correct", worse="lower", unit="fraction",
         export="incorrect_fraction", transform=lambda v: 1 - v,
         derivation="1 - correct"),
]
BY_NAME = {f.name: f for f in FIGURES}
Results = namedtuple("Results", "path context runs")


class BadInput(Exception):
    """Input the scripts refuse; the message is one line for stderr."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one stderr line and exit status 2."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        sys.exit(2)


def run(prog, main):
    """Call main(); BadInput or a failed write becomes one stderr line and
    exit status 2 (inputs are read, and refused, before anything is written;
    outputs go through write_atomic, so a failed write leaves nothing)."""
    try:
        return main()
    except BadInput as e:
        sys.stderr.write(f"{prog}: {e}\n")
    except OSError as e:  # an output that cannot be written
        sys.stderr.write(f"{prog}: {e.filename or ''}: {e.strerror}; "
                         "expected a writable output location\n")
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


def _no_constant(token):
    raise BadInput(f"bare {token} token, which is not JSON")


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f, parse_constant=_no_constant)
    except BadInput as e:
        raise BadInput(f"{path}: {e}; allowed: finite numbers only "
                       "(pcbench writes 0 for an undefined cv)") from None
    except OSError as e:
        raise BadInput(f"{path}: cannot read ({e.strerror}); expected a "
                       "pcbench results JSON file") from None
    except ValueError as e:
        raise BadInput(f"{path}: not valid JSON ({e}); expected Google "
                       "Benchmark JSON as pcbench --out writes it") from None


def _number(path, name, key, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) \
            or not math.isfinite(v):
        raise BadInput(f"{path}: benchmark '{name}': {key} is {v!r}; "
                       "expected a finite number")
    return float(v)


# Fields of a Google Benchmark row that name or place it rather than
# measure it; with counters=True every other numeric field is kept.
ROW_FIELDS = {"name", "run_name", "run_type", "family_index",
              "per_family_instance_index", "repetitions", "repetition_index",
              "real_time", "cpu_time", "time_unit", "aggregate_name",
              "aggregate_unit", "error_occurred", "error_message", "label"}


def _row_figures(path, row, counters=False):
    """The figures of one iteration row, time converted to ns (with
    counters, also every other numeric field: user counters, iterations)."""
    name = row.get("run_name", row.get("name"))
    unit = row.get("time_unit")
    if unit not in TIME_UNITS:
        raise BadInput(f"{path}: benchmark '{name}': time_unit {unit!r}; "
                       "allowed: " + ", ".join(TIME_UNITS))
    out = {"time": _number(path, name, "real_time", row.get("real_time"))
           * TIME_UNITS[unit]}
    keys = [k for k, v in row.items() if k not in ROW_FIELDS and
            isinstance(v, (int, float)) and not isinstance(v, bool)] \
        if counters else [f.name for f in FIGURES[1:]]
    for key in keys:
        if key in row:
            out[key] = _number(path, name, key, row[key])
    return out


def _check_row(path, i, row):
    if not isinstance(row, dict) or not isinstance(row.get("name"), str):
        raise BadInput(f"{path}: benchmarks[{i}] is not an object with a "
                       "name; expected Google Benchmark rows")
    if row.get("error_occurred"):
        raise BadInput(f"{path}: benchmark '{row['name']}' failed "
                       f"({row.get('error_message', 'no message')}); "
                       "expected a run without errors")
    if row.get("run_type") not in ("iteration", "aggregate"):
        raise BadInput(f"{path}: benchmark '{row['name']}': run_type "
                       f"{row.get('run_type')!r}; allowed: iteration, "
                       "aggregate")


def load_results(path, counters=False):
    """Read and check one results file; see the module docstring."""
    doc = _read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("context"), dict) \
            or not isinstance(doc.get("benchmarks"), list):
        raise BadInput(f"{path}: no 'context' object and 'benchmarks' list; "
                       "expected Google Benchmark JSON")
    runs = {}
    for i, row in enumerate(doc["benchmarks"]):
        _check_row(path, i, row)
        if row["run_type"] != "iteration":
            continue
        name = row.get("run_name")
        figs = runs.setdefault(name if isinstance(name, str) else row["name"],
                               {})
        for key, v in _row_figures(path, row, counters).items():
            figs.setdefault(key, []).append(v)
    if not runs:
        raise BadInput(f"{path}: no per-repetition rows (run_type "
                       "'iteration'); expected a file written without "
                       "--benchmark_report_aggregates_only")
    for name, figs in runs.items():
        n = len(figs["time"])
        for key, vals in figs.items():
            if len(vals) != n:
                raise BadInput(f"{path}: benchmark '{name}': {key} is in "
                               f"{len(vals)} of {n} repetitions; expected "
                               "every repetition to carry the same counters")
    return Results(path, doc["context"], runs)


def run_date(res):
    """context.date as an aware datetime (UTC if no offset is given)."""
    text = res.context.get("date")
    try:
        d = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise BadInput(f"{res.path}: context.date is {text!r}; expected an "
                       "ISO 8601 time such as 2026-11-27T00:34:48+00:00") \
            from None
    return d if d.tzinfo else d.replace(tzinfo=datetime.timezone.utc)


def summary(vals):
    """median, q1, q3, min, max, sample stddev (0 for one value)."""
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


ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


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


def check_out_dir(path):
    """Refuse an output path whose folder does not exist, before any work."""
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d):
        raise BadInput(f"{path}: folder {d} does not exist; expected an "
                       "output path in an existing folder")


def write_atomic(path, data):
    """Write str or bytes to path through a temporary in the same folder."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp",
                                   prefix="." + os.path.basename(path))
    except OSError as e:
        raise BadInput(f"{path}: cannot write ({e.strerror}); expected an "
                       "output path in a writable folder") from None
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _welch(a, b):
    """Two-sided p-value of Welch's t-test; exact answer for zero spread."""
    from scipy import stats
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
