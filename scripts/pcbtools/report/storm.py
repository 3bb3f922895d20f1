"""report.storm: the signal storm's entries, their verdicts and findings.

A storm/ entry runs a matrix point while every thread takes SIGPROF and
records a nested event from the handler (bench/suites/storm.c).  pcbench
judges each entry against its point's negative control once the run has
ended and writes the judgement into the entry's row; the report shows it
beside what it rests on.  It reads these counters of a storm row by name,
and nothing else (a counter a file lacks shows as "—"):

  correct                share of the checked outer events equal to the
                         truth
  nested, nested_lost    nested events the strategy recorded, refused
                         (only a guard refuses one)
  overlaps               nested events that arrived while an outer capture
                         was in progress: the only ones that can corrupt it
  storm_overlaps_needed  N, the overlaps needed for 99.9% power against the
                         control's corruption rate (0: no rate to judge by)
  storm_power            that power at the entry's overlaps
  storm_verdict          pcbench's verdict: 1 ok (judged and passed, the
                         control caught, or `off`), 0 cannot judge (no
                         bound on the control's rate at the point), 2 not
                         judged (signal handlers deferred: TSan), -1 FAIL
                         too few overlaps, -2 FAIL a strategy other than
                         the control went wrong, -3 FAIL the control not
                         caught, -4 FAIL no nested event arrived
  storm_control_overlaps the control's overlaps at the point (0: no
                         control ran there)

The verdict is pcbench's, never re-derived here; a file written before
pcbench recorded it says "not recorded".  The findings count nested
events over the strategies judged -- `off` (which captures nothing), the
negative control (which is meant to fail) and code clones aside -- and
name the entries whose verdict failed.
"""
from pcbtools.report import model as M
from pcbtools.report.render import Missing, table

listing, code, where = M.listing, M.code, M.group_title

OK, FAIL, UNJUDGED = "ok", "FAIL", "not judged"
COUNTERS = ("correct", "nested", "nested_lost", "overlaps",
            "storm_overlaps_needed")
WORDS = {
    0: (UNJUDGED, None),  # cannot judge: worded by cannot_judge()
    2: (UNJUDGED, "not judged: this build defers signal handlers to safe "
        "points"),
    -1: (FAIL, None),  # too few: worded with the counts
    -2: (FAIL, "FAIL: a strategy other than the negative control went "
         "wrong"),
    -3: (FAIL, "FAIL: the check did not catch the negative control"),
    -4: (FAIL, "FAIL: no nested event arrived"),
}


def verdict(s, figs):
    """(kind, text) of one storm entry of strategy s from its
    storm_verdict: kind OK, FAIL or UNJUDGED (see the module docstring)."""
    v = M.med(figs, "storm_verdict")
    if v is None:
        return UNJUDGED, "not recorded (no storm_verdict in this file)"
    v = int(v)
    if v == 1:
        if M.is_negative_control(s):
            return OK, "ok: the check caught the negative control"
        if "no_capture" in M.FLAGS.get(s, ()):
            return OK, "ok: captures nothing"
        power = M.med(figs, "storm_power")
        return OK, "ok" + ("" if power is None else
                           f" (power {power:.4f})")
    kind, text = WORDS[v]
    if v == 0:
        ran = M.med(figs, "storm_control_overlaps")
        text = ("cannot judge: no negative control ran at this point"
                if not ran else "cannot judge: the negative control never "
                "went wrong here, so no rate bounds the check")
    elif v == -1:
        ov, need = (M.med(figs, k) for k in ("overlaps",
                                             "storm_overlaps_needed"))
        text = (f"FAIL: too few overlaps to judge ({M.fmt_count(ov or 0)} "
                f"of {M.fmt_count(need or 0)})")
    return kind, text


def entries(run):
    """[(group, (s, d, f), figs, kind, text)] of run's storm entries."""
    return [(g, k, figs, *verdict(k[0], figs))
            for g, m in run.storm.items() for k, figs in m.items()]


def judged(s):
    """Whether the findings count s's nested events: not the baseline,
    nothing flagged no_capture, no control (the negative control, a code
    clone)."""
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
    guarded = {s: w for s, w in worst.items()
               if not M.is_negative_control(s)}
    controls = {s: w for s, w in worst.items() if M.is_negative_control(s)}
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
            "overlaps needed for 99.9% power against the control's rate "
            "(`storm_overlaps_needed`); verdict: pcbench's "
            "(`storm_verdict`, docs/report.md)."))
    return out


def _cell(runs, g, key, i):
    def one(run):
        figs = run.storm.get(g, {}).get(key)
        if figs is None:
            return None
        if i == 5:
            return verdict(key[0], figs)[1]
        v = M.med(figs, COUNTERS[i])
        if v is None or (i == 4 and v == 0):  # N 0: no rate to judge by
            return None
        return M.fmt_frac(v) if i == 0 else M.fmt_count(v)
    vs = [one(r) for r in runs]
    return " → ".join(M.MISSING if v is None else v for v in vs)
