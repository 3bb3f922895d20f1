#!/usr/bin/python3
"""Tests scripts/compare, scripts/history and scripts/export end to end.

Fixtures come from make_fixtures.py, written afresh into a temporary folder:
one base run and variants that each plant one change (20% and 3%
slowdowns, a 20% speed-up, stack_bytes + 8, correct 0.99, more headroom,
3 repetitions, a missing benchmark), malformed files (truncated, bare NaN,
not an object, aggregates only) and five history runs with a time step at
run 3 and a stack_bytes step at run 2.  The scripts run as programs
(through their #!/usr/bin/python3 line), and their exit status, stderr
and output files are checked.  Run by CTest (test "scripts").
"""
import html.parser
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.realpath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts")
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, SCRIPTS)
import make_fixtures  # noqa: E402
from pcbtools import pcblib  # noqa: E402
from pcbtools import stats  # noqa: E402
from pcbtools.results import read as pcblib_read  # noqa: E402

BAD = ["truncated.json", "nan.json", "notobject.json",
       "aggregates_only.json", "does-not-exist.json"]


def reject(token):
    raise ValueError(f"bare {token} in output")


def run(script, *args):
    return subprocess.run([os.path.join(SCRIPTS, script), *args],
                          capture_output=True, text=True, timeout=600)


class Fixtures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pcb-scripts-")
        make_fixtures.main(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def fx(self, name):
        return os.path.join(self.tmp, name)

    def out_dir(self):
        d = tempfile.mkdtemp(dir=self.tmp, prefix="out-")
        self.addCleanup(shutil.rmtree, d)
        return d

    def assertBadInput(self, proc, folder):
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertTrue(lines[0].strip())
        self.assertEqual(os.listdir(folder), [], "bad input wrote files")

    def compare(self, contender, *opts, base="base.json"):
        return run("compare", *opts, self.fx(base), self.fx(contender))


class CompareTest(Fixtures):
    def verdicts(self, proc):
        rows = [ln.split() for ln in proc.stdout.splitlines()[1:]]
        return {(r[0], r[1]): " ".join(r[6:]) for r in rows if len(r) >= 7}

    def test_identical_runs_pass(self):
        p = self.compare("base.json")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("0 regression(s)", p.stdout)

    def test_noise_within_spread_passes(self):
        self.assertEqual(self.compare("noise.json").returncode, 0)

    def test_median_move_within_wide_spread_passes(self):
        p = self.compare("wide_b.json", base="wide_a.json")
        self.assertEqual(p.returncode, 0, p.stdout)
        row = [ln.split() for ln in p.stdout.splitlines()
               if ln.startswith(make_fixtures.SLOW + " ")][0]
        self.assertGreater(float(row[4].rstrip("%")), 5.0)

    def test_significant_but_small_shift_passes(self):
        p = self.compare("slow3.json")
        self.assertEqual(p.returncode, 0, p.stdout)

    def test_20pct_slowdown_with_9_repetitions_fails(self):
        p = self.compare("slow20.json")
        self.assertEqual(p.returncode, 1, p.stdout)
        v = self.verdicts(p)
        self.assertEqual(v[(make_fixtures.SLOW, "time")], "regression")
        self.assertEqual([k for k, x in v.items() if x == "regression"],
                         [(make_fixtures.SLOW, "time")])

    def test_20pct_speedup_is_an_improvement(self):
        p = self.compare("fast20.json")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertEqual(self.verdicts(p)[(make_fixtures.SLOW, "time")],
                         "improvement")

    def test_stack_bytes_plus_8_fails(self):
        p = self.compare("stack8.json")
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertEqual(
            self.verdicts(p)[(make_fixtures.STACKY, "stack_bytes")],
            "regression")

    def test_threshold_tolerates_stack_bytes_plus_8(self):
        p = self.compare("stack8.json", "--threshold", "stack_bytes=5%")
        self.assertEqual(p.returncode, 0, p.stdout)

    def test_stack_bytes_minus_8_is_an_improvement(self):
        p = self.compare("base.json", base="stack8.json")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("1 improvement(s)", p.stdout)

    def test_heap_alloc_bytes_tolerates_rounding_only(self):
        self.assertEqual(self.compare("alloc16.json").returncode, 0)
        self.assertEqual(self.compare("alloc5pct.json").returncode, 1)

    def test_lower_correct_fails(self):
        self.assertEqual(self.compare("correct99.json").returncode, 1)

    def test_more_headroom_passes_less_fails(self):
        self.assertEqual(self.compare("headroom_up.json").returncode, 0)
        p = self.compare("base.json", base="headroom_up.json")
        self.assertEqual(p.returncode, 1, p.stdout)

    def test_few_repetitions_warn_and_never_fail(self):
        p = self.compare("few_slow20.json", base="few_base.json")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertEqual(len([ln for ln in p.stdout.splitlines()
                              if ln.startswith("warning:")]), 1)
        self.assertEqual(self.verdicts(p)[(make_fixtures.SLOW, "time")],
                         "insufficient repetitions")

    def test_few_repetitions_strict_gates_on_medians(self):
        p = self.compare("few_slow20.json", "--strict", base="few_base.json")
        self.assertEqual(p.returncode, 1, p.stdout)

    def test_allow_missing_lists_instead_of_refusing(self):
        p = self.compare("missing.json", "--allow-missing")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("only in baseline", p.stdout)

    def test_markdown_summary(self):
        d = self.out_dir()
        md = os.path.join(d, "summary.md")
        p = self.compare("slow20.json", "--markdown", md)
        self.assertEqual(p.returncode, 1)
        with open(md) as f:
            text = f.read()
        self.assertIn("### Regressions", text)
        # columns aligned: a cell is padded to its column's width
        self.assertRegex(text, rf"\| {re.escape(make_fixtures.SLOW)} +"
                               r"\| time +\|")
        self.assertEqual(os.listdir(d), ["summary.md"])

    def test_bad_input_exits_2_with_one_line_and_no_output(self):
        cases = [(self.fx(b), []) for b in BAD]
        cases += [(self.fx("missing.json"), []),
                  (self.fx("base.json"), ["--threshold", "nosuch=1"]),
                  (self.fx("base.json"), ["--alpha", "1.5"]),
                  (self.fx("base.json"), ["--min-change", "-3%"])]
        for contender, opts in cases:
            with self.subTest(contender=contender, opts=opts):
                d = self.out_dir()
                p = run("compare", *opts, "--markdown",
                        os.path.join(d, "s.md"), self.fx("base.json"),
                        contender)
                self.assertBadInput(p, d)

    def test_help(self):
        p = run("compare", "--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("Mann-Whitney", p.stdout)


class ExportTest(Fixtures):
    def test_export_writes_tracker_json(self):
        d = self.out_dir()
        out = os.path.join(d, "bench.json")
        p = run("export", self.fx("base.json"), "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            items = json.load(f, parse_constant=reject)
        by_name = {i["name"]: i for i in items}
        slow = make_fixtures.SLOW
        for series in ("time", "stack_bytes", "min_fiber_stack",
                       "fiber_2k_used_bytes", "instructions",
                       "incorrect_fraction"):
            self.assertIn(f"{slow} {series}", by_name)
        # the entry's name, without Google Benchmark's /iterations:1/
        # manual_time: a change of timing mode renames no series
        self.assertIn("heap/thread/depth:32/threads:64/profiling:1% "
                      "heap_alloc_bytes", by_name)
        self.assertFalse([n for n in by_name
                          if re.search(r"/(iterations:|repeats:|"
                                       r"manual_time|real_time)", n)])
        for i in items:
            self.assertEqual(set(i), {"name", "unit", "value", "range",
                                      "extra"})
            self.assertIsInstance(i["value"], (int, float))
            self.assertTrue(i["range"].startswith("± "))
        self.assertEqual(by_name[f"{slow} incorrect_fraction"]["value"], 0)
        self.assertEqual(by_name[f"{slow} fiber_2k_used_bytes"]["value"],
                         2048 - 1200)
        self.assertEqual(by_name[f"{slow} stack_bytes"]["unit"], "bytes")
        self.assertAlmostEqual(by_name[f"{slow} time"]["value"], 30, delta=1)
        self.assertEqual(len(items), len(by_name))

    def check_bmf_shape(self, doc):
        """Bencher Metric Format, as Bencher documents it: an object keyed
        by benchmark name (at most 1024 characters), each an object keyed
        by measure slug (at most 64), each {"value": number} with optional
        "lower_value" and "upper_value" numbers; here also finite and
        lower <= value <= upper."""
        self.assertIsInstance(doc, dict)
        self.assertTrue(doc)
        for bench, measures in doc.items():
            self.assertIsInstance(bench, str)
            self.assertTrue(0 < len(bench) <= 1024, bench)
            self.assertIsInstance(measures, dict)
            self.assertTrue(measures, bench)
            for slug, m in measures.items():
                self.assertRegex(slug, r"^[a-z0-9][a-z0-9-]{0,63}$")
                self.assertIsInstance(m, dict)
                self.assertIn("value", m)
                self.assertLessEqual(set(m), {"value", "lower_value",
                                              "upper_value"})
                for v in m.values():
                    self.assertIsInstance(v, (int, float))
                    self.assertNotIsInstance(v, bool)
                    self.assertTrue(math.isfinite(v), (bench, slug, m))
                self.assertLessEqual(m.get("lower_value", m["value"]),
                                     m["value"], (bench, slug))
                self.assertLessEqual(m["value"],
                                     m.get("upper_value", m["value"]),
                                     (bench, slug))

    def test_export_bmf(self):
        d = self.out_dir()
        out = os.path.join(d, "bmf.json")
        p = run("export", self.fx("base.json"), "--format=bmf", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            doc = json.load(f, parse_constant=reject)
        self.check_bmf_shape(doc)
        self.assertEqual(set(doc), {re.sub(r"/(iterations:1|real_time|"
                                           r"manual_time)", "", b[0])
                                    for b in make_fixtures.BENCHES})
        slow = doc[make_fixtures.SLOW]
        self.assertEqual(set(slow), {"latency", "stack-bytes",
                                     "min-fiber-stack", "headroom-bytes",
                                     "instructions", "incorrect-fraction"})
        self.assertAlmostEqual(slow["latency"]["value"], 30, delta=1)
        self.assertLess(slow["latency"]["lower_value"],
                        slow["latency"]["upper_value"])  # the IQR
        self.assertEqual(slow["stack-bytes"],
                         {"value": 512, "lower_value": 512,
                          "upper_value": 512})
        self.assertEqual(slow["headroom-bytes"]["value"], 1200)
        self.assertEqual(slow["incorrect-fraction"]["value"], 0)
        heap = doc["heap/thread/depth:32/threads:64/profiling:1%"]
        self.assertEqual(heap["heap-bytes"]["value"], 16384)

    def test_export_bmf_paired_interval_and_cycles(self):
        doc = make_fixtures.results(1)
        for r in doc["benchmarks"]:
            r.update(time_lower_ns=29.0, time_upper_ns=31.5,
                     estimated_cycles=1234.0)
        d = self.out_dir()
        src = os.path.join(d, "paired.json")
        with open(src, "w") as f:
            json.dump(doc, f)
        p = run("export", src, "--format=bmf")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout, parse_constant=reject)
        self.check_bmf_shape(out)
        lat = out[make_fixtures.SLOW]["latency"]
        self.assertEqual((lat["lower_value"], lat["upper_value"]),
                         (29, 31.5))
        self.assertEqual(out[make_fixtures.SLOW]["estimated-cycles"]["value"],
                         1234)

    def test_export_paired_intervals(self):
        """A paired entry's ratios and differences reach both formats with
        their 95% interval across layouts, under names without Google
        Benchmark's suffixes; the spreads and within-process intervals do
        not."""
        doc = make_fixtures.results(1, reps=1)
        paired = {"thread_over_stack": 1.01, "thread_over_stack_lo": 0.99,
                  "thread_over_stack_hi": 1.04,
                  "thread_over_stack_layout_sd": 0.01,
                  "thread_over_stack_rounds": 1.0,
                  "thread_over_stack_rounds_lo": 0.98,
                  "thread_over_stack_rounds_hi": 1.02,
                  "thread_minus_stack_ns": 0.5,
                  "thread_minus_stack_ns_lo": -0.25,
                  "thread_minus_stack_ns_hi": 1.25}
        row = dict(doc["benchmarks"][0], **paired)
        row.update(name="paired/malloc/depth:32/frames:16/iterations:20/"
                   "repeats:1/manual_time", family_index=9)
        row["run_name"] = row["name"]
        doc["benchmarks"].append(row)
        d = self.out_dir()
        src = os.path.join(d, "paired.json")
        with open(src, "w") as f:
            json.dump(doc, f)
        entry = "paired/malloc/depth:32/frames:16"
        p = run("export", src, "--format=bmf")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout, parse_constant=reject)
        self.check_bmf_shape(out)
        self.assertEqual(out[entry]["thread-over-stack"],
                         {"value": 1.01, "lower_value": 0.99,
                          "upper_value": 1.04})
        self.assertEqual(out[entry]["thread-minus-stack-ns"],
                         {"value": 0.5, "lower_value": -0.25,
                          "upper_value": 1.25})
        self.assertFalse([m for m in out[entry] if "rounds" in m or
                          m.endswith(("-sd", "-lo", "-hi"))])
        p = run("export", src)
        self.assertEqual(p.returncode, 0, p.stderr)
        by_name = {i["name"]: i for i in json.loads(p.stdout)}
        ratio = by_name[f"{entry} thread_over_stack"]
        self.assertEqual((ratio["value"], ratio["unit"]), (1.01, "ratio"))
        self.assertIn("0.99 to 1.04", ratio["extra"])
        self.assertEqual(by_name[f"{entry} thread_minus_stack_ns"]["range"],
                         "± 0.75")
        self.assertNotIn(f"{entry} thread_over_stack_rounds", by_name)

    def test_export_to_stdout(self):
        p = run("export", self.fx("noise.json"))
        self.assertEqual(p.returncode, 0)
        self.assertIsInstance(json.loads(p.stdout), list)

    def test_bad_input(self):
        for bad in BAD:
            for fmt in ("custom", "bmf"):
                with self.subTest(bad=bad, fmt=fmt):
                    d = self.out_dir()
                    p = run("export", self.fx(bad), "--format", fmt,
                            "--out", os.path.join(d, "x.json"))
                    self.assertBadInput(p, d)


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = set()

    def handle_starttag(self, tag, attrs):
        self.refs |= {v for k, v in attrs if k in ("href", "src")}


class HistoryTest(Fixtures):
    def add_all(self, hist):
        for i in (3, 0, 4, 1, 2):  # out of order: plot orders by date
            p = run("history", "add", "--dir", hist,
                    self.fx(f"hist/run{i}.json"))
            self.assertEqual(p.returncode, 0, p.stderr)

    def test_add_names_files_by_date_and_commit(self):
        hist = os.path.join(self.out_dir(), "h")
        self.add_all(hist)
        self.assertIn("20260104T120000Z-c3abcdef.json", os.listdir(hist))
        p = run("history", "add", "--dir", hist, self.fx("hist/run3.json"))
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(os.listdir(hist)), 5)

    def test_add_refuses_bad_input(self):
        for bad in BAD:
            with self.subTest(bad=bad):
                hist = self.out_dir()
                self.assertBadInput(
                    run("history", "add", "--dir", hist, self.fx(bad)), hist)

    def test_plot_refuses_bad_history(self):
        hist, out = self.out_dir(), self.out_dir()
        shutil.copy(self.fx("hist/run0.json"), hist)
        shutil.copy(self.fx("nan.json"), hist)
        self.assertBadInput(
            run("history", "plot", "--dir", hist, "--out", out), out)
        os.remove(os.path.join(hist, "nan.json"))
        os.remove(os.path.join(hist, "run0.json"))
        self.assertBadInput(
            run("history", "plot", "--dir", hist, "--out", out), out)

    def test_plot_draws_graphs_index_and_finds_the_planted_steps(self):
        hist = os.path.join(self.out_dir(), "h")
        out = os.path.join(self.out_dir(), "graphs")
        self.add_all(hist)
        p = run("history", "plot", "--dir", hist, "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        files = sorted(os.listdir(out))
        pngs = [f for f in files if f.endswith(".png")]
        svgs = [f for f in files if f.endswith(".svg")]
        self.assertEqual(len(pngs), len(make_fixtures.BENCHES))
        self.assertEqual(len(svgs), len(make_fixtures.BENCHES))
        self.assertEqual(set(files), set(pngs + svgs +
                                         ["index.html", "changes.json"]))
        for f in pngs:
            with open(os.path.join(out, f), "rb") as fh:
                self.assertEqual(fh.read(8), b"\x89PNG\r\n\x1a\n", f)
        for f in svgs:
            root = ET.parse(os.path.join(out, f)).getroot()
            self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
        links = Links()
        with open(os.path.join(out, "index.html")) as f:
            links.feed(f.read())
        self.assertTrue(set(pngs + svgs) <= links.refs)
        self.assertFalse([r for r in links.refs if "://" in r
                          or (not r.startswith("#") and r not in files)])
        self.check_changes(out)

    def check_changes(self, out):
        with open(os.path.join(out, "changes.json")) as f:
            changes = json.load(f)
        found = {(c["benchmark"], c["figure"], c["commit"], c["direction"])
                 for c in changes}
        self.assertEqual(found, {
            (make_fixtures.SLOW, "time", "c3abcdef", "worse"),
            (make_fixtures.STACKY, "stack_bytes", "c2abcdef", "worse")})
        with open(os.path.join(out, "index.html")) as f:
            self.assertIn("Regressions (2)", f.read())


class HistoryIndexTest(unittest.TestCase):
    """index.html takes every name, date and commit as text: a name that
    is markup reaches the page escaped, in every place it appears."""

    def test_markup_in_names_is_escaped(self):
        from pcbtools import history
        import types
        bad = "m/<script>x</script>/a&b\"q"
        runs = [types.SimpleNamespace(context={"date": "<i>d</i>",
                                               "git_commit": "c&1"})]
        change = dict(benchmark=bad, figure="<b>time</b>", date="<d>",
                      commit="<c>", before=1.0, after=2.0, change=1.0,
                      p=0.01, direction="worse")
        page = history.index_html(runs, {bad: {}}, [change],
                                  {bad: "x\"><img src=y"})
        for raw in ("<script>", "<i>", "<b>", "<d>", "<c>", "c&1",
                    "\"><img src=y"):
            self.assertNotIn(raw, page)
        self.assertEqual(page.count("&lt;script&gt;"), 4)


class ChangePointTest(unittest.TestCase):
    def test_flat_noise_has_no_step(self):
        x = [100, 101, 99, 100.5, 99.5, 100, 101, 99]
        self.assertEqual(stats.detect_steps(x), [])

    def test_wide_noise_is_not_a_step(self):
        # split means differ by more than 5%, but not significantly
        x = [100, 135, 92, 128, 104, 88, 131, 97, 120, 90]
        self.assertEqual(stats.detect_steps(x), [])

    def test_one_and_two_steps(self):
        one = [100, 101, 99, 100, 130, 131, 129, 130]
        self.assertEqual([k for k, _ in stats.detect_steps(one)], [4])
        two = one + [160, 161, 159, 160]
        self.assertEqual([k for k, _ in stats.detect_steps(two)], [4, 8])

    def test_step_below_min_change_is_ignored(self):
        x = [100, 100.1, 99.9, 100, 103, 103.1, 102.9, 103]
        self.assertEqual(stats.detect_steps(x, min_change=0.05), [])


class NameTest(unittest.TestCase):
    """The cache part of entry names, as bench/run/points.c builds them."""

    def test_cold_entry_reads_cold(self):
        n = "block/off/depth:128/frames:8/threads:2/place:cross_core/" \
            "cache:cold/real_time"
        self.assertEqual(pcblib.cache_of(n), "cold")
        self.assertEqual(pcblib.parse_name(n).params["place"], "cross_core")
        self.assertEqual(pcblib.entry_name(n), n[:-len("/real_time")])

    def test_warm_and_old_names_read_warm(self):
        self.assertEqual(pcblib.cache_of("malloc/stack/depth:32/frames:16"),
                         "warm")
        self.assertNotIn("cache", pcblib.parse_name(
            "malloc/stack/depth:32/frames:16").params)


class RateNameTest(unittest.TestCase):
    """The rate part of entry names: /rate:N, /rate:go after /cache:cold,
    none at rate 1 (names written before the rate axis read as rate 1)."""

    def test_rates_read_back(self):
        n = "block/off/depth:128/frames:8/threads:2/place:cross_core/" \
            "cache:cold/rate:go/real_time"
        self.assertEqual(pcblib.rate_of(n), "go")
        self.assertEqual(pcblib.cache_of(n), "cold")
        self.assertEqual(pcblib.entry_name(n), n[:-len("/real_time")])
        self.assertEqual(pcblib.rate_of(
            "malloc/stack/depth:32/frames:16/rate:524288"), 524288)
        self.assertEqual(pcblib.rate_of("malloc/stack/depth:32/frames:16"), 1)


class ThreadsKeyTest(unittest.TestCase):
    """The workload's thread count is the counter `workload_threads`; files
    from before it was renamed repeat GB's `threads` key in a row."""

    ROW = ('{"name": "block/off/depth:8/frames:4/threads:2", "threads": 1, '
           '%s}')

    def parse(self, extra):
        return json.loads(self.ROW % extra,
                          object_pairs_hook=pcblib_read._pairs)

    def test_old_duplicate_read_as_workload_threads(self):
        row = self.parse('"threads": 2')
        self.assertEqual((row["threads"], row["workload_threads"]), (1, 2))

    def test_new_row_has_no_duplicate(self):
        row = self.parse('"workload_threads": 2')
        self.assertEqual((row["threads"], row["workload_threads"]), (1, 2))

    def test_duplicate_beside_the_new_counter_is_refused(self):
        with self.assertRaises(pcblib.BadInput):
            self.parse('"workload_threads": 2, "threads": 2')


if __name__ == "__main__":
    unittest.main(verbosity=2)
