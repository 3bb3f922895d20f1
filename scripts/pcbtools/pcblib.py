"""pcblib: what the pcbench result scripts (compare, history, export,
report, check-stability, bench-ci) share, and the names they use from the
modules below it:

  results/io       BadInput; outputs checked as pcbench's --out and
                   written through a temporary (check_output,
                   write_atomic); the filter that escapes control characters
  results/names    the entry-name grammar (parse_name, entry_name) and the
                   strategies' roles (strategy_flags, check_flags)
  results/read     one results file read and checked whole (load_doc)
  results/figures  FIGURES, the one table of figures
  markdown         md_text, md_code
(the statistics are pcbtools.stats, imported by name where used).

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

Every input problem raises BadInput with a one-line message; run() turns it
into that line on stderr and exit status 2.  A strategy's role (the
negative control, the opt-in ones) is read from the results' context
(strategy_flags()), never from its name; `off` is the baseline by name,
and check_flags() refuses flags that disagree.
"""
import argparse
import json
import math
import os
import sys
from collections import namedtuple

# The names the scripts use as pcblib.X, from the modules that hold them.
from pcbtools.markdown import md_code, md_text  # noqa: F401
from pcbtools.results.figures import (  # noqa: F401
    BY_NAME, FIGURES, MIN_REPETITIONS, Figure, fmt_value, worse_by)
from pcbtools.results.io import (  # noqa: F401
    BadInput, check_out_folder, check_output, escape_terminal, shown,
    write_atomic)
from pcbtools.results.names import (  # noqa: F401
    KNOWN_STRATEGY_FLAGS, Name, cache_of, check_flags, check_name,
    entry_name, parse_name, rate_of, strategy_flags, strategy_of)
from pcbtools.results.read import (  # noqa: F401
    MAX_VALUE, ROW_FIELDS, TIME_UNITS, _number, _read_json, _short,
    context_int, load_doc, parse_date, time_ns)


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
    Everything the script prints goes through results.io.Escaping: a control
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


def _range_arg(cast, lo, hi, allowed, what="value", open_ends=False,
               keep_text=False):
    """argparse type: cast(text) within lo..hi (strictly inside with
    open_ends), else one line naming `allowed`.  Text cast cannot read, and
    nan, are outside every range.  Returns the value, or the text itself
    with keep_text (for an option passed on to pcbench as written)."""
    def parse(text):
        try:
            v = cast(text)
        except ValueError:
            v = math.nan
        if not (lo < v < hi if open_ends else lo <= v <= hi):
            raise argparse.ArgumentTypeError(
                f"invalid {what} '{text}'; allowed: {allowed}")
        return text if keep_text else v
    return parse


def int_arg(lo, hi):
    """argparse type for an integer in lo..hi."""
    return _range_arg(int, lo, hi, f"an integer {lo}..{hi}")


def number_arg(lo, hi):
    """argparse type for a number in lo..hi."""
    return _range_arg(float, lo, hi, f"a number {lo:g}..{hi:g}")


def _fraction(text):
    """'5%' -> 0.05, '0.05' -> 0.05."""
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


# argparse type for a relative change: '5%' or '0.05', at least 0, finite.
rel_arg = _range_arg(
    _fraction, 0, sys.float_info.max, "a percentage such as 5% or a "
    "fraction such as 0.05, at least 0", what="relative change")

# argparse type for a significance level, strictly between 0 and 1.
alpha_arg = _range_arg(float, 0, 1, "a number between 0 and 1",
                       what="alpha", open_ends=True)

# argparse type for pcbench's --min-time: seconds 0.001..60, passed on as
# written.
min_time_arg = _range_arg(float, 0.001, 60, "seconds 0.001..60",
                          keep_text=True)


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


def run_date(res):
    """context.date as an aware datetime in UTC (UTC if no offset is
    given); load_doc() has refused a date this cannot read."""
    return parse_date(res.path, res.context.get("date"))


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
