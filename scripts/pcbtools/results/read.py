"""results.read: one results file, read and checked whole.

load_doc() reads one file strictly and checks all of it once, so that a
script never meets a value it cannot handle halfway through its work:

- the file: a regular UTF-8 file of at most 64 MiB, strict JSON (no bare
  NaN/Infinity token, which Google Benchmark can write; no number too
  large for a float; no repeated key; at most 32 levels deep);
- every row: its fields named by words (a-z, 0-9, _) and of their type
  (strings, counts, finite numbers),
  the fields Google Benchmark always writes present, its name in
  pcbench's grammar (results.names) and its run_name the same entry as no
  other row's, an iteration row's name its run_name and an aggregate's
  its run_name plus _<aggregate_name>;
- every number at most MAX_VALUE (2^53) in magnitude, and in a
  repetition 0 or at least MIN_MAGNITUDE (1e-30): sums, ratios and plot
  axes of such values stay finite;
- every repetition: real time > 0, in ns at most MAX_VALUE (a time of
  1e300 s is refused, not turned into infinity); every counter >= 0 but a
  signed paired difference (A_minus_B...), storm_verdict (an integer
  -4..2, SIGNED_CODES) and an interval's low end (a t-interval around a
  small ratio may reach below 0); a ratio's point (..._over_...,
  ..._ratio) > 0; an interval K_lo <= K <= K_hi wherever K_lo and K_hi
  are given (and time_lower_ns <= time_upper_ns); walk_ns, the walks
  inside an operation's time, at most that time; correct a fraction
  0..1; every repetition of an entry once, with the same counters;
- the context: the keys the scripts read of their type; date an ISO 8601
  time between the years 1970 and 9999 once in UTC; go_rate_* decimal
  integers (ASCII digits) 1..MAX_VALUE; strategy_flags in pcbench's form
  and not contradicting itself or the rows (results.names.check_flags).

Each problem is BadInput with one line naming the file, the row and the
field, and saying what is allowed.
"""
import datetime
import json
import math
import os
import stat

from pcbtools.results.io import BadInput
from pcbtools.results.names import (check_flags, check_name, entry_name,
                                    is_word, strategy_of)

TIME_UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
MAX_VALUE = float(2 ** 53)   # the largest integer a float holds exactly
MIN_MAGNITUDE = 1e-30        # the smallest nonzero value of a repetition
UTC = datetime.timezone.utc


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
     "go_rate_block_cycles", "ns_per_tick", "seed", "clock", "layouts",
     "strategy_clones", "strategy_flags", "run_failed", "emulated"), _STR)
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
    for key in CONTEXT_INTEGERS:
        if key in ctx and context_int(ctx[key]) is None:
            raise BadInput(f"{path}: context.{key} is {_short(ctx[key])}; "
                           "expected a decimal integer (ASCII digits) "
                           f"1..{int(MAX_VALUE)}")
    if "date" in ctx:
        parse_date(path, ctx["date"])


# Context strings the scripts read as numbers.
CONTEXT_INTEGERS = ("go_rate_malloc_bytes", "go_rate_block_ns",
                    "go_rate_block_cycles")


def context_int(text):
    """A context string of ASCII digits as an int 1..MAX_VALUE, or None."""
    if not isinstance(text, str) or not 0 < len(text) <= 16 or \
            not text.isascii() or not text.isdigit():
        return None
    v = int(text)
    return v if 1 <= v <= MAX_VALUE else None


def parse_date(path, text):
    """context.date as an aware datetime in UTC (a time with no offset is
    taken as UTC); BadInput unless it is ISO 8601 within 1970..9999."""
    try:
        d = datetime.datetime.fromisoformat(text)
        d = (d if d.tzinfo else d.replace(tzinfo=UTC)).astimezone(UTC)
        if d.year < 1970:
            raise ValueError
        return d
    except (TypeError, ValueError, OverflowError):
        raise BadInput(f"{path}: context.date is {_short(text)}; expected "
                       "an ISO 8601 time such as 2026-11-27T00:34:48+00:00, "
                       "in the years 1970..9999 once in UTC") from None


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
        if not is_word(key):
            raise BadInput(f"{path}: benchmark {_short(name)}: field "
                           f"{_short(key)}; expected a name of a-z, 0-9 and "
                           "_ as pcbench and Google Benchmark write them")
        if key in STRING_FIELDS:
            ok, want = isinstance(v, str), "a string"
        elif key == "error_occurred":
            ok, want = isinstance(v, bool), "true or false"
        elif key in COUNT_FIELDS:
            ok, want = _is(v, _INT) and v >= 0, "a count (an integer >= 0)"
        else:
            ok, want = _is(v, _NUM), "a finite number"
        if ok and not isinstance(v, (str, bool)) and abs(v) > MAX_VALUE:
            ok, want = False, f"a number of at most {MAX_VALUE:.0f}"
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


# Counters that hold a signed code, and its range: the storm's verdict
# (bench/suites/storm_power.h: 1 ok, 0 cannot judge, 2 not judged, -1..-4
# a FAIL; report.storm words them).  A paired difference, A_minus_B...,
# is the only other counter that may be negative.
SIGNED_CODES = {"storm_verdict": range(-4, 3)}


def _low_end(key, row):
    """Whether key is the low end of an interval K_lo beside K and K_hi:
    a Student-t interval around a small positive figure (a paired ratio
    over few rounds) may reach below 0."""
    return key.endswith("_lo") and key[:-3] in row and \
        key[:-3] + "_hi" in row


def _signed(key, row):
    """Whether a counter may be negative: a paired difference
    (A_minus_B...), a signed code (SIGNED_CODES), an interval's low end."""
    return "_minus_" in key or key in SIGNED_CODES or _low_end(key, row)


def _ratio(key, row):
    """Whether key is a ratio's point figure (A_over_B, ..._ratio), which
    must be > 0: not an interval's end, not a spread (_sd)."""
    if not ("_over_" in key or key.endswith("_ratio")) or \
            key.endswith("_sd"):
        return False
    return not (key.endswith(("_lo", "_hi")) and key[:-3] in row)


def time_ns(row):
    """A row's real time per iteration in ns."""
    return row["real_time"] * TIME_UNITS[row["time_unit"]]


def _check_repetition(path, name, row):
    """The ranges of one repetition's fields (see the module docstring)."""
    def bad(what):
        raise BadInput(f"{path}: benchmark {_short(name)}: {what}")
    if row["real_time"] <= 0:
        bad(f"real_time is {row['real_time']!r}; expected a time > 0")
    if not MIN_MAGNITUDE <= time_ns(row) <= MAX_VALUE:
        bad(f"real_time is {row['real_time']!r} {row['time_unit']}; "
            f"expected {MIN_MAGNITUDE:g} to {MAX_VALUE:.0f} ns")
    if row["cpu_time"] < 0:
        bad(f"cpu_time is {row['cpu_time']!r}; expected a time >= 0")
    if row["iterations"] < 1 or row["repetitions"] < 1:
        bad("iterations and repetitions must be at least 1")
    if row["repetition_index"] >= row["repetitions"]:
        bad(f"repetition_index {row['repetition_index']!r} of "
            f"{row['repetitions']!r} repetitions; expected 0..repetitions-1")
    for key, v in row.items():
        if key in STRING_FIELDS or isinstance(v, bool):
            continue
        if v != 0 and abs(v) < MIN_MAGNITUDE:
            bad(f"{key} is {v!r}; expected 0 or at least {MIN_MAGNITUDE:g} "
                "in magnitude")
        if v < 0 and not _signed(key, row):
            bad(f"{key} is {v!r}; expected a value >= 0")
        if key in SIGNED_CODES and (v != int(v) or
                                    not min(SIGNED_CODES[key]) <= v <=
                                    max(SIGNED_CODES[key])):
            bad(f"{key} is {v!r}; allowed: an integer "
                f"{min(SIGNED_CODES[key])}..{max(SIGNED_CODES[key])}")
        if _ratio(key, row) and v <= 0:
            bad(f"{key} is {v!r}; expected a ratio > 0")
    _check_intervals(bad, row)
    if not 0 <= row.get("correct", 0) <= 1:
        bad(f"correct is {row['correct']!r}; expected a fraction 0..1")
    if row.get("walk_ns", 0) > time_ns(row):
        bad(f"walk_ns is {row['walk_ns']!r}, more than the entry's time "
            f"{time_ns(row)!r} ns that holds the walks; expected at most it")


def _check_intervals(bad, row):
    """K_lo <= K <= K_hi for every K given with both ends (a paired
    median with its interval), and time_lower_ns <= time_upper_ns."""
    pairs = [(k, k + "_lo", k + "_hi") for k in row
             if k + "_lo" in row and k + "_hi" in row]
    if "time_lower_ns" in row and "time_upper_ns" in row:
        pairs.append((None, "time_lower_ns", "time_upper_ns"))
    for k, lo, hi in pairs:
        if not row[lo] <= row[hi]:
            bad(f"{lo} {row[lo]!r} above {hi} {row[hi]!r}; expected an "
                "interval with its low end first")
        if k is not None and not row[lo] <= row[k] <= row[hi]:
            bad(f"{k} {row[k]!r} outside its interval [{row[lo]!r}, "
                f"{row[hi]!r}]; expected the median within it")


def load_doc(path):
    """Read one results file and check every field of it (see the module
    docstring); returns the document itself, for a script that edits and
    rewrites it."""
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
    _check_names(path, doc)
    return doc


def _check_names(path, doc):
    """Every row's names in pcbench's grammar, one run_name per entry,
    and the strategy roles against the rows (see the module docstring)."""
    entries, named, refused = {}, set(), {}
    for row in doc["benchmarks"]:
        run, name = row["run_name"], row["name"]
        try:
            n = check_name(run)
        except BadInput as e:
            raise BadInput(f"{path}: benchmark {_short(run)}: {e}; "
                           "allowed: names pcbench writes, "
                           "kind[/word...][/key:value...][/flag] "
                           "(docs/design.md, Entry names)") from None
        want = run if row["run_type"] == "iteration" else \
            f"{run}_{row['aggregate_name']}"
        if name != want:
            raise BadInput(f"{path}: benchmark {_short(name)}: its run_name "
                           f"is {_short(run)}; expected the name {want!r}")
        other = entries.setdefault(entry_name(run), run)
        if other != run:
            raise BadInput(f"{path}: benchmarks {_short(other)} and "
                           f"{_short(run)} are the same entry; expected "
                           "each entry once")
        s = strategy_of(n)
        if s is not None:
            named.add(s)
            if n.kind == "storm" and row.get("nested_lost", 0) > 0:
                refused.setdefault(s, entry_name(run))
    try:
        check_flags(doc["context"], named, refused)
    except BadInput as e:
        raise BadInput(f"{path}: {e}") from None


