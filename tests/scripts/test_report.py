#!/usr/bin/python3
"""Tests scripts/report, the design evaluation report, on fixture results.

Fixtures come from report_fixtures.py (a complete generated run whose
figures follow a known model, and variants that change one figure each)
and from make_fixtures.py (the malformed files).  The report runs as a
program for the full report, the comparison of two files and every bad
input (exit status, stderr, files written); the findings and the fleet
model are also called in-process, where a changed number must change a
sentence.  Run by CTest (test "report").
"""
import base64
import html.parser
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.realpath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts")
REPORT = os.path.join(SCRIPTS, "report")
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, SCRIPTS)
import make_fixtures  # noqa: E402
from pcbtools import pcblib  # noqa: E402
from pcbtools.report import coldwarm as report_coldwarm  # noqa: E402
from pcbtools.report import findings as report_findings  # noqa: E402
import report_fixtures as F  # noqa: E402
from pcbtools.report import fleet as report_fleet  # noqa: E402
from pcbtools.report import model as report_model  # noqa: E402
from pcbtools.report import cli as CLI  # noqa: E402

PLOTS = {"latency-malloc", "latency-block-threads2-placecross_core",
         "distribution-malloc", "distribution-block-threads2-placecross_core",
         "percentiles-malloc", "percentiles-block-threads2-placecross_core",
         "stack-bytes", "heap-threads", "anatomy-malloc",
         "anatomy-block-threads2-placecross_core",
         "paired-cost-malloc", "paired-ratio-malloc",
         "paired-cost-malloc-cachecold", "paired-ratio-malloc-cachecold"}
SECTIONS = ["scorecard", "question", "findings", "machine", "method",
            "latency", "overhead", "anatomy", "stack", "heap", "start",
            "correctness", "fleet", "appendix"]


def run(*args):
    return subprocess.run([REPORT, *args], capture_output=True, text=True,
                          timeout=300)


class Page(html.parser.HTMLParser):
    """Tables (as lists of rows of cell text), images, links, sections."""

    def __init__(self):
        super().__init__()
        self.tables, self.imgs, self.refs, self.ids = [], [], [], []
        self.tags, self.cell = set(), None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.refs += [v for k, v in attrs if k in ("href", "src")]
        if tag == "section":
            self.ids.append(a.get("id"))
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "img":
            self.imgs.append(a)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pcb-report-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def out_dir(self):
        d = tempfile.mkdtemp(dir=self.tmp, prefix="out-")
        self.addCleanup(shutil.rmtree, d)
        return d

    def fixture(self, name, doc):
        return F.write(os.path.join(self.tmp, name), doc)

    def report(self, *args):
        """main() in process: (exit status, report.md text, out dir)."""
        d = self.out_dir()
        with redirect_stdout(io.StringIO()):
            code = CLI.main([*args, "--out-dir", d])
        with open(os.path.join(d, "report.md")) as f:
            return code, f.read(), d

    def findings(self, doc, name="f.json"):
        run_ = report_model.load([self.fixture(name, doc)], [])[0]
        return " ".join(s for _, ss in report_findings.findings(run_)
                        for s in ss)


class GoRatesTest(Base):
    """The finding on Go's default rates: rate:go minus off per operation,
    beside rate 1 cold, from the numbers; missing and one repetition said
    as the other findings say them."""

    GO = "cache:cold/rate:go"

    def test_overhead_from_the_numbers(self):
        text = self.findings(F.full(go=True))
        self.assertIn("`malloc` (cache:cold/rate:go), at Go's default rate "
                      "(MemProfileRate, one sample per 524,288 bytes "
                      "allocated), caches cold between events, depth 128, "
                      "200 frames", text)
        # no paired cold entry: 1900 ns more per event, one event per 8192
        # operations, over off's 10 ns operation
        self.assertIn("what profiling adds per operation is `stack` +0.232 "
                      "ns (+2.3%)", text)
        self.assertIn("one event per 8,192 operations (the record call's "
                      "mean time", text)
        # the entries' own difference is given, never judged
        self.assertIn("The entries' own times over `off` (walks excluded): "
                      "`stack` +10 ns (+100%), `thread` +5 ns (+50%) and "
                      "`lazy` +2.5 ns (+25%) (unpaired:", text)
        self.assertIn("At rate 1, cold, every operation an event (`off` "
                      "100 ns, walks excluded): `stack` +820 ns (+820%)", text)
        self.assertNotIn("real difference by a U test, p", text.split(
            "Go's default rate")[1].split("Heap")[0])

    def test_paired_cold_gives_the_interval(self):
        doc = F.full(go=True)
        fam = 1 + max(r["family_index"] for r in doc["benchmarks"])
        for r in F.paired_cold()["benchmarks"]:
            doc["benchmarks"].append(dict(r, family_index=fam +
                                          r["family_index"]))
        text = self.findings(doc)
        # one event per 8192 operations x stack's paired cold cost over off,
        # 1100 ns [1050, 1150]
        self.assertIn("what profiling adds per operation is `stack` +0.134 "
                      "ns [+0.128 ns, +0.14 ns] (+1.3%)", text)
        self.assertIn("the event's paired cold cost over `off`", text)
        self.assertIn("At rate 1, cold, every operation an event, the "
                      "event's cost over `off` (paired, 95% interval): "
                      "`stack` +1.1 µs [+1.05 µs, +1.15 µs]", text)

    def test_without_walk_figures(self):
        # files without walk_ns: the entries' times, walks included
        text = self.findings(F.full(go=True, drop_counters=("walk_ns",)))
        self.assertIn("over `off` (walks included): `stack` +10 ns (+20%), "
                      "`thread` +5 ns (+10%) and `lazy` +2.5 ns (+5%)", text)

    def test_follows_the_numbers(self):
        text = self.findings(F.full(go=True, go_times=dict(
            F.GO_TIMES, stack=75.0)))
        self.assertIn("`stack` +25 ns (+250%)", text)

    def test_one_repetition_still_no_verdict(self):
        text = self.findings(F.full(go=True, reps=1))
        self.assertIn("`lazy` +2.5 ns (+25%) (unpaired:", text)

    def test_missing(self):
        self.assertNotIn("Go's default rate", self.findings(F.full()))
        no_off = self.findings(F.full(go=True, drop=[
            f"malloc/off/depth:{d}/frames:{f}/{self.GO}"
            for d in F.DEPTHS for f in F.FRAMES]))
        self.assertIn("200 frames: overhead over `off` not measured in this "
                      "run", no_off)
        no_one = self.findings(F.full(go=True, drop=[
            f"malloc/{s}/depth:{d}/frames:{f}/cache:cold"
            for s in F.STRATEGIES for d in F.DEPTHS for f in F.FRAMES]))
        self.assertIn("At rate 1, cold (`malloc` (cache:cold)): not measured "
                      "in this run", no_one)


class FullReportTest(Base):
    """One complete run: every section, table and plot, from the file."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out = os.path.join(cls.tmp, "run")
        os.mkdir(cls.out)
        cls.results = F.write(os.path.join(cls.out, "results.json"),
                              F.add_paired(F.full(), cold=True))
        # a run folder, as results/latest is: the report goes beside it
        cls.proc = run(cls.out)
        with open(os.path.join(cls.out, "report.html")) as f:
            cls.html = f.read()
        with open(os.path.join(cls.out, "report.md")) as f:
            cls.md = f.read()
        cls.page = Page()
        cls.page.feed(cls.html)

    def test_exit_status_and_files(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertEqual(self.proc.stderr, "")
        self.assertEqual(sorted(os.listdir(self.out)),
                         ["report-plots", "report.html", "report.md",
                          "results.json"])

    def test_every_section_in_order(self):
        self.assertEqual(self.page.ids, SECTIONS)

    def test_every_table_filled(self):
        self.assertGreaterEqual(len(self.page.tables), 25)
        for t in self.page.tables:
            self.assertGreater(len(t), 1, t)
            for row in t[1:]:
                self.assertEqual(len(row), len(t[0]), row)
                self.assertNotIn("—", row, t[0])
                self.assertTrue(all(c.strip() for c in row), row)
        for text in ("not measured", "not recorded"):
            at = self.html.find(text)
            self.assertEqual(at, -1, self.html[max(0, at - 200):at + 50])

    def test_every_plot_drawn_and_inline(self):
        names = set(re.findall(r'<figure id="fig-([^"]+)"', self.html))
        self.assertEqual(names, PLOTS)
        self.assertEqual(len(self.page.imgs), len(PLOTS))
        for img in self.page.imgs:
            head, data = img["src"].split(",", 1)
            self.assertEqual(head, "data:image/png;base64")
            w, h = png_size(base64.b64decode(data))
            self.assertGreater(w * h, 100000)
        files = os.listdir(os.path.join(self.out, "report-plots"))
        self.assertEqual(set(files), {p + ".png" for p in PLOTS})
        for p in PLOTS:
            self.assertIn(f"](report-plots/{p}.png)", self.md)

    def test_self_contained(self):
        for ref in self.page.refs:
            self.assertTrue(ref.startswith(("#", "data:image/png")), ref)
        self.assertFalse(self.page.tags & {"script", "link", "iframe"})
        self.assertNotIn("://", self.html.replace("data:image", ""))

    def test_machine_and_method_from_context(self):
        for text in ("fixture-host", "packages=1 cores=2 pus=2",
                     "GNU 12.2.0", "-O2 -fno-omit-frame-pointer",
                     "20.04", "library_build_type: debug",
                     "rdtscp; floor 20.0 ns subtracted",
                     "Repetitions per entry: 1, 3"):
            self.assertIn(text, self.md)
        self.assertIn("1 entry is not read by this report", self.md)

    def test_tables_carry_the_files_numbers(self):
        # stack at depth 128: 200 + 8 * 128 bytes; its 8 KiB fiber; heap
        # of thread at T=1000, depth 128: 1000 * 1024 B
        self.assertRegex(self.md, r"\| stack \| 128 \| 1224 B \| 1224 B \|")
        self.assertRegex(self.md, r"\| stack \| 128 \| 2 KiB \| 8 KiB \|")
        self.assertRegex(self.md, r"\| thread \| 128 \|( [^|]+ \|){4} "
                         r"1000 KiB \| 1000 KiB \|")
        self.assertRegex(self.md, r"\| lazy \| 32 \| 2.5 ns \| 0 B \| "
                         r"160 ns \| 60 ns \| \+100 ns \|")
        self.assertIn("| thread_unguarded | 128 | 200 | 99.0% | 3,500 | 0 | "
                      "140 | 135 | ok: the check caught the negative "
                      "control |", self.md)
        self.assertRegex(self.md, r"\| lazy \| 128 \| with faults \| 300 \| "
                         r"751 \| 149 \| 149 \| 149 \| 0 B \|")

    def test_findings_computed(self):
        for text in (
                "`stack` needs an 8 KiB fiber where `thread` and `lazy` fit "
                "in 4 KiB",
                "`stack` uses 456 B of stack per event at depth 32 and "
                "1224 B at depth 128: +768 B for 96 more PCs, 8 B per PC",
                "`lazy` 10 KiB at 1% and 1000 KiB at 100%",
                "The negative control `thread_unguarded` fell to 99.0%",
                "every guarded strategy kept correct = 100%"):
            self.assertIn(text, self.md)

    def test_stack_parts(self):
        # the unwinder alone beside each event, and each unwinder's own
        for text in (
                "Under `fp`, at depth 128 with 200 frames in `malloc`: the "
                "unwinder by itself takes 40 B (`floor/`), an event with its "
                "buffer off the stack 344 B (`thread`: 304 B of the "
                "workload's and the strategy's frames beside the unwinder) "
                "and with its buffer on the stack 1224 B (`stack`: the "
                "buffer adds 880 B).",
                "Smallest fiber under `fp` at depth 128 with 200 frames in "
                "`malloc`: the chain alone (`off`) 4 KiB, the event with its "
                "buffer off the stack 4 KiB (`thread`) and on the stack "
                "8 KiB (`stack`): the buffer decides",
                "each unwinder takes `fp` 40 B, `backtrace` 1700 B, `libgcc` "
                "1600 B and `libunwind` 3400 B of stack (`unwind/` entries, "
                "16 to 1024 frames); `libunwind` alone takes more than a "
                "fresh 2 KiB stack holds."):
            self.assertIn(text, self.md)
        self.assertRegex(self.md, r"\| unwinder alone \| 128 \| 40 B \| "
                         r"40 B \|")
        self.assertRegex(self.md, r"\| libunwind \| 3400 B \| 3400 B \|")

    def test_fleet_inputs_on_the_page(self):
        for text in ("| OS threads T | 1,000 | --threads |",
                     "| tasks that record events G | 10,000 | --tasks |",
                     "--event-rate 10000",
                     "The heap model reproduces all 60 `heap/` entries "
                     "exactly"):
            self.assertIn(text, self.md)


class FindingsFollowTheNumbers(Base):
    """A changed number in the results changes the sentence about it."""

    def test_fiber_size(self):
        key = ("stack", 128, 200)
        self.assertIn("`stack` needs an 8 KiB fiber",
                      self.findings(F.full()))
        big = self.findings(F.full(counters={key: {
            "min_fiber_stack": 16384.0}}))
        self.assertIn("`stack` needs a 16 KiB fiber where `thread` and "
                      "`lazy` fit in 4 KiB", big)
        same = self.findings(F.full(counters={key: {
            "min_fiber_stack": 4096.0}}))
        self.assertIn("At depth 128 with 200 frames, every strategy runs on "
                      "a 4 KiB fiber", same)

    def test_what_decides_the_fiber(self):
        # an unwinder that needs 8 KiB by itself: the buffer adds nothing
        heap = [(s, d, 200) for s in ("thread", "lazy", "thread_unguarded")
                for d in F.DEPTHS]
        unw = self.findings(F.full(counters={k: {"min_fiber_stack": 8192.0}
                                             for k in heap}))
        self.assertIn("on the stack 8 KiB (`stack`): the unwinder decides: "
                      "it takes the fiber from 4 KiB to 8 KiB, and a buffer "
                      "on the stack adds no doubling", unw)
        both = self.findings(F.full(counters={
            **{k: {"min_fiber_stack": 8192.0} for k in heap},
            ("stack", 128, 200): {"min_fiber_stack": 16384.0}}))
        self.assertIn("both decide: the unwinder takes the fiber from 4 KiB "
                      "to 8 KiB, the buffer on the stack on to 16 KiB", both)
        self.assertIn("at depth 32 with 200 frames in `malloc`: the chain "
                      "alone (`off`) 4 KiB, the event with its buffer off "
                      "the stack 4 KiB (`thread`) and on the stack 4 KiB "
                      "(`stack`): neither", self.findings(F.full()))
        # on a fresh 2 KiB fiber: no headroom is an event that does not fit
        tight = {k: {"headroom_bytes": None} for k in
                 [("stack", d, 200) for d in F.DEPTHS]}
        doc = F.full(counters=tight)
        for r in doc["benchmarks"]:
            if r.get("headroom_bytes", 0) is None:
                del r["headroom_bytes"]
        self.assertIn("completes with its buffer off the stack and not with "
                      "it on: there the buffer decides", self.findings(doc))

    def test_roles_from_flags_not_names(self):
        # the on-stack buffer is whatever the context flags say it is
        doc = F.full()
        for r in doc["benchmarks"]:
            for k in ("name", "run_name"):
                r[k] = r[k].replace("/stack/", "/frame_array/")
        doc["context"]["strategy_flags"] = (
            "off:no_capture;frame_array:stack_buffer;thread:guarded;"
            "lazy:guarded;thread_unguarded:control")
        self.assertIn("on the stack 8 KiB (`frame_array`): the buffer decides",
                      self.findings(doc, "roles.json"))

    def test_stack_growth(self):
        doc = F.full(counters={("stack", 128, f): {"stack_bytes": 2248.0}
                               for f in F.FRAMES})
        self.assertIn("1224 B at depth 128", self.findings(F.full()))
        self.assertIn("2248 B at depth 128: +1792 B for 96 more PCs, "
                      "18.7 B per PC", self.findings(doc))

    def test_fastest_and_slowest(self):
        key = ("thread", 128, 200)
        slow = self.findings(F.full(times={key: 1.5}))
        self.assertIn("fastest, `stack`, and slowest, `thread`, are 174 ns "
                      "apart (+48%): not a comparison", slow)
        fast = self.findings(F.full(times={key: 0.5}))
        self.assertIn("fastest, `thread`,", fast)
        # separate entries are never judged against each other, however
        # far apart and however many repetitions
        many = self.findings(F.full(reps=9, times={key: 1.5}))
        self.assertIn("slowest, `thread`, are", many)
        self.assertNotIn("174 ns apart (+48%): a real", many)

    def test_paired_entries_compare_the_strategies(self):
        doc = F.full(times={("thread", 128, 200): 1.5})
        fam = 1 + max(r["family_index"] for r in doc["benchmarks"])
        for r in F.paired_cold()["benchmarks"]:
            doc["benchmarks"].append(dict(r, family_index=fam +
                                          r["family_index"]))
        text = self.findings(doc)
        self.assertIn("depth 128 with 200 frames, paired over `off` (95% "
                      "interval): `stack` costs +540 ns [+535 ns, +545 ns]",
                      text)
        self.assertIn("paired, `thread` − `stack` +0.6 ns [−0.2 ns, +1.4 ns]"
                      " and `lazy` − `stack` +0.25 ns [−0.55 ns, +1.05 ns] "
                      "per operation (95% interval): no difference", text)

    def test_capture_below_off_is_called_noise(self):
        text = self.findings(F.full())
        self.assertIn("separate entries (unpaired, so no difference is "
                      "claimed): over `off`", text)
        self.assertIn("(below `off`: `stack`, `thread` and `lazy`, noise "
                      "between separate entries", text)

    def test_separate_entries_get_no_verdict(self):
        # nine repetitions 50% apart: still separate entries, no verdict
        text = self.findings(F.full(reps=9, times={("thread", 128, 200):
                                                   1.5}))
        self.assertNotIn("real difference", text)
        self.assertIn("unpaired, so no difference is claimed", text)

    def test_one_repetition_cannot_tell(self):
        # thread pays 16-64 ns more than off at each thread start in the
        # fixture, but one repetition has no spread to judge that by
        text = self.findings(F.full(reps=1))
        self.assertIn("`thread` +64 ns at thread start (keeping 1 KiB per "
                      "thread)", text)
        # whatever the repetitions, separate entries get no verdict
        for t in (text, self.findings(F.full(reps=3))):
            self.assertNotIn("pays", t)
            self.assertIn("no interval, so no verdict", t)

    def test_negative_control_not_caught(self):
        text = self.findings(F.full(storm_control=1.0))
        self.assertIn("`thread_unguarded` stayed at 100%: this storm did not "
                      "show that the check can fail", text)
        gone = self.findings(F.full(strategies=F.STRATEGIES[:4]))
        self.assertIn("No negative control ran under the storm", gone)

    def test_heap_and_correctness(self):
        bad = self.findings(F.full(counters={("lazy", 32, 16): {
            "correct": 0.995}}))
        self.assertIn("Captures below the ground truth: `lazy` in `malloc` "
                      "at depth 32 with 16 frames: 99.5%", bad)
        self.assertNotIn("Every checked capture matched", bad)


class Storm(Base):
    """Each storm entry's overlaps, N and verdict: pcbench's judgement
    (storm_verdict, storm_overlaps_needed, storm_power; report_storm) read
    from its row, and nested events counted over the strategies judged,
    not `off` and the control."""

    def test_verdicts_from_the_rows(self):
        _, md, _ = self.report(self.fixture("s.json", F.full()))
        self.assertIn("| stack | 32 | 16 | 100% | 3,500 | 0 | 140 | 135 | "
                      "ok (power 0.9994) |", md)
        self.assertIn("| thread | 128 | 200 | 100% | 100 | 3,400 | 3,400 | "
                      "135 | ok (power 0.9994) |", md)
        self.assertIn("| off | 32 | 16 | 100% | 3,500 | 0 | 0 | 135 | ok: "
                      "captures nothing |", md)
        self.assertIn("| thread_unguarded | 128 | 200 | 99.0% | 3,500 | 0 | "
                      "140 | 135 | ok: the check caught the negative "
                      "control |", md)
        self.assertIn("The storm's verdicts: 20 of 20 storm entries ok, 0 "
                      "failed, 0 not judged", md)

    def test_nested_count_leaves_out_off_and_the_control(self):
        # per entry stack 3500, thread and lazy 100; 4 entries each
        text = self.findings(F.full())
        self.assertIn("(14,800 nested events recorded by `stack`, `thread` "
                      "and `lazy`)", text)

    def test_every_failing_verdict(self):
        _, md, _ = self.report(self.fixture("f.json", F.full(storm={
            "thread": {"overlaps": 100.0, "storm_verdict": -1.0},
            "lazy": {"correct": 0.999, "storm_verdict": -2.0},
            "stack": {"nested": 0.0, "overlaps": 0.0, "storm_verdict": -4.0},
            "thread_unguarded": {"correct": 1.0, "storm_verdict": -3.0}})))
        self.assertIn("4 of 20 storm entries ok, 16 failed", md)
        # the findings name the first five, the tables every one
        for s, why in (("stack", "no nested event arrived"),
                       ("thread", "too few overlaps to judge (100 of 135)")):
            self.assertIn(f"`{s}` in `malloc` at depth 32 with 16 frames: "
                          f"FAIL: {why}.", md)
        self.assertIn("… and 11 more failed storm entries.", md)
        self.assertIn("| lazy | 32 | 16 | 99.9% | 100 | 3,400 | 3,400 | 135 | "
                      "FAIL: a strategy other than the negative control went "
                      "wrong |", md)
        self.assertIn("| thread_unguarded | 32 | 16 | 100% | 3,500 | 0 | 140 "
                      "| 135 | FAIL: the check did not catch the negative "
                      "control |", md)

    def test_cannot_judge_and_not_judged(self):
        _, md, _ = self.report(self.fixture("c.json", F.full(storm={
            "thread": {"storm_verdict": 0.0, "storm_overlaps_needed": 0.0,
                       "storm_control_overlaps": 0.0},
            "lazy": {"storm_verdict": 2.0}})))
        self.assertIn("| thread | 32 | 16 | 100% | 100 | 3,400 | 3,400 | — | "
                      "cannot judge: no negative control ran at this point |",
                      md)
        self.assertIn("| lazy | 32 | 16 | 100% | 100 | 3,400 | 3,400 | 135 | "
                      "not judged: this build defers signal handlers to safe "
                      "points |", md)
        self.assertIn("12 of 20 storm entries ok, 0 failed, 8 not judged",
                      md)

    def test_files_without_the_judgement(self):
        _, md, _ = self.report(self.fixture("n.json", F.full(
            drop_counters=("storm_verdict", "storm_overlaps_needed",
                           "storm_power"))))
        self.assertIn("| thread | 32 | 16 | 100% | 100 | 3,400 | 3,400 | — "
                      "| not recorded (no storm_verdict in this file) |", md)
        self.assertIn("0 of 20 storm entries ok, 0 failed, 20 not judged",
                      md)


class FailedRun(Base):
    """A run scripts/bench-run marked failed (context.run_failed): the
    report opens by saying so, in both renderings."""

    def test_failed_run_says_so_first(self):
        doc = F.full()
        doc["context"]["run_failed"] = "pcbench exited 1 after writing its " \
            "results: a correctness or storm check failed"
        code, md, d = self.report(self.fixture("failed.json", doc))
        self.assertEqual(code, 0)
        first = md.split("\n## ")[1]
        self.assertTrue(first.startswith("A failed run"), first[:80])
        self.assertIn("This run FAILED a check: pcbench exited 1", first)
        self.assertIn("not a result to quote", first)
        with open(os.path.join(d, "report.html")) as f:
            page = Page()
            page.feed(f.read())
        self.assertEqual(page.ids[0], "failed")
        _, good, _ = self.report(self.fixture("good.json", F.full()))
        self.assertNotIn("FAILED", good)


class MissingFigures(Base):
    """What a run did not measure is said plainly; nothing crashes."""

    def test_missing_kinds_and_counters(self):
        gone = "malloc/lazy/depth:128/frames:200"
        doc = F.full(drop=(gone,),
                     drop_kinds=("heap", "storm", "churn", "block",
                                 "first_event", "thread_start", "floor"),
                     drop_counters=("min_fiber_stack", "headroom_bytes",
                                    "p999_ns", "floor_ratio"))
        code, md, d = self.report(self.fixture("missing.json", doc))
        self.assertEqual(code, 0)
        for text in (
                "*`malloc`: `min_fiber_stack`: not measured in this run.*",
                "*heap bytes at T threads (`heap/` entries): not measured "
                "in this run.*",
                "*correctness under a signal storm (`storm/` entries; "
                "pcbench --storm=HZ): not measured in this run.*",
                "*thread churn and injected faults (`churn/` entries): not "
                "measured in this run.*",
                "Heap at T threads: not measured in this run",
                "—: not measured in this run."):
            self.assertIn(text, md)
        row = re.search(r"\| lazy \| 128 \| ([^|]+) \| ([^|]+) \|", md)
        self.assertEqual(row.group(2).strip(), "—")
        self.assertEqual(set(os.listdir(os.path.join(d, "report-plots"))),
                         {"latency-malloc.png", "distribution-malloc.png",
                          "percentiles-malloc.png",
                          "stack-bytes.png", "anatomy-malloc.png"})

    def test_percentile_curves_drawn_or_not_measured(self):
        code, md, d = self.report(self.fixture("ladder.json", F.full()))
        self.assertEqual(code, 0)
        self.assertIn("`malloc`: latency by percentile at 200 frames", md)
        self.assertIn("](report-plots/percentiles-malloc.png)", md)
        self.assertIn("percentiles-malloc.png",
                      os.listdir(os.path.join(d, "report-plots")))
        doc = F.full(drop_counters=F.LAT_COUNTERS)
        code, md, d = self.report(self.fixture("no-ladder.json", doc))
        self.assertEqual(code, 0)
        self.assertIn("`malloc`: latency by percentile: not measured in "
                      "this run.", md)
        self.assertNotIn("percentiles-malloc.png",
                         os.listdir(os.path.join(d, "report-plots")))
        self.assertIn("distribution-malloc.png",
                      os.listdir(os.path.join(d, "report-plots")))

    def test_file_with_no_pcbench_entries_of_a_kind(self):
        # make_fixtures' base: 4 entries, no latency distribution, no
        # floor, no storm: the report still renders every section
        make_fixtures.main(os.path.join(self.tmp, "mf"))
        code, md, _ = self.report(os.path.join(self.tmp, "mf", "base.json"))
        self.assertEqual(code, 0)
        self.assertIn("not measured in this run", md)
        for sid in SECTIONS:
            self.assertIn(f'<a id="{sid}"></a>', md)


class Anatomy(Base):
    """Where an event's instructions go: the stacked bars and the share of
    the strategy's own work, from the ir_* counters; plainly not measured
    without them."""

    def test_bars_and_finding(self):
        code, md, d = self.report(self.fixture("anat.json", F.full()))
        self.assertEqual(code, 0)
        self.assertIn("## Anatomy of an event", md)
        self.assertIn("**`malloc`: where an event's instructions go**", md)
        self.assertIn("anatomy-malloc.png",
                      os.listdir(os.path.join(d, "report-plots")))
        # fixture: 10 instructions per ns; thread at 128/200 takes 1%
        t = F.malloc_time("thread", 128, 200) * 10
        self.assertIn(f"`malloc`, `thread`: the strategy's own work is "
                      f"{report_model.fmt_count(t * 0.01)} of "
                      f"{report_model.fmt_count(t)} instructions (1%) at "
                      "depth 128, 200 frames; the unwinder 60%, the "
                      "consumer 30%, the sampler 5% and the workload 4%.",
                      md)
        self.assertNotIn("`thread_unguarded`: the strategy's own", md)
        self.assertIn("strategy / unwinder / consumer / sampler / "
                      "workload", md)

    def test_share_follows_the_numbers(self):
        t = F.malloc_time("lazy", 128, 200) * 10
        doc = F.full(counters={("lazy", 128, 200): {
            "ir_strategy": 0.2 * t, "ir_unwinder": 0.41 * t}})
        self.assertIn("`malloc`, `lazy`: the strategy's own work is "
                      f"{report_model.fmt_count(0.2 * t)} of "
                      f"{report_model.fmt_count(t)} instructions (20%)",
                      self.findings(doc))

    def test_without_anatomy_figures(self):
        parts = tuple("ir_" + p for p in report_model.ANATOMY_PARTS)
        code, md, d = self.report(self.fixture(
            "noanat.json", F.full(drop_counters=parts)))
        self.assertEqual(code, 0)
        self.assertIn("Where an event's instructions go: not measured in "
                      "this run", md)
        self.assertIn("*the anatomy of an event (`ir_*` figures, written "
                      "by `make bench-ci`): not measured in this run.*", md)
        self.assertFalse(any(f.startswith("anatomy-") for f in
                             os.listdir(os.path.join(d, "report-plots"))))

    def test_loader_refuses_a_negative_part(self):
        doc = F.full(counters={("thread", 32, 16): {"ir_consumer": -1.0}})
        with self.assertRaisesRegex(pcblib.BadInput,
                                    "ir_consumer is -1.0; expected a value "
                                    ">= 0"):
            pcblib.load_results(self.fixture("neg.json", doc))


class WarmCold(Base):
    """The warm-vs-cold finding: the paired cold differences with their
    intervals, and callgrind's misses per event from a bench-ci file
    (given, or of the same commit beside the run), computed from them."""

    def sentences(self, md):
        sec = md.split("### Warm vs cold", 1)
        self.assertEqual(len(sec), 2, "no warm-vs-cold finding")
        return sec[1].split("\n### ", 1)[0]

    def test_a_missing_miss_figure_leaves_the_strategy_out(self):
        counts = F.cold_counts()
        for r in counts["benchmarks"]:
            if r["name"].startswith("malloc/stack/depth:128/frames:200") \
                    and "cache:cold" not in r["name"]:
                r.pop("ll_misses", None)
        run_ = report_model.load([self.fixture("pm.json", F.paired_cold())],
                                 [])[0]
        report_model.attach_counts([run_], self.fixture("cm.json", counts))
        text = " ".join(report_coldwarm.cold_misses(run_))
        self.assertIn("`thread` 0 → 88", text)
        self.assertNotIn("`stack`", text)

    def test_paired_cold_and_misses(self):
        run = self.fixture("pc.json", F.paired_cold())
        counts = self.fixture("cc.json", F.cold_counts())
        code, md, _ = self.report(run, "--counts", counts)
        self.assertEqual(code, 0)
        text = self.sentences(md)
        fmt = report_model.fmt_dns
        for s, (m, lo, hi) in F.COLD_OVER_OFF.items():
            w = F.WARM_OVER_OFF[s]
            self.assertIn(f"`{s}` {fmt(w[0])} \\[{fmt(w[1])}, {fmt(w[2])}"
                          f"\\] → {fmt(m)} \\[{fmt(lo)}, {fmt(hi)}\\]",
                          text)
        t = F.COLD_OVER_STACK["thread"]
        self.assertIn(f"`thread` − `stack` {fmt(t[0])} \\[{fmt(t[1])}, "
                      f"{fmt(t[2])}\\]", text)
        self.assertIn("placement does not matter measurably once caches "
                      "are cold (every interval holds 0)", text)
        self.assertIn("D1 warm → cold: `off` 0 → 14 (LL 0 → 14), `stack` "
                      "0.001 → 87 (LL 0.001 → 87), `thread` 0 → 88", text)

    def test_verdict_follows_the_intervals(self):
        moved = dict(F.COLD_OVER_STACK, lazy=(300.0, 210.0, 390.0))
        run = self.fixture("pc2.json", F.paired_cold(moved))
        code, md, _ = self.report(run)
        text = self.sentences(md)
        self.assertIn("placement matters once caches are cold: `lazy` "
                      "differs from `stack`", text)
        self.assertNotIn("Simulated cache misses", text)
        # inside the A/A control's spread but excluding 0, the control
        # holding 0: decided (the old rule, beyond the control's
        # interval, was not)
        near = dict(F.COLD_OVER_STACK, lazy=(60.0, 10.0, 110.0))
        code, md, _ = self.report(self.fixture("pc3.json",
                                               F.paired_cold(near)))
        self.assertIn("placement matters once caches are cold: `lazy` "
                      "differs from `stack` (the interval excludes 0; the "
                      "A/A control's holds it)", self.sentences(md))

    def test_counts_of_the_same_commit_beside_the_run(self):
        runs = os.path.join(self.tmp, "results", "runs")
        mine = os.path.join(runs, "20260102T030405Z-fixture0001-x")
        ci = os.path.join(runs, "20260102T040000Z-fixture0001-ci-y")
        other = os.path.join(runs, "20260102T050000Z-other-ci-z")
        for d in (mine, ci, other):
            os.makedirs(d)
        F.write(os.path.join(mine, "results.json"), F.paired_cold())
        F.write(os.path.join(ci, "results.json"), F.cold_counts())
        F.write(os.path.join(other, "results.json"), F.variant(
            F.cold_counts({"stack": (0.0, 999.0)}), git_commit="other"))
        code, md, _ = self.report(os.path.join(mine, "results.json"))
        text = self.sentences(md)
        self.assertIn("`stack` 0.001 → 87", text)
        self.assertNotIn("999", text)

    def test_counts_in_the_runs_own_folder(self):
        """make bench writes counts.json into its run's folder; the report
        takes it first, and holds a cold gap it cannot explain against
        it."""
        runs = os.path.join(self.tmp, "results", "runs")
        mine = os.path.join(runs, "20260102T030406Z-fixture0001-own")
        ci = os.path.join(runs, "20260102T035959Z-fixture0001-ci-own")
        for d in (mine, ci):
            os.makedirs(d)
        moved = dict(F.COLD_OVER_STACK, lazy=(300.0, 210.0, 390.0))
        F.write(os.path.join(mine, "results.json"),
                F.variant(F.paired_cold(moved), ns_per_tick="0.5"))
        # lazy's counts the same as stack's: 90 ns more is not its work
        counts = F.cold_counts(dict(F.MISSES, lazy=F.MISSES["stack"]))
        for r in counts["benchmarks"]:
            r["i1_misses"] = 0.0
        F.write(os.path.join(mine, "counts.json"), counts)
        F.write(os.path.join(ci, "results.json"),
                F.cold_counts({"stack": (0.0, 999.0)}))
        code, md, _ = self.report(os.path.join(mine, "results.json"))
        text = self.sentences(md)
        self.assertIn("`stack` 0.001 → 87", text)
        self.assertNotIn("999", text)
        self.assertIn("placement matters once caches are cold: `lazy` "
                      "differs from `stack` (the interval excludes 0; the "
                      "A/A control's holds it); but `lazy`: beyond what the "
                      "exact counts explain", text)


class Physics(Base):
    """A timed difference the exact counts cannot explain is called
    placement, not the strategy's cost (report_model.physics_check)."""

    def run_with(self, thread_instructions):
        counts = F.cold_counts()
        for r in counts["benchmarks"]:
            r["i1_misses"] = 0.0
            if r["name"].startswith("malloc/thread/"):
                r["instructions"] = thread_instructions
        run = report_model.load([self.fixture(
            "ph.json", F.variant(F.paired_cold(), ns_per_tick="0.5"))], [])[0]
        report_model.attach_counts([run], self.fixture("phc.json", counts))
        return run

    def check(self, run, diff):
        return report_model.physics_check(
            run, ("malloc", ""), 128, 200, "thread", "stack", diff)

    def test_gap_beyond_the_counts_is_placement(self):
        run = self.run_with(3702.0)  # 2 instructions more than stack
        # at most 2 x 2 cycles x 0.5 ns + 0.5 ns = 2.5 ns
        why = self.check(run, (10.0, 8.0, 12.0))
        self.assertIsNotNone(why)
        self.assertIn("beyond what the exact counts explain", why)
        self.assertIn("not the strategy", report_model.fmt_paired(
            (1.02, 1.01, 1.03, 10.0, 8.0, 12.0), why))
        self.assertIsNone(self.check(run, (-10.0, -12.0, -2.0)))
        self.assertIsNone(self.check(run, (2.0, 1.0, 3.0)))
        self.assertIsNone(self.check(run, (9.0, -1.0, 20.0)))

    def test_more_instructions_explain_more(self):
        run = self.run_with(3720.0)  # 20 more: up to 20.5 ns
        self.assertIsNone(self.check(run, (10.0, 8.0, 12.0)))

    def test_a_missing_figure_no_verdict(self):
        run = self.run_with(3702.0)
        for figs in run.counts.matrix[("malloc", "")].values():
            figs.pop("i1_misses", None)
        self.assertIsNone(self.check(run, (10.0, 8.0, 12.0)))

    def test_without_counts_no_verdict(self):
        run = report_model.load([self.fixture(
            "ph0.json", F.variant(F.paired_cold(), ns_per_tick="0.5"))],
            [])[0]
        run.counts = None
        self.assertIsNone(self.check(run, (10.0, 8.0, 12.0)))


class TwoFiles(Base):
    def test_side_by_side(self):
        key = ("stack", 128, 200)
        a = self.fixture("a.json", F.full(drop_kinds=("block",)))
        b = self.fixture("b.json", F.variant(
            F.full(seed=7, drop_kinds=("block",), times={key: 1.5},
                   counters={key: {"stack_bytes": 1240.0}}),
            compiler="GNU 13.1.0", git_commit="fixture0002"))
        code, md, d = self.report(a, b, "--label", "before", "--label",
                                  "after")
        self.assertEqual(code, 0)
        self.assertIn("| stack | 128 | 1224 B → 1224 B | 1224 B → 1240 B "
                      "|", md)
        self.assertIn("| commit | fixture0001 | fixture0002 |", md)
        self.assertIn("The two runs differ in `compiler`", md)
        self.assertIn("### From before to after", md)
        self.assertIn("`stack_bytes` changed in 1 entry; the largest: "
                      "`malloc/stack/depth:128/frames:200` 1,224 B → "
                      "1,240 B.", md)
        # two files share no rounds: the medians that moved are counted,
        # none is claimed to have moved
        self.assertRegex(md, r"[1-9]\d* timed entr(y|ies) of [\d,]+ entries "
                         r"have medians more than 5% apart; .* no entry is "
                         r"claimed to have moved")
        self.assertNotIn("beyond the noise", md)
        # one workload: one panel wide, a row of panels per run
        with open(os.path.join(d, "report-plots", "stack-bytes.png"),
                  "rb") as f:
            w, h = png_size(f.read())
        self.assertGreater(h, w)


class Fleet(Base):
    def test_model_follows_the_inputs(self):
        run_ = report_model.load([self.fixture("fl.json", F.full())], [])[0]
        inp = report_fleet.Inputs(threads=5000, tasks=1000, rate=1e6,
                                  starts=100, profiling=1, workload="malloc",
                                  frames=200)
        t = report_fleet.project(run_, inp, "thread", 128)
        lz = report_fleet.project(run_, inp, "lazy", 128)
        st = report_fleet.project(run_, inp, "stack", 128)
        self.assertEqual(t["heap"], 5000 * 1024)
        self.assertEqual(lz["heap"], 50 * 1024)
        self.assertEqual(st["heap"], 0)
        self.assertEqual(st["stacks"], 1000 * 8192)
        self.assertEqual(st["extra"], 1000 * (8192 - 4096))
        self.assertEqual(t["extra"], 5000 * 1024)
        # no paired entry: no per-event cost, so no CPU (never the
        # separate entries' difference)
        self.assertIsNone(lz["cpu"])
        self.assertEqual(report_fleet.model_check(run_), (60, 0.0))
        # lazy: the paired cold cost over off (interval kept, never
        # clamped) plus 1% of starts paying its first event
        run_ = report_model.load([self.fixture("flp.json", F.add_paired(
            F.full(), cold=True, over_off={"lazy": (-3.0, -5.0, 40.0)}))],
            [])[0]
        lz = report_fleet.project(run_, inp, "lazy", 128)
        self.assertEqual(lz["cache"], "cold")
        for got, over in zip(lz["cpu"], (-3.0, -5.0, 40.0)):
            self.assertAlmostEqual(got * 1e9, 1e6 * over + 100 * 0.01 * 100,
                                   delta=1e-3)

    def test_inputs_from_the_command_line(self):
        code, md, _ = self.report(self.fixture("fl2.json", F.full(
                                      drop_kinds=("block",))),
                                  "--threads", "5000", "--profiling", "1",
                                  "--tasks", "1000", "--event-rate", "1e6",
                                  "--fleet-frames", "16")
        self.assertEqual(code, 0)
        self.assertIn("| OS threads T | 5,000 | --threads |", md)
        self.assertIn("`malloc` at 16 frames", md)
        # 5000 threads * 1 KiB; 1000 tasks * a 2 KiB fiber at 16 frames
        self.assertRegex(md, r"\| thread \| 128 \| 4.88 MiB \| 1.95 MiB \|")


class BadInput(Base):
    """Exit status 2, one line on stderr, nothing written.  A few cases run
    the program; the rest call main() as the program does (through
    pcblib.run), which spares an interpreter start each."""

    def refuse(self, args, out, program=False):
        if program:
            p = run(*args, "--out-dir", out)
            code, err = p.returncode, p.stderr
        else:
            buf = io.StringIO()
            with redirect_stderr(buf), redirect_stdout(io.StringIO()):
                try:
                    code = pcblib.run("report", lambda: CLI.main(
                        [*args, "--out-dir", out]))
                except SystemExit as e:  # argparse: usage errors
                    code = e.code
            err = buf.getvalue()
        self.assertEqual(code, 2, err)
        lines = err.splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertTrue(lines[0].startswith("report: "), lines[0])
        return lines[0]

    def test_malformed_inputs_exit_2_and_write_nothing(self):
        bad = os.path.join(self.tmp, "bad")
        make_fixtures.main(bad)
        good = self.fixture("good.json", F.full(reps=1))
        cases = [([os.path.join(bad, n)], n in ("nan.json", "truncated.json"))
                 for n in ("truncated.json", "nan.json", "notobject.json",
                           "aggregates_only.json", "does-not-exist.json")]
        cases += [([good, os.path.join(bad, "nan.json")], False),
                  ([good, good, good], True), ([good, "--threads", "-3"],
                                               False),
                  ([good, "--profiling", "150"], False),
                  ([good, "--label", "a", "--label", "b"], False)]
        for args, program in cases:
            with self.subTest(args=args):
                d = self.out_dir()
                self.refuse(args, d, program)
                self.assertEqual(os.listdir(d), [], "bad input wrote files")
        self.assertIn("NaN", self.refuse([os.path.join(bad, "nan.json")],
                                         self.out_dir()))

    def test_bad_input_keeps_the_previous_report(self):
        d = self.out_dir()
        for name in ("report.html", "report.md"):
            with open(os.path.join(d, name), "w") as f:
                f.write("the previous report\n")
        res = self.fixture("broken.json", F.full(reps=1))
        with open(res, "a") as f:
            f.write("{")
        self.refuse([res], d, program=True)
        self.assertEqual(sorted(os.listdir(d)), ["report.html", "report.md"])
        for name in ("report.html", "report.md"):
            with open(os.path.join(d, name)) as f:
                self.assertEqual(f.read(), "the previous report\n")

    def test_missing_output_folder(self):
        line = self.refuse([self.fixture("g2.json", F.full(reps=1))],
                           os.path.join(self.tmp, "no", "such"))
        self.assertIn("does not exist", line)

    def test_help(self):
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        for text in ("examples:", "make report RESULTS=", "--threads",
                     "--event-rate", "not measured"):
            self.assertIn(text, p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
