"""report_storm: the signal storm's entries, their verdicts and findings.

A storm/ entry runs a matrix point while every thread takes SIGPROF and
records a nested event from the handler (bench/suites/storm.c).  pcbench
judges each entry after the run; the report shows, per entry, what that
judgement rests on and the verdict it comes to.  It reads these counters
of a storm row by name, and nothing else (a counter a file lacks is
shown as "—"):

  correct          share of the checked outer events equal to the truth
  nested           nested events the strategy recorded
  nested_lost      nested events it refused (only a guard refuses one)
  overlaps         nested events that arrived while an outer capture was
                   in progress: the only ones that can corrupt it
  overlaps_needed  N, the overlaps the check needs to catch a strategy
                   that corrupts a capture per overlap at the rate the
                   control showed, with pcbench's stated power (storm.c);
                   files from before pcbench recorded it have none

and the strategy's flags (the results' strategy_flags).  The verdict, in
this order (the rule of storm.c, with N taken from the row, never
re-estimated here):

  no nested event arrived (nested + nested_lost = 0)  FAIL
  the negative control, correct < 1                   ok: caught
  any other strategy, correct < 1                     FAIL: lost correctness
  no_capture (`off`)                                  ok: captures nothing
  no overlaps_needed in the row                       not judged (no N)
  overlaps < N                                        FAIL: too few overlaps
  the negative control                                FAIL: not caught
  otherwise                                           ok

The findings count nested events over the strategies judged -- `off`
(which captures nothing) and the negative control (which is meant to
fail) aside -- and name the entries whose verdict failed.
"""
import report_model as M
from report_render import Missing, table

listing, code, where = M.listing, M.code, M.group_title

OK, FAIL, UNJUDGED = "ok", "FAIL", "not judged"
COUNTERS = ("correct", "nested", "nested_lost", "overlaps",
            "overlaps_needed")


def verdict(s, figs):
    """(kind, text) of one storm entry of strategy s: kind OK, FAIL or
    UNJUDGED (see the module docstring)."""
    c, n, lost, ov, need = (M.med(figs, k) for k in COUNTERS)
    control = M.is_control(s)
    if (n or 0) + (lost or 0) == 0:
        return FAIL, "FAIL: no nested event arrived"
    if c is not None and c < 1:
        return (OK, "ok: the check caught the negative control") \
            if control else (FAIL, "FAIL: lost correctness")
    if "no_capture" in M.FLAGS.get(s, ()):
        return OK, "ok: captures nothing"
    if need is None or ov is None:
        return UNJUDGED, "not judged: no N (overlaps_needed) in this file"
    if ov < need:
        return FAIL, (f"FAIL: too few overlaps to judge ({M.fmt_count(ov)} "
                      f"of {M.fmt_count(need)})")
    if control:
        return FAIL, "FAIL: the check did not catch the negative control"
    return OK, "ok"


def entries(run):
    """[(group, (s, d, f), figs, kind, text)] of run's storm entries."""
    return [(g, k, figs, *verdict(k[0], figs))
            for g, m in run.storm.items() for k, figs in m.items()]


def judged(s):
    """Whether the findings count s's nested events: not the baseline,
    nothing flagged no_capture, not a negative control."""
    return s != M.BASELINE and not M.is_control(s) and \
        "no_capture" not in M.FLAGS.get(s, ())


def findings(run):
    if not run.storm:
        return ["Correctness under nested events: "
                f"{M.NOT_MEASURED} (no `storm/` entries; pcbench --storm)."]
    worst, nested = {}, {}
    for g, m in run.storm.items():
        for (s, d, f), figs in m.items():
            c = M.med(figs, "correct")
            if c is not None and (s not in worst or c < worst[s][0]):
                worst[s] = (c, g, d, f)
            a = nested.setdefault(s, [0.0, 0.0])
            a[0] += M.med(figs, "nested") or 0
            a[1] += M.med(figs, "nested_lost") or 0
    guarded = {s: w for s, w in worst.items() if not M.is_control(s)}
    controls = {s: w for s, w in worst.items() if M.is_control(s)}
    failed = {s: w for s, w in guarded.items() if w[0] < 1}
    if failed:
        head = "Under the signal storm, " + listing(
            f"{code(s)} fell to {M.fmt_frac(w[0])} in {where(w[1])} at "
            f"depth {w[2]} with {w[3]} frames" for s, w in failed.items())
    else:
        head = "Under the signal storm, every guarded strategy kept " \
            "correct = 100%"
    counted = [s for s in nested if judged(s)]
    recorded = sum(nested[s][0] for s in counted)
    out = [f"{head} ({M.fmt_count(recorded)} nested events recorded"
           + (f" by {listing(code(s) for s in counted)}" if counted else "")
           + ")."]
    for s, (c, g, d, f) in controls.items():
        out.append(f"The negative control {code(s)} " + (
            f"fell to {M.fmt_frac(c)} in {where(g)} at depth {d} with {f} "
            "frames: the check catches a buffer shared with nested events."
            if c < 1 else "stayed at 100%: this storm did not show that the "
            "check can fail."))
    if not controls:
        out.append("No negative control ran under the storm, so this run "
                   "does not show that the check can fail.")
    refused = [f"{code(s)} {M.fmt_frac(b / (a + b))} ({M.fmt_count(b)} of "
               f"{M.fmt_count(a + b)})" for s, (a, b) in nested.items()
               if s in M.candidates(run) and a + b > 0]
    if refused:
        out.append("Nested events refused by the in-use guard: "
                   + listing(refused) + ".")
    return out + verdict_findings(run)


def verdict_findings(run):
    """How many storm entries the check judged, and which failed."""
    es = entries(run)
    by = {k: [e for e in es if e[3] == k] for k in (OK, FAIL, UNJUDGED)}
    out = [f"The storm's verdicts: {len(by[OK])} of "
           f"{M.entries(len(es), 'storm entries')} ok, {len(by[FAIL])} "
           f"failed, {len(by[UNJUDGED])} not judged (each entry's "
           "overlaps, N and verdict are in the correctness tables)."]
    for g, (s, d, f), _, _, text in by[FAIL][:5]:
        out.append(f"{code(s)} in {where(g)} at depth {d} with {f} frames: "
                   f"{text}.")
    if len(by[FAIL]) > 5:
        out.append(f"… and {len(by[FAIL]) - 5} more failed storm entries.")
    return out


def tables(runs):
    """A table per storm group: every entry's figures and verdict."""
    groups = M.keys_of(runs, "storm")
    if not groups:
        return [Missing("correctness under a signal storm (`storm/` "
                        "entries; pcbench --storm=HZ)")]
    out = []
    for g in groups:
        keys = []
        for r in runs:
            keys += [k for k in r.storm.get(g, {}) if k not in keys]
        keys.sort(key=lambda k: (M.strategies(runs).index(k[0])
                                 if k[0] in M.strategies(runs) else 99,
                                 k[1], k[2]))
        rows = [[s, str(d), str(f)] + [_cell(runs, g, (s, d, f), i)
                                        for i in range(6)]
                for s, d, f in keys]
        out.append(table(
            f"storm, {where(g)}: each entry's check under nested events "
            "from a signal handler",
            ("strategy", "depth", "frames", "correct", "nested", "refused",
             "overlaps", "N needed", "verdict"), rows,
            "refused: nested events a guard turned away (`nested_lost`); "
            "overlaps: nested events that arrived during a capture; N: the "
            "overlaps the check needs (`overlaps_needed`) for its power; "
            "verdict: the rule of docs/report.md (Correctness)."))
    return out


def _cell(runs, g, key, i):
    def one(run):
        figs = run.storm.get(g, {}).get(key)
        if figs is None:
            return None
        if i == 5:
            return verdict(key[0], figs)[1]
        v = M.med(figs, COUNTERS[i])
        return None if v is None else \
            (M.fmt_frac(v) if i == 0 else M.fmt_count(v))
    vs = [one(r) for r in runs]
    return " → ".join(M.MISSING if v is None else v for v in vs)
