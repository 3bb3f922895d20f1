"""results.read: one results file, read and checked whole.

load_doc() reads one file strictly and checks all of it once, so that a
script never meets a value it cannot handle halfway through its work:

- the file: a regular UTF-8 file of at most 64 MiB, strict JSON (no bare
  NaN/Infinity token, which Google Benchmark can write; no number too
  large for a float; no repeated key; at most 32 levels deep);
- the structure, against the JSON Schema docs/results.schema.json (with
  Debian's python3-jsonschema): every row's fields named by words (a-z,
  0-9, _) and of their type (strings, counts, finite numbers at most
  MAX_VALUE, 2^53, in magnitude), the fields Google Benchmark always
  writes present, no error row; the context keys the scripts read of
  their type;
- every row: its name in pcbench's grammar (results.names) and its
  run_name the same entry as no other row's, an iteration row's name its
  run_name and an aggregate's its run_name plus _<aggregate_name>;
- every number in a repetition 0 or at least MIN_MAGNITUDE (1e-30) in
  magnitude: sums, ratios and plot axes of such values stay finite;
- every repetition: real time > 0, in ns at most MAX_VALUE (a time of
  1e300 s is refused, not turned into infinity); every counter >= 0 but a
  signed paired difference (A_minus_B...), storm_verdict (an integer
  -4..2, SIGNED_CODES) and an interval's low end (a t-interval around a
  small ratio may reach below 0); a ratio's point (..._over_...,
  ..._ratio) > 0; an interval K_lo <= K <= K_hi wherever K_lo and K_hi
  are given (and time_lower_ns <= time_upper_ns); walk_ns, the walks
  inside an operation's time, at most that time; correct a fraction
  0..1; every repetition of an entry once, with the same counters;
- the context: date an ISO 8601 time between the years 1970 and 9999 once in UTC; go_rate_* decimal
  integers (ASCII digits) 1..MAX_VALUE; strategy_flags in pcbench's form
  and not contradicting itself or the rows (results.names.check_flags).

Each problem is BadInput with one line naming the file, the row and the
field, and saying what is allowed.
"""
import datetime
import functools
import json
import math
import os
import stat

from pcbtools.results.io import BadInput
from pcbtools.results.names import (check_flags, check_name, entry_name,
                                    strategy_of)

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
# The string fields of a row (the schema gives every field's type).
STRING_FIELDS = ("name", "run_name", "run_type", "time_unit",
                 "aggregate_name", "aggregate_unit", "error_message", "label")
# docs/ of the tree; installed (make install), beside the scripts
_SCRIPTS = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.realpath(__file__))))
SCHEMA = os.path.join(os.path.dirname(_SCRIPTS), "docs",
                      "results.schema.json")
if not os.path.exists(SCHEMA):
    SCHEMA = os.path.join(_SCRIPTS, "results.schema.json")


@functools.lru_cache(maxsize=1)
def _validator():
    """The validator of docs/results.schema.json, made once."""
    try:
        import jsonschema
    except ImportError:
        raise BadInput("python3-jsonschema is not installed; run "
                       "scripts/install-deps") from None
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    return jsonschema.Draft202012Validator(_inline(schema, schema["$defs"]))


def _inline(node, defs):
    """The schema with every {"$ref": "#/$defs/NAME"} replaced by that
    definition (the schema has no recursion): the same checks, without
    jsonschema resolving a reference per field of every row, which made
    a results file's check several times slower."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/") and len(node) == 1:
            return _inline(defs[ref[len("#/$defs/"):]], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _where(doc, path):
    """Where in a results file a schema error is, as the loader's lines
    say it: context.KEY, or benchmark NAME: FIELD."""
    path = list(path)
    if len(path) >= 2 and path[0] == "benchmarks":
        row = doc["benchmarks"][path[1]]
        name = row.get("name") if isinstance(row, dict) else None
        head = f"benchmark {_short(name)}" if isinstance(name, str) else \
            f"benchmarks[{path[1]}]"
        return head + "".join(f": {_short(p)}" if isinstance(p, str)
                              else f"[{p}]" for p in path[2:3])
    return ".".join(str(p) for p in path) or "the document"


def check_schema(path, doc):
    """The document against docs/results.schema.json: BadInput naming the
    first field (in the schema's best guess) that does not fit."""
    import jsonschema
    err = jsonschema.exceptions.best_match(_validator().iter_errors(doc))
    if err is None:
        return
    if list(err.path)[:1] == ["benchmarks"] and len(err.path) >= 2 and \
            isinstance(doc["benchmarks"][err.path[1]], dict) and \
            doc["benchmarks"][err.path[1]].get("error_occurred") is True:
        row = doc["benchmarks"][err.path[1]]
        raise BadInput(f"{path}: benchmark {_short(row.get('name'))} failed "
                       f"({_short(row.get('error_message', 'no message'))})"
                       "; expected a run without errors")
    msg = " ".join(err.message.split())
    raise BadInput(f"{path}: {_where(doc, err.path)}: "
                   f"{msg[:160]}{'...' if len(msg) > 160 else ''}; "
                   "expected a results file as docs/results.schema.json "
                   "describes it")


def _check_context(path, ctx):
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
    """A repetition's times and figures in range (the schema checked every
    field's type, the required ones and the aggregates' times)."""
    if row["run_type"] == "iteration":
        _check_repetition(path, row["name"], row)


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
    """The ranges of one repetition's fields that the schema cannot give
    (see the module docstring): it gave times > 0 (cpu >= 0), iterations
    and repetitions >= 1 and correct 0..1."""
    def bad(what):
        raise BadInput(f"{path}: benchmark {_short(name)}: {what}")
    if not MIN_MAGNITUDE <= time_ns(row) <= MAX_VALUE:
        bad(f"real_time is {row['real_time']!r} {row['time_unit']}; "
            f"expected {MIN_MAGNITUDE:g} to {MAX_VALUE:.0f} ns")
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
    check_schema(path, doc)
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


