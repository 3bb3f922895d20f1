"""report.model: the data model of the design evaluation report.

A pcbench results file is a flat list of Google Benchmark entries whose
names carry their parameters.  This module parses the names into one index
per kind of entry, so that the report asks for "the `stack` entry of the
malloc workload at depth 128 and 200 frames" rather than for a string:

  matrix       <wl>/<s>/depth:D/frames:F[/threads:N/place:P][/real_time]
                 key (wl, variant) -> {(s, D, F): figures}
  storm        storm/<wl>/<s>/depth:D/frames:F[/...]/iterations:N
                 key (wl, variant) -> {(s, D, F): figures}
  churn        churn/<s>/depth:D[/faults]            {(s, D, faults): ...}
  thread_start thread_start/<s>/depth:D               {(s, D): ...}
  first_event  first_event/<s>/depth:D                {(s, D): ...}
  heap         heap/<s>/depth:D/threads:T/profiling:P%  {(s, D, T, P): ...}
  floor        floor/depth:D/frames:F                 {(D, F): ...}
  unwind       unwind/<unwinder>/frames:F             {(unwinder, F): ...}
  sigstack     any name carrying sigstack:S (S bytes or none; pcbench
               --sigstack)        {(s, D, F): {S: figures}}

`variant` is what else the name fixes (threads:2/place:cross_core for
block), "" for none.  Figures are pcblib's lists of per-repetition values
(time in ns, and every counter); med() and stat() reduce them.  Nothing
here knows a number: strategies, depths and frames are whatever the file
holds.  Two roles are known by name: `off` is the baseline every overhead
is measured against; a strategy whose flags in the results' context say
`control` is a negative control (excluded from findings that recommend,
kept in the tables).  Where a strategy keeps its buffer is read from its
flags too (buffer_place): `stack_buffer` on the capturing frame, `spill`
partly there, neither off the stack.  Names are parsed by
pcblib.parse_name.

Also here: number formats shared by tables, findings and the fleet model,
and the noise-aware comparison of two timings (same()).
"""
import glob
import math
import os
import re
import warnings


from pcbtools import pcblib
from pcbtools import stats
from pcbtools.results import kinds

BASELINE = "off"
MISSING = "—"
NOT_MEASURED = "not measured in this run"

# Each strategy's flags, as the loaded results' contexts give them.
FLAGS = {}


def is_control(strategy):
    """A control, not a design: the negative control (shares a buffer
    without the guard, on purpose) or a code clone (another strategy's
    source at another address, the timing control for placement)."""
    flags = FLAGS.get(strategy,
                      pcblib.KNOWN_STRATEGY_FLAGS.get(strategy, set()))
    return "control" in flags or "clone" in flags


def is_clone(strategy):
    """A code clone: another strategy's source at another address."""
    flags = FLAGS.get(strategy,
                      pcblib.KNOWN_STRATEGY_FLAGS.get(strategy, set()))
    return "clone" in flags


def is_negative_control(strategy):
    """The negative control alone: expected to go wrong under a storm."""
    flags = FLAGS.get(strategy,
                      pcblib.KNOWN_STRATEGY_FLAGS.get(strategy, set()))
    return "control" in flags


def buffer_place(strategy):
    """Where the strategy keeps its PCs, from its flags: "stack" (all on the
    capturing frame), "spill" (a fixed part there), "none" (no capture) or
    "heap" (off the stack)."""
    flags = FLAGS.get(strategy,
                      pcblib.KNOWN_STRATEGY_FLAGS.get(strategy, set()))
    for flag, place in (("no_capture", "none"), ("stack_buffer", "stack"),
                        ("spill", "spill")):
        if flag in flags:
            return place
    return "heap"


def _variant(params):
    return "/".join(f"{k}:{v}" for k, v in params.items()
                    if k not in ("depth", "frames"))


class Run:
    """One results file, indexed by kind of entry (see the module doc)."""

    def __init__(self, res, label):
        self.res, self.label, self.path = res, label, res.path
        self.context = res.context
        self.matrix, self.storm = {}, {}
        self.churn, self.thread_start, self.first_event = {}, {}, {}
        self.heap, self.floor, self.other = {}, {}, []
        self.unwind = {}  # (unwinder, frames) -> figs
        self.sigstack = {}  # (s, depth, frames) -> {size or "none": figs}
        self.paired = {}  # (workload, variant) -> {(depth, frames): figs}
        self.counts = None  # callgrind miss counts: attach_counts()
        self.strategies = []
        # the suites' own first words; any other is a workload's (matrix)
        self.suite_words = set(kinds.suite_prefixes(res.context))
        FLAGS.update(pcblib.strategy_flags(res.context))
        for name, figs in res.runs.items():
            if not self._add(pcblib.parse_name(name), figs):
                self.other.append(name)

    def _seen(self, s):
        if s not in self.strategies:
            self.strategies.append(s)
        return s

    def _add(self, n, figs):
        """Index one entry; False for a name this report does not read."""
        p, w = n.params, n.words
        d, f = p.get("depth"), p.get("frames")
        if not all(isinstance(v, (int, type(None))) for v in (d, f)):
            return False
        if n.kind == "floor":
            if d is None or f is None:
                return False
            self.floor[(d, f)] = figs
        elif n.kind == "unwind":
            if len(w) != 1 or f is None:
                return False
            self.unwind[(w[0], f)] = figs
        elif n.kind == "storm":
            if len(w) < 2 or d is None or f is None:
                return False
            self.storm.setdefault((w[0], _variant(p)), {})[
                (self._seen(w[1]), d, f)] = figs
        elif n.kind in ("churn", "thread_start", "first_event", "heap"):
            if not w or d is None:
                return False
            t, pct = p.get("threads"), p.get("profiling")
            if n.kind == "heap" and not (isinstance(t, int) and
                                         isinstance(pct, (int, float))):
                return False
            s = self._seen(w[0])
            if n.kind == "churn":
                self.churn[(s, d, "faults" in w[1:])] = figs
            elif n.kind == "heap":
                self.heap[(s, d, t, pct)] = figs
            else:
                getattr(self, n.kind)[(s, d)] = figs
        elif n.kind == "paired":
            if not w or d is None or f is None:
                return False
            self.paired.setdefault((w[0], _variant(p)), {})[(d, f)] = figs
        elif "sigstack" in p:
            if not w or d is None or f is None:
                return False
            self.sigstack.setdefault((self._seen(w[0]), d, f), {})[
                p["sigstack"]] = figs
        elif n.kind in self.suite_words:
            return False  # a suite this report has no section for
        else:
            if not w or d is None or f is None:
                return False
            self.matrix.setdefault((n.kind, _variant(p)), {})[
                (self._seen(w[0]), d, f)] = figs
        return True

    def repetitions(self):
        """Sorted set of repetition counts over the entries."""
        return sorted({len(f["time"]) for f in self.res.runs.values()})


def group_title(group):
    """`malloc`, or `block` (threads:2/place:cross_core): a matrix group."""
    wl, variant = group
    return f"`{wl}`" + (f" ({variant})" if variant else "")


def strategies(runs):
    """Strategies of all runs, the baseline first, then first-seen order."""
    out = []
    for r in runs:
        out += [s for s in r.strategies if s not in out]
    return sorted(out, key=lambda s: s != BASELINE)


def candidates(run):
    """The strategies findings compare: all but the baseline and the
    negative controls."""
    return [s for s in strategies([run])
            if s != BASELINE and not is_control(s)]


def deepest(run, g):
    """(depths, frames) measured in matrix group g, each sorted."""
    keys = list(run.matrix.get(g, {}))
    return axis(keys, 1), axis(keys, 2)


def fig_at(run, g, s, d, f, name):
    return med(run.matrix.get(g, {}).get((s, d, f)), name)


def listing(parts):
    """"a", "a and b", "a, b and c"."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def code(s):
    return f"`{s}`"


def keys_of(runs, attr):
    """Union of the group keys of one index over the runs, in order."""
    out = []
    for r in runs:
        out += [k for k in getattr(r, attr) if k not in out]
    return out


def axis(items, pos):
    """Sorted distinct values at position pos of the tuples in items."""
    return sorted({k[pos] for k in items})


def med(figs, name):
    """Median over the repetitions of one figure, or None."""
    if not figs or name not in figs:
        return None
    return float(stats.median(figs[name]))


def paired_ratio(run, group, d, f, arm, ref):
    """(median, lo, hi, diff_ns, diff_lo, diff_hi) of arm over ref in the
    paired entry at (group, d, f), or None where there is none."""
    figs = run.paired.get(group, {}).get((d, f))
    key = f"{arm}_over_{ref}"
    if not figs or key not in figs:
        return None
    dk = f"{arm}_minus_{ref}_ns"
    get = lambda k: float(figs[k][0]) if k in figs else None  # noqa: E731
    return (get(key), get(key + "_lo"), get(key + "_hi"),
            get(dk), get(dk + "_lo"), get(dk + "_hi"))


def fmt_paired(r, physics=None):
    """'×1.005 [1.004, 1.006], +0.5 ns [+0.4, +0.6]: a real difference' for
    a paired_ratio; the verdict is whether the 95% interval holds 1, unless
    `physics` (physics_check's text) says the exact counts cannot explain
    a gap that wide: then it is layout, not the strategy's cost."""
    m, lo, hi, dn, dlo, dhi = r
    verdict = ("within the noise (the interval holds 1)" if lo <= 1 <= hi
               else physics if physics else
               "a real difference (the interval excludes 1)")
    text = f"×{m:.4f} [{lo:.4f}, {hi:.4f}]"
    if dn is not None and dlo is not None and dhi is not None:
        text += f", {fmt_dns(dn)} [{fmt_dns(dlo)}, {fmt_dns(dhi)}]"
    return f"{text} per operation, paired 95% interval: {verdict}"


# What an event's exact counts allow its time to differ by, per unit of
# difference: an instruction at most a cycle (a core retires one or more
# a cycle), a simulated L1 miss at most 10 cycles (an L2 hit), an LL miss
# at most 300 (a trip to DRAM); a gap beyond PHYSICS_MARGIN times that,
# plus PHYSICS_SLACK_NS, is not the strategy's work.
PHYSICS_CYCLES = (("instructions", 1), ("i1_misses", 10), ("d1_misses", 10),
                  ("ll_misses", 300))
PHYSICS_MARGIN, PHYSICS_SLACK_NS = 2.0, 0.5


def _context_number(context, key):
    """A positive finite number the context gives as text, or None."""
    try:
        v = float(context.get(key, ""))
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) and v > 0 else None


def physics_check(run, group, d, f, arm, ref, diff):
    """None, or why a paired difference `diff` = (ns, lo, hi) per
    operation of arm over ref is beyond what the exact counts of both
    (run.counts: make bench-ci's callgrind figures of the same build) can
    explain: both ends of its interval farther from 0 than the most the
    instruction and miss differences could cost, with a wide margin."""
    c = run.counts
    ns_per_tick = _context_number(run.context, "ns_per_tick")
    if c is None or diff is None or None in diff or ns_per_tick is None:
        return None
    figs = [c.matrix.get(group, {}).get((s, d, f)) for s in (arm, ref)]
    if any(x is None for x in figs):
        return None
    cycles = 0.0
    for name, weight in PHYSICS_CYCLES:
        a, b = med(figs[0], name), med(figs[1], name)
        if a is None or b is None:
            return None
        cycles += weight * abs(a - b)
    per_op = med(run.matrix.get(group, {}).get((arm, d, f)),
                 "events_per_iter") or 1.0
    bound = PHYSICS_MARGIN * cycles * ns_per_tick * per_op + PHYSICS_SLACK_NS
    _, lo, hi = diff
    if lo <= 0 <= hi or min(abs(lo), abs(hi)) <= bound:
        return None
    return (f"beyond what the exact counts explain (at most {bound:.2g} ns "
            "from the instruction and simulated-miss differences): code "
            "or data placement, not the strategy")


# The anatomy of an event (bench-ci: callgrind, collecting only in the event
# sites): instructions per event split into these parts, as ir_<part>.
# The latency pass's quantile ladder (pcbench's lat_q<q>_ns counters, q's
# decimal point written '_'): (q, counter name)
LAT_LADDER = tuple((q, "lat_q" + f"{q:g}".replace(".", "_") + "_ns")
                   for q in (0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995,
                             0.999, 0.9995, 0.9999, 1.0))
ANATOMY_PARTS = ("strategy", "unwinder", "consumer", "sampler", "workload")
ANATOMY_TITLE = "where an event's instructions go"


def anatomy(figs):
    """{part: median instructions per event} of one entry, or None when the
    entry carries no breakdown (a run without `make bench-ci` figures)."""
    if not figs or any("ir_" + p not in figs for p in ANATOMY_PARTS):
        return None
    return {p: med(figs, "ir_" + p) for p in ANATOMY_PARTS}


def has_anatomy(run, group):
    return any(anatomy(f) for f in run.matrix.get(group, {}).values())


def fmt_share(part, total):
    """part of total as a percentage: 2 significant digits, never 0% or
    100% for a part that is neither."""
    if not total:
        return MISSING
    x = 100 * part / total
    if x in (0, 100):
        return f"{int(x)}%"
    text = f"{x:.0f}" if x >= 10 else f"{x:.2g}"
    if float(text) in (0.0, 100.0):
        text = f"{x:.2f}"
    return text + "%"


def vals(figs, name):
    return None if not figs or name not in figs else figs[name]


def same(a, b, alpha=0.05):
    """(differ?, how) for two timing samples: a two-sided Mann-Whitney U
    test when both have pcblib.MIN_REPETITIONS values, else whether their
    min-max ranges overlap.  how is a phrase for a findings sentence."""
    n = min(len(a), len(b))
    if n >= pcblib.MIN_REPETITIONS:
        from scipy.stats import mannwhitneyu
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p = mannwhitneyu(a, b, alternative="two-sided").pvalue
        p = 1.0 if math.isnan(p) else float(p)
        if p < alpha:
            return True, f"a real difference by a U test, p = {p:.2g}"
        return False, f"within the noise by a U test, p = {p:.2g}"
    if n < 2:
        return False, "from one repetition, with no spread to judge it by"
    reps = f"{n} repetitions"
    if max(a) < min(b) or max(b) < min(a):
        return True, f"beyond the spread of {reps}, whose ranges do not " \
            f"overlap (fewer than {pcblib.MIN_REPETITIONS}: indicative only)"
    return False, f"within the spread of {reps}, whose ranges overlap"


def article(text):
    """'a' or 'an' before a number as it is read aloud (8, 11, 18, 80...)."""
    return "an" if re.match(r"8|1[18](\D|$)", text) else "a"


def _three_digits(x, unit):
    """x of a unit, to 3 significant digits (no exponent above 100)."""
    return f"{x:.3g} {unit}" if abs(x) < 100 else f"{x:.0f} {unit}"


def _signed(fmt, v):
    """fmt for a difference: its magnitude with a sign always shown."""
    return MISSING if v is None else ("+" if v >= 0 else "−") + fmt(abs(v))


def fmt_ns(v):
    """A time in ns, µs, ms or s, with 3 significant digits."""
    if v is None:
        return MISSING
    for unit, scale in (("ns", 1), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)):
        if abs(v / scale) < 1000 or unit == "s":
            return _three_digits(v / scale, unit)


def fmt_dns(v):
    """A signed time difference."""
    return _signed(fmt_ns, v)


def fmt_bytes(v):
    """Bytes: exact below 10 KiB unless a whole KiB, else KiB, MiB, GiB."""
    if v is None:
        return MISSING
    a = abs(v)
    if a < 10240 and (a < 1024 or a % 1024):
        return f"{int(v)} B" if v == int(v) else f"{v:.3g} B"
    for unit, scale in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 1024)):
        if a >= scale:
            x = v / scale
            return f"{int(x)} {unit}" if x == int(x) else _three_digits(x, unit)


def fmt_dbytes(v):
    return _signed(fmt_bytes, v)


def fmt_frac(v):
    """A fraction as a percentage that never rounds a miss to 100%."""
    if v is None:
        return MISSING
    if v == 1 or v == 0:
        return f"{int(v * 100)}%"
    for d in range(1, 8):
        t = f"{v * 100:.{d}f}"
        if float(t) not in (0.0, 100.0):
            return t + "%"
    return f"{v * 100:.8f}%"


def fmt_rel(v):
    """A relative change as a signed percentage, 3 significant digits."""
    if v is None:
        return MISSING
    x = abs(v * 100)
    text = f"{x:.2g}" if x < 10 else f"{x:.3g}" if x < 1000 else f"{x:.0f}"
    return ("+" if v >= 0 else "−") + text + "%"


def fmt_count(v):
    if v is None:
        return MISSING
    return f"{int(v):,}" if v == int(v) else f"{v:,.2f}"


def entries(n, what="entries"):
    """'1 entry', '3 entries' (or '1 churn entry', ...)."""
    word = what[:-3] + "y" if n == 1 and what.endswith("entries") else what
    return f"{n:,} {word}"


def fmt_ratio(v):
    return MISSING if v is None else f"{v:.2f}×"


def rel(a, b):
    """(b - a) / a, or None when either is missing or a is 0."""
    if a is None or b is None or a == 0:
        return None
    return (b - a) / abs(a)


def label_for(path, i):
    """A short default label: the run folder for results.json, else the
    file's name; A, B prefix so that cells read 'A -> B'."""
    base = os.path.basename(path)
    if base == "results.json":
        base = os.path.basename(os.path.dirname(os.path.abspath(path)))
    elif base.endswith(".json"):
        base = base[:-5]
    return f"{'AB'[i]}: {base}" if i < 2 else base


# Text copied from a results file (entry names, context strings, paths,
# labels) goes into report text in which backticks mark code.  A backtick
# of its own is held as DATA_TICK until rendering, where report.render and
# report.plots show it as a backtick again: it is text, never markup.
DATA_TICK = "\ue000"


def guard(text):
    """text with its backticks held as DATA_TICK (see above)."""
    return text.replace("`", DATA_TICK) if isinstance(text, str) else text


def _guarded(res):
    ctx = {k: guard(v) for k, v in res.context.items()}
    return pcblib.Results(guard(res.path), ctx,
                          {guard(n): figs for n, figs in res.runs.items()})


MISS_FIGS = ("d1_misses", "ll_misses")


def _has_misses(run):
    return any(MISS_FIGS[0] in figs for m in run.matrix.values()
               for figs in m.values())


def _same_commit_ci(run):
    """The counts `make bench` wrote into run's own folder (counts.json),
    else a bench-ci results file beside that folder (results/runs/*-ci-*)
    written from the same commit, newest first, or None."""
    folder = os.path.dirname(os.path.abspath(run.path))
    own = os.path.join(folder, "counts.json")
    if os.path.isfile(own):
        return own
    runs = os.path.dirname(folder)
    commit = run.context.get("git_commit")
    if os.path.basename(runs) != "runs" or not commit:
        return None
    for d in sorted(glob.glob(os.path.join(runs, "*-ci-*")), reverse=True):
        p = os.path.join(d, "results.json")
        if os.path.abspath(d) == folder or not os.path.isfile(p):
            continue
        try:
            res = pcblib.load_results(p, counters=True)
        except pcblib.BadInput:
            continue
        if res.context.get("git_commit") == commit:
            return p
    return None


def attach_counts(runs, path=None):
    """run.counts: the Run whose matrix carries callgrind's per-event miss
    counts (make bench-ci) for run -- run itself when its entries carry
    them, else the file given (--counts), else a bench-ci file of the
    same commit beside it; None when there is none.  Raises BadInput for
    a given file that cannot be read."""
    given = load([path], ["counts"])[0] if path else None
    for run in runs:
        if _has_misses(run):
            run.counts = run
        elif given is not None:
            run.counts = given
        else:
            found = _same_commit_ci(run)
            run.counts = load([found], ["counts"])[0] if found else None


def load(paths, labels):
    """Load and index the results files (raises pcblib.BadInput)."""
    runs = []
    for i, p in enumerate(paths):
        if os.path.isdir(p):
            p = os.path.join(p, "results.json")
        res = _guarded(pcblib.load_results(p, counters=True))
        lab = labels[i] if i < len(labels) else \
            (label_for(p, i) if len(paths) > 1 else label_for(p, 9))
        runs.append(Run(res, guard(lab)))
    return runs
