"""results.names: entry names and strategy roles, read strictly.

Entry names.  bench/base/name.c builds every entry name pcbench
registers; this module is the one reader of them, and accepts exactly
the names that builder can produce (docs/design.md, "Entry names", gives
the same grammar for the reader of the results):

    run_name  = entry *("/" gb)
    entry     = kind *("/" word) *("/" key ":" value) ["/" word]
    kind, key = word
    word      = [a-z] *[a-z0-9_]
    value     = int ["%"] | word
    int       = "0" | [1-9] *[0-9]                (ASCII digits)
    gb        = Google Benchmark's additions, in its order:
                min_time:F, min_warmup_time:F, iterations:int,
                repeats:int, process_time, real_time | manual_time

kind is a workload's name for the matrix (malloc/stack/depth:128/...),
else the suite's (storm, heap, churn, floor, unwind, overhead,
thread_start, first_event, paired); the words name what the entry is
about (workload, strategy, unwinder); the key:value parameters its point,
each key once; a word after them is a flag (churn's `faults`).  An entry
is at most NAME_BYTES bytes (the builder's largest buffer, bench/run/
runner.h, holds 159 and a NUL).  Anything else -- an empty part, a sign
or a leading zero, digits other than ASCII's, an upper-case letter, a
second flag, a key twice, Google Benchmark's parts out of its order --
is refused with BadInput.  Distinct rows whose entries are the same
(malloc/thread/... and malloc/thread/.../real_time) are refused by
pcblib.load_doc, which reads every row's name through check_name().

Strategy roles.  pcbench writes its registry's flags into the results'
context as strategy_flags ("off:no_capture;stack:;thread:guarded;...");
strategy_flags() reads them (or, for files written before that key,
KNOWN_STRATEGY_FLAGS) and check_flags() refuses what contradicts itself
or the data: a strategy named twice or in a broken list; a flag that is
not a word; no_capture (the baseline, which the report knows as `off`)
on any strategy but `off`, or missing from it; control (the negative
control, which has no guard) together with guarded, shared or
no_capture; a strategy an entry names that the list leaves out; and a
control whose storm entry refused nested events (nested_lost > 0): only
a guard refuses one.  What the data cannot contradict (a flag such as
opt_in) is taken as written.
"""
import re
from collections import namedtuple

from pcbtools.results.io import BadInput

Name = namedtuple("Name", "kind words params")

NAME_BYTES = 159
GB_ORDER = ("min_time", "min_warmup_time", "iterations", "repeats",
            "process_time", "time_type")
GB_SUFFIXES = ("real_time", "manual_time", "process_time")
GB_PARAMS = ("iterations", "repeats", "min_time", "min_warmup_time")
_WORD = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)
_INT = re.compile(r"(0|[1-9][0-9]*)(%?)", re.ASCII)
_SECONDS = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
ALLOWED = ("allowed: pcbench's entry names, kind[/word...][/key:value...]"
           "[/flag] (docs/design.md, Entry names)")


def _gb_slot(part):
    """GB_ORDER's index of a part Google Benchmark appends, or None."""
    if part in ("real_time", "manual_time"):
        return GB_ORDER.index("time_type")
    if part == "process_time":
        return GB_ORDER.index("process_time")
    key, colon, val = part.partition(":")
    if colon and key in ("iterations", "repeats") and \
            _INT.fullmatch(val) and not val.endswith("%"):
        return GB_ORDER.index(key)
    if colon and key in ("min_time", "min_warmup_time") and \
            _SECONDS.fullmatch(val):
        return GB_ORDER.index(key)
    return None


def _split(name):
    """(entry parts, Google Benchmark parts) of a run name, or BadInput."""
    if not isinstance(name, str) or not name:
        raise BadInput("an empty entry name")
    parts = name.split("/")
    if "" in parts:
        raise BadInput("an empty part (a '/' at an end, or two in a row)")
    cut, slot = len(parts), len(GB_ORDER)
    while cut > 0:
        s = _gb_slot(parts[cut - 1])
        if s is None or s >= slot:
            break
        cut, slot = cut - 1, s
    if cut == 0:
        raise BadInput("no entry before Google Benchmark's parts")
    return parts[:cut], parts[cut:]


def is_word(text):
    """Whether text is a word of the grammar: [a-z] *[a-z0-9_]."""
    return isinstance(text, str) and _WORD.fullmatch(text) is not None


def _value(key, text):
    m = _INT.fullmatch(text)
    if m:
        return int(m.group(1))  # profiling:1% reads as 1 (its unit, %)
    if _WORD.fullmatch(text):
        return text
    raise BadInput(f"value {text[:40]!r} of {key}: neither an integer "
                   "(ASCII digits, no sign or leading zero, % allowed) nor "
                   "a word")


def check_name(name):
    """Name(kind, words, params) of a run name in the grammar above, or
    BadInput saying what is wrong.  A value with a unit (profiling:1%)
    reads as its number."""
    entry, _ = _split(name)
    if len("/".join(entry).encode("utf-8")) > NAME_BYTES:
        raise BadInput(f"an entry of more than {NAME_BYTES} bytes")
    words, params, flags = [], {}, []
    for i, part in enumerate(entry):
        key, colon, val = part.partition(":")
        if (key if colon else part) in GB_PARAMS + GB_SUFFIXES:
            raise BadInput(f"part {part[:40]!r}: Google Benchmark's, out "
                           "of its place at the end")
        if not _WORD.fullmatch(key):
            raise BadInput(f"part {part[:40]!r}: not a word (a-z, then "
                           "a-z, 0-9, _)" + (" before ':'" if colon else ""))
        if i == 0 and colon:
            raise BadInput(f"part {part[:40]!r}: the kind is a word")
        if colon:
            if flags:
                raise BadInput(f"part {part[:40]!r} after the flag "
                               f"{flags[0]!r}")
            if key in params:
                raise BadInput(f"key {key!r} given twice")
            params[key] = _value(key, val)
        elif i == 0:
            continue
        elif params:
            if flags:
                raise BadInput(f"a second flag {part!r}; one flag at most, "
                               "after the parameters")
            flags.append(part)
        else:
            words.append(part)
    return Name(entry[0], words + flags, params)


def entry_name(run_name):
    """The harness's entry name of a row: its run_name without Google
    Benchmark's additions (/iterations:N, /repeats:N, /real_time ...)."""
    try:
        entry, _ = _split(run_name)
    except BadInput:
        return run_name
    return "/".join(entry)


def parse_name(name):
    """Name(kind, words, {param: value}) of an entry name; see check_name
    (BadInput, with the name, for one outside the grammar)."""
    try:
        return check_name(name)
    except BadInput as e:
        raise BadInput(f"entry name {str(name)[:80]!r}: {e}; {ALLOWED}") \
            from None


# Kinds whose entries name no strategy (external: an allocator); storm
# names its workload first.
NO_STRATEGY = ("floor", "unwind", "overhead", "paired", "external")


def strategy_of(n):
    """The strategy a parsed entry name names, or None."""
    if n.kind in NO_STRATEGY:
        return None
    at = 1 if n.kind == "storm" else 0
    return n.words[at] if len(n.words) > at else None


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


# ---- strategy roles --------------------------------------------------------

BASELINE = "off"

# Results written before the context carried `strategy_flags` (such as
# results/baseline.json): the registry's flags as they were then.
KNOWN_STRATEGY_FLAGS = {
    "off": {"no_capture"}, "stack": {"stack_buffer"}, "thread": {"guarded"},
    "lazy": {"guarded"}, "hybrid": {"guarded", "opt_in", "spill"},
    "percpu": {"shared", "opt_in"}, "pool": {"shared", "opt_in"},
    "thread_unguarded": {"control"},
}
FLAGS_FORM = ("allowed: strategy:flag,...;... as pcbench writes it, each "
              "strategy once")


def _parse_flags(text):
    flags = {}
    for item in text.split(";"):
        name, colon, listed = item.partition(":")
        if not colon or not _WORD.fullmatch(name):
            raise BadInput(f"context.strategy_flags: item {item[:40]!r}; "
                           + FLAGS_FORM)
        if name in flags:
            raise BadInput(f"context.strategy_flags names {name!r} twice; "
                           + FLAGS_FORM)
        got = listed.split(",") if listed else []
        bad = [f for f in got if not _WORD.fullmatch(f)]
        if bad or len(set(got)) != len(got):
            raise BadInput(f"context.strategy_flags: {name}'s flags "
                           f"{listed[:40]!r}; " + FLAGS_FORM)
        flags[name] = set(got)
    return flags


def strategy_flags(context):
    """{strategy: set of flags} from the results' context (pcbench writes
    "off:no_capture;stack:;thread:guarded;..."), or, for older files, the
    flags the registry gave its strategies then.  BadInput for a list
    that is not in that form."""
    text = context.get("strategy_flags") if isinstance(context, dict) \
        else None
    if not isinstance(text, str) or not text:
        return {k: set(v) for k, v in KNOWN_STRATEGY_FLAGS.items()}
    return _parse_flags(text)


# Roles that cannot go together: a control has no guard, shares nothing
# on purpose beyond its thread, and captures.
EXCLUSIVE = (("control", "guarded"), ("control", "shared"),
             ("control", "no_capture"), ("no_capture", "guarded"),
             ("no_capture", "shared"))


def check_flags(context, named, refused):
    """Refuse strategy_flags that contradict themselves or the data (see
    the module docstring).  named: the strategies the entries name;
    refused: {strategy: an entry name where its storm entry refused
    nested events}."""
    if not isinstance(context.get("strategy_flags"), str) or \
            not context["strategy_flags"]:
        return
    flags = strategy_flags(context)
    for s, f in flags.items():
        for a, b in EXCLUSIVE:
            if a in f and b in f:
                raise BadInput(f"context.strategy_flags gives {s!r} both "
                               f"{a} and {b}, which contradict each other")
        if ("no_capture" in f) != (s == BASELINE):
            raise BadInput(f"context.strategy_flags: {s!r} "
                           + ("is marked no_capture; only the baseline "
                              f"{BASELINE!r} captures nothing"
                              if s != BASELINE else
                              "lacks no_capture; the baseline captures "
                              "nothing"))
    missing = sorted(set(named) - set(flags))
    if missing:
        raise BadInput(f"context.strategy_flags leaves out {missing[0]!r}, "
                       "which entries name; expected every strategy run")
    for s, where in sorted(refused.items()):
        if "control" in flags.get(s, ()):
            raise BadInput(f"context.strategy_flags marks {s!r} as the "
                           f"negative control, but {where[:80]!r} refused "
                           "nested events (nested_lost > 0), which only a "
                           "guard does")
