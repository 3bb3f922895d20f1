#!/usr/bin/python3
"""Tests `scripts/paired-runs` end to end with a fake pcbench.

The fake writes one paired entry per call whose figures it takes from a
table indexed by its call count, so the merged figures can be checked
against numbers worked out here: the mean over processes, the crossed
interval (processes' variance over P plus the pooled layouts' variance
over their number, Welch-Satterthwaite degrees of freedom), medians of
the arms' ns, summed rounds.  Also: --into keeps the file's other
entries and replaces its paired ones; a failed process writes nothing
and exits 1; options paired-runs sets are refused with exit 2; a capture
merged below `off` is named on stderr.  No real timing is asserted.
Run by CTest (test "scripts_paired_runs").
"""
import json
import math
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

from scipy import stats

HERE = os.path.dirname(os.path.realpath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "paired-runs")
NAME = "paired/malloc/depth:32/frames:16"
# per process: thread_over_stack, its layout sd, and thread_over_off: a
# capture timed below no capture in every process
PROCS = [(1.004, 0.002, 0.95), (1.010, 0.004, 0.96), (0.998, 0.003, 0.94)]
LAYOUTS = 5

FAKE = r'''#!/usr/bin/python3
import json, os, sys
PROCS, NAME, LAYOUTS, FAIL = %(procs)r, %(name)r, %(layouts)r, %(fail)r
here = os.path.dirname(os.path.realpath(__file__))
args = sys.argv[1:]
if "--benchmark_list_tests=true" in args:
    print(NAME)
    sys.exit(0)
counter = os.path.join(here, "calls")
n = int(open(counter).read()) if os.path.exists(counter) else 0
with open(counter, "w") as f:
    f.write(str(n + 1))
if FAIL is not None and n == FAIL:
    sys.exit(1)
with open(os.path.join(here, "args-%%d" %% n), "w") as f:
    json.dump(args, f)
out = [a[len("--out="):] for a in args if a.startswith("--out=")][0]
r, sd, below = PROCS[n %% len(PROCS)]
row = dict(name=NAME + "/iterations:20/repeats:1/manual_time",
           run_name=NAME + "/iterations:20/repeats:1/manual_time",
           run_type="iteration", repetitions=1, repetition_index=0,
           iterations=20, time_unit="ns", real_time=1e6, cpu_time=1e6,
           rounds=20.0, layouts=float(LAYOUTS), stack_ns=100.0 + n,
           thread_ns=101.0 + n, thread_over_stack=r,
           thread_over_stack_lo=r - 0.001, thread_over_stack_hi=r + 0.001,
           thread_over_stack_layout_sd=sd, thread_over_stack_rounds=r,
           thread_over_stack_rounds_lo=r - 0.001,
           thread_over_stack_rounds_hi=r + 0.001, thread_over_off=below,
           thread_over_off_lo=below - 0.01, thread_over_off_hi=below + 0.01,
           thread_over_off_layout_sd=0.001)
ctx = dict(date="2026-01-01T00:00:00+00:00", seed=str(n + 1),
           layouts="5: fake")
with open(out, "w") as f:
    json.dump(dict(context=ctx, benchmarks=[row]), f)
'''


class PairedRuns(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pcb-paired-runs-test-")
        self.fake(None)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def fake(self, fail):
        self.bin = os.path.join(self.tmp, "pcbench")
        with open(self.bin, "w") as f:
            f.write(FAKE % dict(procs=PROCS, name=NAME, layouts=LAYOUTS,
                                fail=fail))
        os.chmod(self.bin, os.stat(self.bin).st_mode | stat.S_IEXEC)
        calls = os.path.join(self.tmp, "calls")
        if os.path.exists(calls):
            os.unlink(calls)

    def run_script(self, *args):
        r = subprocess.run([SCRIPT, "--bin", self.bin]
                           + list(args), capture_output=True, text=True)
        return r.returncode, r.stdout, r.stderr

    def merged(self, out):
        with open(out) as f:
            doc = json.load(f)
        rows = [b for b in doc["benchmarks"] if b["name"].startswith(NAME)]
        self.assertEqual(len(rows), 1)
        return doc, rows[0]

    def test_merge_is_the_crossed_interval(self):
        out = os.path.join(self.tmp, "p.json")
        code, _, err = self.run_script("--processes", "3", "--rounds", "60",
                                       "--out", out, "--workloads=malloc")
        self.assertEqual(code, 0, err)
        doc, row = self.merged(out)
        pts = [p[0] for p in PROCS]
        mean = sum(pts) / 3
        sp = stats.tstd(pts)
        sl = math.sqrt(sum(p[1] ** 2 for p in PROCS) / 3)
        a, b = sp * sp / 3, sl * sl / LAYOUTS
        df = (a + b) ** 2 / (a * a / 2 + b * b / (LAYOUTS - 1))
        half = stats.t.ppf(0.975, df) * math.sqrt(a + b)
        self.assertAlmostEqual(row["thread_over_stack"], mean, places=12)
        self.assertAlmostEqual(row["thread_over_stack_lo"], mean - half,
                               places=12)
        self.assertAlmostEqual(row["thread_over_stack_hi"], mean + half,
                               places=12)
        self.assertAlmostEqual(row["thread_over_stack_process_sd"], sp,
                               places=12)
        self.assertAlmostEqual(row["thread_over_stack_layout_sd"], sl,
                               places=12)
        self.assertNotIn("thread_over_stack_rounds_lo", row)
        self.assertEqual(row["rounds"], 60)
        self.assertEqual(row["processes"], 3)
        self.assertEqual(row["stack_ns"], 101.0)  # median of 100..102
        self.assertEqual(doc["context"]["paired_processes"], "3")
        self.assertEqual(len(doc["context"]["paired_seeds"].split(",")), 3)
        # each process: 20 rounds (or more: --round-time, default 1 s), a
        # seed of its own, the options passed
        args = []
        for i in range(3):
            with open(os.path.join(self.tmp, f"args-{i}")) as f:
                args.append(json.load(f))
        self.assertTrue(all("--rounds=20" in a and "--paired" in a
                            and "--round-time=1.0" in a
                            and "--workloads=malloc" in a for a in args))
        seeds = {x for a in args for x in a if x.startswith("--seed=")}
        self.assertEqual(len(seeds), 3)

    def test_below_off_named(self):
        out = os.path.join(self.tmp, "p.json")
        code, _, err = self.run_script("--processes", "3", "--out", out)
        self.assertEqual(code, 0, err)
        _, row = self.merged(out)
        self.assertLess(row["thread_over_off_hi"], 1)
        self.assertIn(f"{NAME}: warning: thread over off", err)
        self.assertIn("not physical", err)

    def test_into_replaces_paired_entries_only(self):
        into = os.path.join(self.tmp, "r.json")
        other = dict(name="malloc/stack/depth:32/frames:16",
                     run_name="malloc/stack/depth:32/frames:16",
                     run_type="iteration", repetitions=1, repetition_index=0,
                     iterations=10, time_unit="ns", real_time=5.0,
                     cpu_time=5.0)
        stale = dict(other, name=NAME + "/x", run_name=NAME + "/x")
        with open(into, "w") as f:
            json.dump(dict(context=dict(date="2026-01-01T00:00:00+00:00"),
                           benchmarks=[other, stale]), f)
        code, _, err = self.run_script("--processes", "2", "--into", into)
        self.assertEqual(code, 0, err)
        with open(into) as f:
            doc = json.load(f)
        names = [b["name"] for b in doc["benchmarks"]]
        self.assertIn(other["name"], names)
        self.assertNotIn(stale["name"], names)
        self.assertEqual(sum(n.startswith("paired/") for n in names), 1)

    def test_failed_process_writes_nothing(self):
        self.fake(1)
        out = os.path.join(self.tmp, "p.json")
        code, _, err = self.run_script("--processes", "3", "--out", out)
        self.assertEqual(code, 1)
        self.assertFalse(os.path.exists(out))
        self.assertIn("process 2 exited 1", err)

    def test_refused(self):
        out = os.path.join(self.tmp, "p.json")
        for bad in (["--rounds=5"], ["--processes", "1"],
                    ["--", "--paired"], ["--seed=3"], ["--out=" + out, "x"],
                    ["--round-time=-1"], ["--round-time=nan"],
                    ["--", "--round-time=2"]):
            args = list(bad) + (["--out", out] if "--out=" + out not in bad
                                else [])
            code, _, err = self.run_script(*args)
            self.assertEqual(code, 2, (bad, err))
            self.assertEqual(len(err.strip().splitlines()), 1, err)
            self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main(verbosity=2)
