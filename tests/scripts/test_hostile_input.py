#!/usr/bin/python3
"""Malformed and hostile results files through every script that reads one.

CASES below builds over 110 bad inputs from a good fixture (make_
fixtures.results): broken JSON, NaN/Infinity tokens, numbers too large for
a float, non-UTF-8 bytes, a lone surrogate, deep nesting, wrong types in
the document, the context and the rows, missing fields, zero and negative
times, out-of-range figures, repeated keys and repetitions, and paths that
are not a regular file (a directory, a FIFO, a device, a 65 MiB file, no
file at all); and those of issue 29: a time of 1e300 s, counters at
1.7e308 or 2^60, a date of 9999-12-31T23:59:59-14:00, go_rate_* as "\u00b2"
or 5000 digits, names outside pcbench's grammar (depth:3_2, Arabic-Indic
digits, frames:+16, a twin with /real_time, empty and //// names, ...),
a paired interval with lo > hi, negative ratios, walk_ns above the time,
and strategy_flags that contradict themselves or the rows (thread marked
control though its storm entry refused nested events).  Each goes to:

  compare --markdown PREV        (the bad file as contender)
  export --out PREV
  history add --dir HIST         (HIST holds a good file already)
  history plot --dir HIST --out OUT   (the bad file inside HIST)
  report --out-dir OUT           (OUT holds a previous report)
  check-stability --from GOOD BAD --json PREV
  bench-ci --no-timed --out PREV (a stand-in pcbench writes the bad file
                                  as its pass's results: the part of
                                  bench-ci that reads results; the path
                                  cases do not apply, pcbench writes a
                                  regular file)

and each run must exit 2 with exactly one line on stderr (bench-ci's own
progress lines, which name the command it runs, aside), no "Traceback",
nothing on stdout, no file added anywhere in its folders, and every file
that was there before byte-identical.

NearMisses: files that differ from those cases only in the planted fault
(the right flags beside a storm entry, an interval in order, walk_ns
below the time, ...) are accepted by every script.  OutputPaths: every
path a script writes, given what pcbench's --out refuses (a character
device, a FIFO, symbolic links to stdout and to a file, a directory, a
name or a path too long, a missing folder, an empty name): exit 2, one
line, and what stood there untouched.  Terminal: control characters from
a file reach stdout and stderr escaped.  Run by CTest
(scripts_hostile_input).
"""
import concurrent.futures
import copy
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts")
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import make_fixtures  # noqa: E402

GOOD = make_fixtures.results(1)
GOOD_TEXT = json.dumps(GOOD, indent=1) + "\n"
FIRST = GOOD["benchmarks"][0]["name"]


def edited(fn):
    """The good document changed by fn(doc), as text."""
    doc = copy.deepcopy(GOOD)
    fn(doc)
    return json.dumps(doc, indent=1) + "\n"


def row(doc, i=0):
    return doc["benchmarks"][i]


def set_row(key, value, i=0):
    return edited(lambda d: row(d, i).__setitem__(key, value))


def del_row(key, i=0):
    return edited(lambda d: row(d, i).pop(key))


def set_ctx(key, value):
    return edited(lambda d: d["context"].__setitem__(key, value))


def aggregate_index():
    return next(i for i, r in enumerate(GOOD["benchmarks"])
                if r["run_type"] == "aggregate")


def replace_once(old, new):
    assert old in GOOD_TEXT, old
    return GOOD_TEXT.replace(old, new, 1)


def nested(depth):
    return "[" * depth + "]" * depth


def renamed(new, old=FIRST, keep=False):
    """Every row of entry old renamed to new (keep: a copy beside it)."""
    def fn(d):
        rows = [r for r in d["benchmarks"] if r["run_name"] == old]
        if keep:
            rows = copy.deepcopy(rows)
            d["benchmarks"] += rows
        for r in rows:
            r["name"] = r["name"].replace(old, new, 1)
            r["run_name"] = new
    return edited(fn)


def set_entry(**fields):
    """fields set in every repetition of the first entry."""
    return edited(lambda d: [r.update(fields) for r in d["benchmarks"]
                             if r["run_name"] == FIRST])


FLAGS = ("off:no_capture;stack:;thread:guarded;lazy:guarded;"
         "thread_unguarded:control")


def with_storm(flags, nested_lost=5.0):
    """The good file with strategy_flags and a storm entry of `thread`
    (a copy of the first entry's rows) that refused nested_lost events."""
    def fn(d):
        d["context"]["strategy_flags"] = flags
        storm = "storm/malloc/thread/depth:32/frames:16/iterations:1000"
        rows = copy.deepcopy([r for r in d["benchmarks"]
                              if r["run_name"] == FIRST])
        for r in rows:
            r["name"] = r["name"].replace(FIRST, storm, 1)
            r.update(run_name=storm, nested=10.0, nested_lost=nested_lost,
                     overlaps=nested_lost)
        d["benchmarks"] += rows
    return edited(fn)


# name -> bytes of the file, or a special kind of path (see place()).
CASES = {
    "empty": "",
    "whitespace": " \n\t\n",
    "truncated": GOOD_TEXT[:len(GOOD_TEXT) // 2],
    "trailing_garbage": GOOD_TEXT + "}",
    "bare_nan": replace_once('"lost": 0.0', '"lost": NaN'),
    "bare_infinity": replace_once('"lost": 0.0', '"lost": Infinity'),
    "bare_minus_infinity": replace_once('"lost": 0.0', '"lost": -Infinity'),
    "float_too_large": replace_once('"iterations": 100000',
                                    '"iterations": 1e999'),
    "int_too_large_for_float": replace_once('"lost": 0.0',
                                            '"lost": 1' + "0" * 400),
    "int_5000_digits": replace_once('"lost": 0.0', '"lost": ' + "9" * 5000),
    "not_utf8": replace_once(FIRST, FIRST + "\udcff").encode(
        "utf-8", "surrogateescape"),
    "utf8_bom": "\ufeff" + GOOD_TEXT,
    "lone_surrogate": replace_once(FIRST, FIRST + "\\ud800"),
    "deep_nesting_top": nested(200000),
    "deep_nesting_context": set_ctx("extra", "@").replace(
        '"@"', nested(100000)),
    "nesting_40_levels": set_ctx("extra", "@").replace('"@"', nested(40)),
    "top_level_list": "[1, 2, 3]\n",
    "top_level_null": "null\n",
    "top_level_string": '"results"\n',
    "no_context": edited(lambda d: d.pop("context")),
    "no_benchmarks": edited(lambda d: d.pop("benchmarks")),
    "context_is_list": edited(lambda d: d.__setitem__("context", [])),
    "benchmarks_is_object": edited(
        lambda d: d.__setitem__("benchmarks", {"a": 1})),
    "benchmarks_empty": edited(lambda d: d.__setitem__("benchmarks", [])),
    "row_is_list": edited(lambda d: d["benchmarks"].__setitem__(0, [1])),
    "row_is_null": edited(lambda d: d["benchmarks"].__setitem__(0, None)),
    "name_is_number": set_row("name", 7),
    "run_name_is_list": set_row("run_name", ["a"]),
    "run_type_missing": del_row("run_type"),
    "run_type_unknown": set_row("run_type", "warmup"),
    "real_time_string": set_row("real_time", "30.5"),
    "real_time_null": set_row("real_time", None),
    "real_time_missing": del_row("real_time"),
    "real_time_zero": set_row("real_time", 0),
    "real_time_negative": set_row("real_time", -30.5),
    "cpu_time_negative": set_row("cpu_time", -1.0),
    "cpu_time_bool": set_row("cpu_time", True),
    "time_unit_unknown": set_row("time_unit", "parsec"),
    "time_unit_missing": del_row("time_unit"),
    "iterations_zero": set_row("iterations", 0),
    "iterations_fraction": set_row("iterations", 1.5),
    "iterations_string": set_row("iterations", "100"),
    "repetition_missing": edited(lambda d: d["benchmarks"].pop(1)),
    "repetition_twice": set_row("repetition_index", 0, i=1),
    "repetition_index_too_big": set_row("repetition_index", 9),
    "repetitions_disagree": set_row("repetitions", 8, i=1),
    "figure_string": set_row("stack_bytes", "512"),
    "figure_negative": set_row("stack_bytes", -8),
    "correct_above_one": set_row("correct", 1.5),
    "latency_negative": set_row("p50_ns", -3.0),
    "counter_string": set_row("events", "100000"),
    "counter_list": set_row("events", [1]),
    "counter_object": set_row("events", {"v": 1}),
    "counter_null": set_row("lost", None),
    "counter_bool": set_row("lost", False),
    "counter_in_some_repetitions": set_row("p99_ns", 5.0),
    "error_occurred": edited(lambda d: row(d).update(
        error_occurred=True, error_message="boom")),
    "repeated_key_in_row": replace_once('"cpu_time": ',
                                        '"cpu_time": 1, "cpu_time": '),
    "repeated_key_in_context": replace_once('"host_name": ',
                                            '"host_name": "x", "host_name": '),
    "aggregate_negative": set_row("real_time", -1.0, i=aggregate_index()),
    "aggregate_name_missing": del_row("aggregate_name", i=aggregate_index()),
    "aggregates_only": edited(lambda d: d.__setitem__("benchmarks", [
        r for r in d["benchmarks"] if r["run_type"] == "aggregate"])),
    "context_date_number": set_ctx("date", 20260101),
    "context_commit_list": set_ctx("git_commit", ["abc"]),
    "context_num_cpus_string": set_ctx("num_cpus", "2"),
    "context_caches_strings": set_ctx("caches", ["L1"]),
    "context_load_avg_null": set_ctx("load_avg", [None]),
    "context_latency_timer_number": set_ctx("latency_timer", 5),
    "context_placement_object": set_ctx("placement_x", {"a": 1}),
    # a hostile name plus a real fault: the message stays one line
    "newline_name_and_bad_time": edited(lambda d: [
        r.update(name="a\nb<script>`|", run_name="a\nb<script>`|")
        for r in d["benchmarks"][:9]] and row(d).update(real_time="x")),
}
# Read-time checks added for issue 29: they live in load_doc alone, so they
# go to the scripts that issue names (compare, export, history, report)
# and check-stability, not to every one.
ISSUE29 = {
    # values that overflowed or crashed a script
    "time_1e300_s": edited(lambda d: row(d).update(real_time=1e300,
                                                   time_unit="s")),
    "time_1e10_s": edited(lambda d: row(d).update(real_time=1e10,
                                                  time_unit="s")),
    "time_tiny": set_row("real_time", 5e-324),
    "counter_1_7e308": set_entry(stack_bytes=1.7e308),
    "counter_2_pow_60": set_entry(heap_bytes=2.0 ** 60),
    "counter_tiny": set_entry(events=1e-300),
    "date_year_10000": set_ctx("date", "9999-12-31T23:59:59-14:00"),
    "date_year_1": set_ctx("date", "0001-01-01T00:00:00+14:00"),
    "date_garbage": set_ctx("date", "yesterday"),
    "go_rate_superscript": set_ctx("go_rate_malloc_bytes", "\u00b2"),
    "go_rate_5000_digits": set_ctx("go_rate_malloc_bytes", "9" * 5000),
    "go_rate_arabic_digits": set_ctx("go_rate_block_ns",
                                     "\u0661\u0660\u0660"),
    "go_rate_zero": set_ctx("go_rate_block_cycles", "0"),
    # names outside pcbench's grammar (results.names)
    "name_depth_3_2": renamed(FIRST.replace("depth:32", "depth:3_2")),
    "name_arabic_digits": renamed(FIRST.replace("depth:32",
                                                "depth:\u0663\u0662")),
    "name_plus_sign": renamed(FIRST.replace("frames:16", "frames:+16")),
    "name_leading_zero": renamed(FIRST.replace("depth:32", "depth:032")),
    "name_upper_case": renamed(FIRST.replace("malloc", "Malloc")),
    "name_key_twice": renamed(FIRST + "/depth:64"),
    "name_two_flags": renamed(FIRST + "/faults/again"),
    "name_escape": renamed(FIRST.replace("stack", "st\x1b[2Jack")),
    "name_duplicate_real_time": renamed(FIRST + "/real_time", keep=True),
    "name_empty": renamed(""),
    "name_slashes": renamed("////"),
    "name_gb_part_first": renamed("real_time/" + FIRST),
    "name_too_long": renamed("malloc/" + "s" * 160 + "/depth:32"),
    "name_not_run_name": edited(lambda d: row(d).update(name="other")),
    # figures that contradict themselves or each other
    "paired_lo_above_hi": set_entry(thread_minus_stack_ns=1.0,
                                    thread_minus_stack_ns_lo=6.0114,
                                    thread_minus_stack_ns_hi=-3.9976),
    "paired_median_outside": set_entry(thread_over_stack=1.5,
                                       thread_over_stack_lo=0.99,
                                       thread_over_stack_hi=1.01),
    "ratio_negative": set_entry(thread_over_off=-7.0),
    "ratio_zero": set_entry(floor_ratio=0.0),
    "counter_negative": set_entry(nested=-1.0),
    "walk_above_time": set_entry(walk_ns=1e6),
    "flags_thread_control": with_storm(FLAGS.replace("thread:guarded",
                                                     "thread:control")),
    "flags_control_guarded": with_storm(
        FLAGS.replace(":control", ":control,guarded")),
    "flags_off_captures": with_storm(FLAGS.replace("off:no_capture",
                                                   "off:")),
    "flags_stack_no_capture": with_storm(FLAGS.replace("stack:",
                                                       "stack:no_capture")),
    "flags_leave_out_thread": with_storm(FLAGS.replace(
        "thread:guarded;", "")),
    "flags_twice": with_storm(FLAGS + ";stack:"),
    "flags_broken": with_storm("off:no_capture;;stack"),
    "counter_name_escape": set_entry(**{"x\x1b[2J_ns": 1.0}),
    "storm_verdict_7": set_entry(storm_verdict=7.0),
    "storm_verdict_fraction": set_entry(storm_verdict=-1.5),
}
CASES.update(ISSUE29)
CASES.update({
    "directory": ("special", "directory"),
    "fifo": ("special", "fifo"),
    "device": ("special", "device"),
    "huge_65MiB": ("special", "huge"),
    "no_such_file": ("special", "missing"),
})


def place(case, path):
    """Make the bad input `case` exist at path."""
    what = CASES[case]
    if isinstance(what, tuple):
        kind = what[1]
        if kind == "directory":
            os.mkdir(path)
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "device":
            os.symlink("/dev/zero", path)
        elif kind == "huge":
            with open(path, "wb") as f:
                f.truncate(65 * 2 ** 20)
        return
    with open(path, "wb") as f:
        f.write(what.encode("utf-8") if isinstance(what, str) else what)


def snapshot(folders):
    """{path: bytes or None (a folder, FIFO, link)} of everything below."""
    out = {}
    for top in folders:
        for d, dirs, files in os.walk(top):
            for n in dirs + files:
                p = os.path.join(d, n)
                if os.path.isfile(p) and not os.path.islink(p) and \
                        os.path.getsize(p) < 2 ** 20:
                    with open(p, "rb") as f:
                        out[p] = f.read()
                else:
                    out[p] = None
    return out


FAKE_PCBENCH = """#!/bin/sh
# Stands in for pcbench: writes $PCB_FAKE_RESULTS as the pass's results.
for a; do
  case $a in --out=*) cp "$PCB_FAKE_RESULTS" "${a#--out=}" || exit 1;; esac
done
exit 0
"""


class HostileInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pcb-hostile-")
        cls.good = os.path.join(cls.tmp, "good.json")
        with open(cls.good, "w") as f:
            f.write(GOOD_TEXT)
        cls.fake = os.path.join(cls.tmp, "pcbench")
        with open(cls.fake, "w") as f:
            f.write(FAKE_PCBENCH)
        os.chmod(cls.fake, 0o755)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def job(self, script, case):
        """One script on one case: (label, problems)."""
        work = tempfile.mkdtemp(dir=self.tmp, prefix=f"{script}-{case}-")
        ind, out = os.path.join(work, "in"), os.path.join(work, "out")
        os.mkdir(ind)
        os.mkdir(out)
        bad = os.path.join(ind, "bad.json")
        env = dict(os.environ)
        prev = os.path.join(out, "previous")
        with open(prev, "w") as f:
            f.write("previous output, must survive\n")
        if script == "compare":
            place(case, bad)
            cmd = ["compare", "--markdown", prev, self.good, bad]
        elif script == "export":
            place(case, bad)
            cmd = ["export", bad, "--out", prev]
        elif script == "history-add":
            place(case, bad)
            shutil.copy(self.good, os.path.join(out, "20260101-good.json"))
            cmd = ["history", "add", "--dir", out, bad]
        elif script == "history-plot":
            shutil.copy(self.good, os.path.join(ind, "good.json"))
            place(case, bad)
            with open(os.path.join(out, "index.html"), "w") as f:
                f.write("<p>previous graphs</p>\n")
            cmd = ["history", "plot", "--dir", ind, "--out", out,
                   "--jobs", "1"]
        elif script == "report":
            place(case, bad)
            for n in ("report.html", "report.md"):
                with open(os.path.join(out, n), "w") as f:
                    f.write(f"previous {n}\n")
            cmd = ["report", bad, "--out-dir", out]
        elif script == "check-stability":
            place(case, bad)
            cmd = ["check-stability", "--from", self.good, bad, "--json",
                   prev]
        else:  # bench-ci: the stand-in pcbench copies the bad file
            place(case, bad)
            env["PCB_FAKE_RESULTS"] = bad
            cmd = ["bench-ci", "--bin", self.fake, "--no-timed", "--out",
                   prev]
        before = snapshot([ind, out])
        p = subprocess.run([os.path.join(SCRIPTS, cmd[0])] + cmd[1:],
                           capture_output=True, text=True, env=env,
                           timeout=120, errors="replace")
        after = snapshot([ind, out])
        lines = [ln for ln in p.stderr.splitlines()
                 if not (script == "bench-ci" and
                         ln.startswith(("bench-ci: valgrind ",
                                        f"bench-ci: {self.fake} ")))]
        problems = []
        if p.returncode != 2:
            problems.append(f"exit {p.returncode}")
        if len(lines) != 1:
            problems.append(f"{len(lines)} stderr lines")
        if "Traceback" in p.stderr:
            problems.append("a traceback")
        if p.stdout:
            problems.append("output on stdout")
        if after != before:
            changed = sorted(set(after) ^ set(before) |
                             {k for k in before if after.get(k) != before[k]})
            problems.append(f"files changed: {changed}")
        shutil.rmtree(work)
        return (f"{script} {case}", problems, p.stderr[-300:])

    def test_every_script_refuses_every_case(self):
        self.assertGreaterEqual(len(CASES), 40)
        jobs = [(s, c) for c in CASES for s in
                ("compare", "export", "history-add", "history-plot",
                 "report", "check-stability", "bench-ci")
                if not (s == "bench-ci" and isinstance(CASES[c], tuple))
                and not (s == "history-plot" and
                         CASES[c] == ("special", "missing"))
                and not (c in ISSUE29 and
                         s in ("history-plot", "bench-ci"))]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda j: self.job(*j), jobs))
        failed = [r for r in results if r[1]]
        for label, problems, err in failed:
            print(f"FAIL {label}: {'; '.join(problems)}\n  stderr: {err!r}",
                  file=sys.stderr)
        self.assertEqual([r[0] for r in failed], [],
                         f"{len(failed)} of {len(results)} runs misbehaved")


# Beside the refused cases, files that differ from them only in the planted
# fault: every script accepts each, so a refusal above is for that fault.
NEAR_MISSES = {
    "storm_with_right_flags": with_storm(FLAGS),
    "control_that_refused_nothing": with_storm(
        FLAGS.replace("thread:guarded", "thread:control"), nested_lost=0.0),
    "paired_interval": set_entry(thread_minus_stack_ns=1.0,
                                 thread_minus_stack_ns_lo=-3.9976,
                                 thread_minus_stack_ns_hi=6.0114,
                                 thread_over_stack=1.0, thread_over_stack_lo=
                                 0.99, thread_over_stack_hi=1.01),
    "walk_below_time": set_entry(walk_ns=20.0),
    "date_minus_14": set_ctx("date", "2026-12-31T23:59:59-14:00"),
    "go_rate_digits": set_ctx("go_rate_malloc_bytes", "524288"),
    "time_in_s": edited(lambda d: row(d).update(
        real_time=row(d)["real_time"] * 1e-9, time_unit="s")),
    "name_with_gb_parts": renamed(FIRST + "/iterations:5/repeats:1/"
                                  "manual_time"),
    "storm_verdict_negative": set_entry(storm_verdict=-4.0),
    # a Student-t interval around a small ratio (paired-runs, few rounds)
    "ratio_interval_below_zero": set_entry(
        thread_over_off=0.5, thread_over_off_lo=-0.25,
        thread_over_off_hi=1.2, thread_over_off_layout_sd=0.0),
}


class NearMisses(unittest.TestCase):
    def test_every_script_accepts_them(self):
        tmp = tempfile.mkdtemp(prefix="pcb-near-")
        try:
            bad = []
            for case, text in NEAR_MISSES.items():
                path = os.path.join(tmp, case + ".json")
                with open(path, "w") as f:
                    f.write(text)
                for cmd in (["export", path], ["compare", path, path],
                            ["history", "add", "--dir",
                             os.path.join(tmp, case), path],
                            ["report", path, "--out-dir", tmp]):
                    p = subprocess.run([os.path.join(SCRIPTS, cmd[0])]
                                       + cmd[1:], capture_output=True,
                                       text=True)
                    if p.returncode != 0:
                        bad.append(f"{cmd[0]} {case}: {p.stderr[-200:]}")
            self.assertEqual(bad, [])
        finally:
            shutil.rmtree(tmp)


# ---- the terminal: nothing from a file reaches it unescaped -----------------

CONTROLS = "\x1b]0;owned\x07\x1b[2J\r\x9b\u202e"


def raw_controls(text):
    """The control characters in text that a terminal would act on."""
    return sorted({c for c in text if (ord(c) < 0x20 and c != "\n") or
                   0x7f <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e})


class Terminal(unittest.TestCase):
    """Escape sequences, carriage returns and other control characters
    in a results file reach the terminal as visible escapes."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pcb-terminal-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_script(self, *cmd):
        p = subprocess.run([os.path.join(SCRIPTS, cmd[0]), *cmd[1:]],
                           capture_output=True, text=True)
        self.assertEqual(raw_controls(p.stdout + p.stderr), [],
                         (p.stdout + p.stderr)[-400:])
        return p

    def test_compare_allow_missing(self):
        base = os.path.join(self.tmp, "base.json")
        bad = os.path.join(self.tmp, "bad.json")
        with open(base, "w") as f:
            f.write(GOOD_TEXT)
        with open(bad, "w") as f:
            f.write(renamed(FIRST.replace("stack", "st" + CONTROLS + "ack")))
        p = self.run_script("compare", "--allow-missing", base, bad)
        self.assertEqual(p.returncode, 2, p.stderr)  # outside the grammar
        self.assertIn("\\x1b", p.stderr)

    def test_history_plot_prints_context(self):
        hist = os.path.join(self.tmp, "hist")
        os.mkdir(hist)
        for name, doc in make_fixtures.variants().items():
            if name.startswith("hist/"):
                doc["context"]["git_commit"] += CONTROLS
                with open(os.path.join(self.tmp, name), "w") as f:
                    json.dump(doc, f)
        p = self.run_script("history", "plot", "--dir", hist, "--out",
                            os.path.join(self.tmp, "out"), "--jobs", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("\\x1b]0;owned\\x07", p.stdout)  # shown, escaped

    def test_escape_controls(self):
        sys.path.insert(0, SCRIPTS)
        from pcbtools.results import io as pcblib_io
        self.assertEqual(pcblib_io.escape_controls("a\x1b[1mb\rc\td\n"
                                                   "\x7f\x9b\u202e\u00e9"),
                         "a\\x1b[1mb\\rc\\td\n\\x7f\\x9b\\u202e\u00e9")


# ---- output paths: the rules of pcbench's --out, for every script ----------

# what stands where a script writes a file (see OutputPaths.make)
BAD_OUTPUTS = ("char_device", "fifo", "symlink_to_stdout", "symlink_to_file",
               "directory", "name_too_long", "path_too_long",
               "no_such_folder", "empty_name", "trailing_slash")
# hist_name() of GOOD: its context's date and commit
GOOD_HIST_NAME = "20260101T000000Z-base0.json"


class OutputPaths(unittest.TestCase):
    """Every path a script writes, given each thing pcbench's --out refuses
    (a character device, a FIFO, symbolic links, a directory, names and
    paths too long, a missing folder): exit 2, one line, and what stood
    there is as it was, with nothing added beside it."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pcb-outputs-")
        cls.good = os.path.join(cls.tmp, "good.json")
        with open(cls.good, "w") as f:
            f.write(GOOD_TEXT)
        cls.hist = os.path.join(cls.tmp, "hist")
        os.mkdir(cls.hist)
        shutil.copy(cls.good, os.path.join(cls.hist, "a.json"))
        cls.fake = os.path.join(cls.tmp, "pcbench")
        with open(cls.fake, "w") as f:
            f.write(FAKE_PCBENCH)
        os.chmod(cls.fake, 0o755)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def make(self, folder, name, kind):
        """Put the bad kind at folder/name; returns the path to give."""
        path = os.path.join(folder, name)
        if kind == "char_device":
            try:
                os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
            except PermissionError:  # not root: /dev/null itself, read-only
                return "/dev/null"
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "symlink_to_stdout":
            os.symlink("/proc/self/fd/1", path)
        elif kind == "symlink_to_file":
            with open(os.path.join(folder, "target"), "w") as f:
                f.write("the link's target, must survive\n")
            os.symlink("target", path)
        elif kind == "directory":
            os.mkdir(path)
        elif kind == "name_too_long":
            path = os.path.join(folder, "n" * 300)
        elif kind == "path_too_long":
            path = os.path.join(folder, *["d" * 200] * 21, name)
        elif kind == "no_such_folder":
            path = os.path.join(folder, "missing", name)
        elif kind == "empty_name":
            path = ""
        elif kind == "trailing_slash":
            path = folder + "/"
        return path

    def command(self, script, out, kind):
        """(argv, folder to watch) for one script writing one bad path."""
        name = {"history-add": GOOD_HIST_NAME, "report-html": "report.html",
                "report-md": "report.md", "report-plots": "report-plots",
                "history-plot": "index.html"}.get(script, "out")
        path = self.make(out, name, kind)
        if script == "export":
            return ["export", self.good, "--out", path]
        if script == "compare":
            return ["compare", self.good, self.good, "--markdown", path]
        if script in ("alternate-json", "alternate-markdown"):
            return ["compare", "--alternate", self.fake, self.fake,
                    "--" + script.split("-")[1], path]
        if script == "check-stability":
            return ["check-stability", "--from", self.good, self.good,
                    "--json", path]
        if script in ("paired-runs-out", "paired-runs-into"):
            return ["paired-runs", "--bin", self.fake,
                    "--" + script.split("-")[2], path]
        if script == "bench-ci":
            return ["bench-ci", "--bin", self.fake, "--no-timed", "--out",
                    path]
        if script == "history-add":
            return ["history", "add", "--dir", os.path.dirname(path) or path,
                    self.good]
        if script == "history-plot":
            return ["history", "plot", "--dir", self.hist, "--out",
                    os.path.dirname(path) or path, "--jobs", "1"]
        return ["report", self.good, "--out-dir",
                os.path.dirname(path) or path]

    def job(self, script, kind):
        work = tempfile.mkdtemp(dir=self.tmp, prefix=f"{script}-{kind}-")
        out = os.path.join(work, "out")
        os.mkdir(out)
        with open(os.path.join(out, "previous"), "w") as f:
            f.write("previous output, must survive\n")
        cmd = self.command(script, out, kind)
        before = snapshot([work])
        modes = {p: os.lstat(p).st_mode for p in before}
        links = {p: os.readlink(p) for p in before if os.path.islink(p)}
        try:
            p = subprocess.run([os.path.join(SCRIPTS, cmd[0])] + cmd[1:],
                               capture_output=True, text=True, timeout=60,
                               errors="replace", stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            shutil.rmtree(work)
            return (f"{script} {kind}", ["hung (over 60 s)"], "")
        after = snapshot([work])
        problems = []
        if p.returncode != 2:
            problems.append(f"exit {p.returncode}")
        lines = [ln for ln in p.stderr.splitlines()
                 if not ln.startswith("bench-ci: ")
                 or "valgrind" not in ln]
        if len(lines) != 1:
            problems.append(f"{len(lines)} stderr lines")
        if "Traceback" in p.stderr:
            problems.append("a traceback")
        if after != before or any(os.lstat(q).st_mode != m
                                  for q, m in modes.items()) or \
                any(os.readlink(q) != t for q, t in links.items()):
            changed = sorted(set(after) ^ set(before) |
                             {k for k in before if after.get(k) != before[k]}
                             | {q for q, m in modes.items()
                                if os.lstat(q).st_mode != m})
            problems.append(f"{len(changed)} changed: "
                            f"{[c[-60:] for c in changed[:3]]}")
        shutil.rmtree(work)
        return (f"{script} {kind}", problems, p.stderr[-300:])

    def test_every_writer_refuses_every_bad_path(self):
        scripts = ("export", "compare", "alternate-json",
                   "alternate-markdown", "check-stability", "bench-ci",
                   "paired-runs-out", "paired-runs-into",
                   "history-add", "history-plot", "report-html",
                   "report-md", "report-plots")
        # history and report write into a folder, under names of their
        # own: the bad kinds stand at those names, or are the folder itself
        # (too long; missing, which history creates and report refuses)
        skip = {("history", "empty_name"), ("history", "trailing_slash"),
                ("history", "name_too_long"), ("history", "no_such_folder"),
                ("report", "empty_name"), ("report", "trailing_slash"),
                ("report", "name_too_long"), ("report-plots", "directory")}
        jobs = [(s, k) for s in scripts for k in BAD_OUTPUTS
                if (s.split("-")[0], k) not in skip and (s, k) not in skip]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda j: self.job(*j), jobs))
        failed = [r for r in results if r[1]]
        for label, problems, err in failed:
            print(f"FAIL {label}: {'; '.join(problems)}\n  stderr: {err!r}",
                  file=sys.stderr)
        self.assertEqual([r[0] for r in failed], [],
                         f"{len(failed)} of {len(results)} runs misbehaved")


HOSTILE = "<img src=x onerror=alert(1)>`|[link](javascript:alert(1))\n*em*"


class Escaping(unittest.TestCase):
    """report.md and compare --markdown show what they copy from results
    (context strings; entry names, which the grammar keeps to words and
    numbers, but whose underscores could open emphasis) as text, as
    report.html does."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pcb-escape-")
        doc = copy.deepcopy(GOOD)
        doc["context"]["host_name"] = HOSTILE
        doc["context"]["git_commit"] = HOSTILE
        self.path = os.path.join(self.tmp, "r.json")
        with open(self.path, "w") as f:
            json.dump(doc, f)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def check_markdown(self, text):
        for markup in (r"<img", r"<b>", r"\]\(javascript", r"\]\(#top",
                       r"\*em", r"`\|\["):
            self.assertIsNone(re.search(r"(?<!\\)" + markup, text), markup)
        self.assertNotIn("\n*em*", text)  # a newline stays \\n
        for ln in text.splitlines():  # no copied pipe splits a table row
            if ln.startswith("|") and not ln.startswith("|-"):
                cells = [c for c in ln.replace("\\|", "").split("|")]
                self.assertEqual(len(cells), self.columns(text, ln), ln)

    def columns(self, text, line):
        """Cells (plus the two ends) of the header of line's table."""
        lines = text.splitlines()
        i = lines.index(line)
        while i > 0 and lines[i - 1].startswith("|"):
            i -= 1
        return len(lines[i].replace("\\|", "").split("|"))

    def test_compare_markdown(self):
        md = os.path.join(self.tmp, "c.md")
        p = subprocess.run([os.path.join(SCRIPTS, "compare"), "--markdown",
                            md, self.path, self.path],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(md) as f:
            text = f.read()
        self.check_markdown(text)
        self.assertIn("\\<img src=x onerror=alert(1)\\>", text)

    def test_report_markdown_and_html(self):
        p = subprocess.run([os.path.join(SCRIPTS, "report"), self.path,
                            "--out-dir", self.tmp],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.tmp, "report.md")) as f:
            md = f.read()
        self.check_markdown(md)
        self.assertIn("\\<img src=x onerror=alert(1)\\>", md)  # context
        with open(os.path.join(self.tmp, "report.html")) as f:
            page = f.read()
        self.assertNotIn("<img src=x", page)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;`|[link]", page)


if __name__ == "__main__":
    unittest.main(verbosity=2)
