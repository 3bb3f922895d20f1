"""pcblib: what the pcbench result scripts (compare, history, export) share.

A results file is Google Benchmark 1.7.1 JSON as pcbench writes it: a
`context` object and a `benchmarks` list in which every repetition of an
entry is one row with run_type "iteration" (aggregate rows -- mean, median,
stddev, cv -- are checked, then ignored: the scripts recompute what they
need from the repetitions).  load_doc() reads one file strictly and checks
all of it once: a regular UTF-8 file of at most 64 MiB, strict JSON (no
bare NaN/Infinity token, which Google Benchmark can write; no number too
large for a float; no repeated key; at most 32 levels deep), every row's
fields of their type (strings, counts, finite numbers), the fields Google
Benchmark always writes present, times > 0 and figures >= 0 in every
repetition, every repetition of an entry once, and the context keys the
scripts read of their type.  load_results() then groups the repetitions by
run_name into
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
into that line on stderr and exit status 2.  Outputs are checked as
pcbench's --out is and written with write_atomic() (a temporary in the
same folder, then os.replace), so a failure never leaves a half-written
file; everything a script prints is escaped (pcblib_io).  detect_steps() is the change-point
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
import re
import sys
from collections import namedtuple

from pcblib_io import (BadInput, check_out_folder, check_output,  # noqa: F401
                       escape_terminal, shown, write_atomic)


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


def rate_of(name):
    """An entry's sampling rate: "go" (Go's default rates) for a name ending
    in rate:go, N for rate:N, else 1: rate-1 entries carry no rate part, so
    names written before the rate axis existed read as rate 1."""
    return parse_name(name).params.get("rate", 1)


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


def _no_constant(token):
    raise BadInput(f"bare {token} token, which is not JSON")


# Limits of a results file: pcbench writes a few hundred KiB, 4 levels deep.
MAX_BYTES = 64 * 2 ** 20
MAX_DEPTH = 32
MAX_INT_DIGITS = 300


def _int(text):
    """json parse_int hook: an integer a float can hold, or BadInput."""
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadInput(f"integer of {len(text)} digits, too large for a "
                       "float")
    v = int(text)
    try:
        float(v)
    except OverflowError:
        raise BadInput(f"integer {text[:20]}... too large for a float") \
            from None
    return v


def _float(text):
    """json parse_float hook: a finite float, or BadInput."""
    v = float(text)
    if not math.isfinite(v):
        raise BadInput(f"number {text[:40]} too large for a float")
    return v


def _pairs(pairs):
    """json object_pairs_hook: a dict, refusing a repeated key (json.load
    would keep the last value and silently drop the others)."""
    d = dict(pairs)
    if len(d) != len(pairs):
        seen, dups = set(), []
        for k, _ in pairs:
            if k in seen:
                dups.append(k)
            seen.add(k)
        # Files from before the counter was renamed `workload_threads`
        # (results/baseline.json among them) repeat Google Benchmark's own
        # `threads` key in a row: read the counter, written last, as
        # `workload_threads` and keep the first as GB's.
        if dups != ["threads"] or "workload_threads" in d:
            raise BadInput(f"key {dups[0][:60]!r} repeated in one object")
        d["workload_threads"] = d["threads"]
        d["threads"] = next(v for k, v in pairs if k == "threads")
    return d


def _walk(doc):
    """Refuse nesting deeper than MAX_DEPTH and strings that are not valid
    Unicode (a lone surrogate from a \\ud800 escape cannot be printed or
    written back); iterative, so depth itself cannot overflow."""
    todo = [(doc, 1)]
    while todo:
        v, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise BadInput(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(v, dict):
            todo += [(k, depth) for k in v]
            todo += [(x, depth + 1) for x in v.values()]
        elif isinstance(v, list):
            todo += [(x, depth + 1) for x in v]
        elif isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                raise BadInput("a string holds a lone surrogate escape, "
                               "which is not Unicode text") from None


def _read_json(path):
    """The parsed document of one file, strictly: a regular file of at most
    MAX_BYTES, UTF-8, no NaN/Infinity token, no number beyond a float, no
    repeated key, at most MAX_DEPTH levels.  Any problem is BadInput."""
    import stat
    try:
        # O_NONBLOCK: a FIFO given as the file is refused, not waited on
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise BadInput(f"{path}: not a regular file; expected a "
                               "pcbench results JSON file")
            if st.st_size > MAX_BYTES:
                raise BadInput(f"{path}: {st.st_size} bytes, more than the "
                               f"{MAX_BYTES} a results file may have")
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise BadInput(f"{path}: cannot read ({e.strerror}); expected a "
                       "pcbench results JSON file") from None
    if len(data) > MAX_BYTES:
        raise BadInput(f"{path}: more than the {MAX_BYTES} bytes a results "
                       "file may have")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadInput(f"{path}: not UTF-8 (byte {e.start}); expected "
                       "Google Benchmark JSON") from None
    try:
        doc = json.loads(text, parse_constant=_no_constant, parse_int=_int,
                         parse_float=_float, object_pairs_hook=_pairs)
        _walk(doc)
        return doc
    except BadInput as e:
        raise BadInput(f"{path}: {e}; allowed: JSON with finite numbers "
                       "only (pcbench writes 0 for an undefined cv)") \
            from None
    except RecursionError:
        raise BadInput(f"{path}: nested too deeply to be a results file") \
            from None
    except ValueError as e:
        msg = " ".join(str(e).split())[:200]
        raise BadInput(f"{path}: not valid JSON ({msg}); expected Google "
                       "Benchmark JSON as pcbench --out writes it") from None


def _number(path, name, key, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) \
            or not math.isfinite(v):
        raise BadInput(f"{path}: benchmark {_short(name)}: {key} is "
                       f"{_short(v)}; expected a finite number")
    return float(v)


def _short(v, n=60):
    """repr of a value for an error line: one line, at most n characters."""
    r = repr(v)
    return r if len(r) <= n else r[:n] + "..."


# Fields of a Google Benchmark row that name or place it rather than
# measure it; with counters=True every other numeric field is kept.
ROW_FIELDS = {"name", "run_name", "run_type", "family_index",
              "per_family_instance_index", "repetitions", "repetition_index",
              "real_time", "cpu_time", "time_unit", "aggregate_name",
              "aggregate_unit", "error_occurred", "error_message", "label"}
# The types of those fields (every other field of a row is a counter: a
# finite number).  Counts may be written as integral floats (threads: 2.0).
STRING_FIELDS = ("name", "run_name", "run_type", "time_unit",
                 "aggregate_name", "aggregate_unit", "error_message", "label")
COUNT_FIELDS = ("family_index", "per_family_instance_index", "repetitions",
                "repetition_index", "threads", "iterations")
REQUIRED = ("name", "run_name", "run_type", "repetitions", "iterations",
            "real_time", "cpu_time", "time_unit")
# Context keys the scripts read, and their type; other keys may hold any
# JSON value (the scripts do not read them).
_STR, _INT, _NUM, _BOOL, _LIST = "a string", "an integer", "a number", \
    "true or false", "a list"
CONTEXT_TYPES = dict.fromkeys(
    ("date", "host_name", "executable", "library_build_type",
     "pcbench_version", "git_commit", "compiler", "cflags", "hwloc_topology",
     "cpu_binding", "unwinder", "rate", "correctness_check", "latency_timer",
     "timer_floor_ns", "repetition_order", "instruction_mode",
     "instruction_counter", "go_rate_malloc_bytes", "go_rate_block_ns",
     "go_rate_block_cycles"), _STR)
CONTEXT_TYPES.update(num_cpus=_INT, mhz_per_cpu=_NUM,
                     cpu_scaling_enabled=_BOOL, caches=_LIST, load_avg=_LIST)


def _is(v, kind):
    num = isinstance(v, (int, float)) and not isinstance(v, bool)
    return {_STR: isinstance(v, str), _BOOL: isinstance(v, bool),
            _LIST: isinstance(v, list), _NUM: num,
            _INT: num and v == int(v)}[kind]


def _check_context(path, ctx):
    for key, v in ctx.items():
        kind = CONTEXT_TYPES.get(key, _STR if key.startswith("placement_")
                                 else None)
        if kind and not _is(v, kind):
            raise BadInput(f"{path}: context.{key} is {_short(v)}; "
                           f"expected {kind}")
    for c in ctx.get("caches", []):
        if not isinstance(c, dict) or not all(
                _is(c.get(k), t) for k, t in (("type", _STR), ("level", _INT),
                                              ("size", _NUM),
                                              ("num_sharing", _INT))):
            raise BadInput(f"{path}: context.caches holds {_short(c)}; "
                           "expected objects with type, level, size and "
                           "num_sharing")
    for x in ctx.get("load_avg", []):
        if not _is(x, _NUM):
            raise BadInput(f"{path}: context.load_avg holds {_short(x)}; "
                           "expected numbers")


def _row_figures(path, row, counters=False):
    """The figures of one iteration row, time converted to ns (with
    counters, also every other numeric field: user counters, iterations)."""
    name = row["run_name"]
    out = {"time": row["real_time"] * TIME_UNITS[row["time_unit"]]}
    keys = [k for k in row if k not in ROW_FIELDS] if counters \
        else [f.name for f in FIGURES[1:]]
    for key in keys:
        if key in row:
            out[key] = _number(path, name, key, row[key])
    return out


def _check_row(path, i, row):
    """Every field of one row has its type; every measure is a finite
    number, and a repetition's times and figures are in range."""
    if not isinstance(row, dict) or not isinstance(row.get("name"), str):
        raise BadInput(f"{path}: benchmarks[{i}] is {_short(row)}; expected "
                       "an object with a name (a Google Benchmark row)")
    name = row["name"]
    if row.get("error_occurred"):
        raise BadInput(f"{path}: benchmark {_short(name)} failed "
                       f"({_short(row.get('error_message', 'no message'))})"
                       "; expected a run without errors")
    kind = row.get("run_type")
    if kind not in ("iteration", "aggregate"):
        raise BadInput(f"{path}: benchmark {_short(name)}: run_type "
                       f"{_short(kind)}; allowed: iteration, aggregate")
    need = REQUIRED + (("repetition_index",) if kind == "iteration" else
                       ("aggregate_name",))
    for key in need:
        if key not in row:
            raise BadInput(f"{path}: benchmark {_short(name)}: no {key}; "
                           "expected every field Google Benchmark writes")
    for key, v in row.items():
        if key in STRING_FIELDS:
            ok, want = isinstance(v, str), "a string"
        elif key == "error_occurred":
            ok, want = isinstance(v, bool), "true or false"
        elif key in COUNT_FIELDS:
            ok, want = _is(v, _INT) and v >= 0, "a count (an integer >= 0)"
        else:
            ok, want = _is(v, _NUM), "a finite number"
        if not ok:
            raise BadInput(f"{path}: benchmark {_short(name)}: {key} is "
                           f"{_short(v)}; expected {want}")
    if row["time_unit"] not in TIME_UNITS:
        raise BadInput(f"{path}: benchmark {_short(name)}: time_unit "
                       f"{_short(row['time_unit'])}; allowed: "
                       + ", ".join(TIME_UNITS))
    if kind != "iteration":
        if row["real_time"] < 0 or row["cpu_time"] < 0:
            raise BadInput(f"{path}: benchmark {_short(name)}: a negative "
                           "time; expected times >= 0")
        return
    _check_repetition(path, name, row)


def _check_repetition(path, name, row):
    """The ranges of one repetition's fields."""
    def bad(what):
        raise BadInput(f"{path}: benchmark {_short(name)}: {what}")
    if row["real_time"] <= 0:
        bad(f"real_time is {row['real_time']!r}; expected a time > 0")
    if row["cpu_time"] < 0:
        bad(f"cpu_time is {row['cpu_time']!r}; expected a time >= 0")
    if row["iterations"] < 1 or row["repetitions"] < 1:
        bad("iterations and repetitions must be at least 1")
    if row["repetition_index"] >= row["repetitions"]:
        bad(f"repetition_index {row['repetition_index']!r} of "
            f"{row['repetitions']!r} repetitions; expected 0..repetitions-1")
    for key, v in row.items():  # a paired difference, A_minus_B, is signed
        if (key in BY_NAME or key.endswith("_ns")) and v < 0 and \
                "_minus_" not in key:
            bad(f"{key} is {v!r}; expected a value >= 0")
    if not 0 <= row.get("correct", 0) <= 1:
        bad(f"correct is {row['correct']!r}; expected a fraction 0..1")


def load_doc(path):
    """Read one results file and check every field of it (see load_results);
    returns the document itself, for a script that edits and rewrites it."""
    doc = _read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("context"), dict) \
            or not isinstance(doc.get("benchmarks"), list):
        raise BadInput(f"{path}: no 'context' object and 'benchmarks' list; "
                       "expected Google Benchmark JSON")
    _check_context(path, doc["context"])
    seen, fields = {}, {}
    for i, row in enumerate(doc["benchmarks"]):
        _check_row(path, i, row)
        if row["run_type"] == "iteration":
            name = row["run_name"]
            reps = seen.setdefault(name, [row["repetitions"]])
            if row["repetitions"] != reps[0] or \
                    row["repetition_index"] in reps[1:]:
                raise BadInput(f"{path}: benchmark {_short(name)}"
                               f": repetition {row['repetition_index']!r} "
                               f"of {row['repetitions']!r} conflicts with "
                               "another row; expected each repetition once")
            reps.append(row["repetition_index"])
            keys = fields.setdefault(name, set(row))
            if keys != set(row):
                raise BadInput(f"{path}: benchmark {_short(name)}: "
                               f"repetition {row['repetition_index']!r} has "
                               f"fields {sorted(keys ^ set(row))} that "
                               "another lacks; expected every repetition "
                               "to carry the same counters")
    if not seen:
        raise BadInput(f"{path}: no per-repetition rows (run_type "
                       "'iteration'); expected a file written without "
                       "--benchmark_report_aggregates_only")
    for name, reps in seen.items():
        if len(reps) - 1 != reps[0]:
            raise BadInput(f"{path}: benchmark {_short(name)}: "
                           f"{len(reps) - 1} of {reps[0]} repetitions; "
                           "expected every repetition's row")
    return doc


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
