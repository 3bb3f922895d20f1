#!/usr/bin/python3
"""Tests `scripts/compare --alternate` end to end with fake binaries.

A fake "pcbench" is a small Python program written into a temporary
folder: `--benchmark_list_tests=true` prints its entry list; any other
call writes Google Benchmark JSON to --out= with fixed times per entry,
times a per-entry factor (the planted change), times a drift shared by
the two runs of a round (a slow sine over the rounds, +-40%: what pairing
must cancel), times seeded 0.3% jitter.  The planted changes (5%, -10%,
0.3%) sit many standard errors away from every threshold (the median of
20 ratios has a standard error near 0.1%), so no verdict depends on the
luck of the seeds.  Everything is deterministic: the
jitter's seed is the fake's call count, and compare's run order is fixed
with --seed.  No real timing is ever asserted.  Run by CTest (test
"scripts_alternate").
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
COMPARE = os.path.join(HERE, "..", "..", "scripts", "compare")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from pcbtools import stats  # noqa: E402
from pcbtools.compare import alternate as alt  # noqa: E402

ENTRIES = {f"malloc/{s}/depth:{d}/frames:{f}": base * (1 + f / 100)
           for s, base in (("off", 30), ("stack", 120), ("thread", 125),
                           ("lazy", 118))
           for d in (32, 128) for f in (16, 200)}
THREAD = sorted(n for n in ENTRIES if "/thread/" in n)
FASTER = "malloc/stack/depth:32/frames:16"
TINY = "malloc/lazy/depth:32/frames:16"

FAKE = r'''#!/usr/bin/python3
import json, math, os, random, sys
ENTRIES = %(entries)r
FACTOR = %(factor)r
FAIL_AT = %(fail_at)r
here = os.path.dirname(os.path.realpath(__file__))
args = sys.argv[1:]
if "--bogus" in args:
    sys.stderr.write("pcbench: unknown option '--bogus'\n")
    sys.exit(2)
if "--benchmark_list_tests=true" in args:
    print("\n".join(ENTRIES))
    sys.exit(0)
counter = os.path.join(here, "calls")
n = int(open(counter).read()) if os.path.exists(counter) else 0
with open(counter, "w") as f:
    f.write(str(n + 1))
if FAIL_AT is not None and n >= FAIL_AT:
    sys.stderr.write("pcbench: benchmark failed\n")
    sys.exit(1)
out = [a[len("--out="):] for a in args if a.startswith("--out=")][0]
rng = random.Random(n)
drift = 1 + 0.4 * math.sin((n // 2) / 3)  # the same for a round's two runs
rows = [dict(name=e, run_name=e, run_type="iteration", repetitions=1,
             repetition_index=0, iterations=1000, time_unit="ns",
             real_time=t * FACTOR.get(e, 1.0) * drift * rng.gauss(1, 0.003),
             cpu_time=t) for e, t in ENTRIES.items()]
with open(out, "w") as f:
    json.dump(dict(context=dict(date="2026-01-01T00:00:00+00:00"),
                   benchmarks=rows), f)
'''


# The paired entries' fake: per process a host state drawn from two levels
# that slow `off` (x1.65) and the capturing strategies (x1.35) unequally,
# as measured on a shared host; the capturing strategies' ratios to one
# another carry only 0.2% jitter.  PLANT multiplies a strategy's time.
POINTS = [f"paired/malloc/depth:{d}/frames:{f}" for d in (32, 128)
          for f in (16, 200)]
ARMS = {"off": 12.6, "stack": 94.0, "thread": 94.5, "lazy": 95.0}
FAKE_PAIRED = r'''#!/usr/bin/python3
import json, os, random, sys
POINTS, ARMS, PLANT = %(points)r, %(arms)r, %(plant)r
here = os.path.dirname(os.path.realpath(__file__))
args = sys.argv[1:]
if "--benchmark_list_tests=true" in args:
    print("\n".join(POINTS))
    sys.exit(0)
if "--list" in args:  # lists no strategy
    sys.exit(0)
counter = os.path.join(here, "calls")
n = int(open(counter).read()) if os.path.exists(counter) else 0
with open(counter, "w") as f:
    f.write(str(n + 1))
out = [a[len("--out="):] for a in args if a.startswith("--out=")][0]
rng = random.Random(n)
slow = rng.random() < 0.5  # the host's state for this whole process
rows = []
for i, p in enumerate(POINTS):
    t = {a: v * (1 + i / 3) * PLANT.get(a, 1.0) * rng.gauss(1, 0.002)
         for a, v in ARMS.items()}
    t["off"] = ARMS["off"] * (1.65 if slow else 1.0) * rng.gauss(1, 0.01)
    for a in ARMS:
        if a != "off":
            t[a] *= 1.35 if slow else 1.0
    t["stack_twin"] = t["stack"] * rng.gauss(1, 0.002)
    row = dict(name=p, run_name=p, run_type="iteration", repetitions=1,
               repetition_index=0, iterations=100, time_unit="ns",
               real_time=sum(t.values()), cpu_time=sum(t.values()))
    for a, v in t.items():
        row[a + "_ns"] = v
        if a != "off":
            row[a + "_over_off"] = v / t["off"]
        if a not in ("off", "stack"):
            row[a + "_over_stack"] = v / t["stack"]
    rows.append(row)
ctx = dict(date="2026-01-01T00:00:00+00:00",
           strategy_flags="off:no_capture;stack:;thread:guarded;lazy:guarded")
with open(out, "w") as f:
    json.dump(dict(context=ctx, benchmarks=rows), f)
'''


def reject(token):
    raise ValueError(f"bare {token} in output")


class Alternate(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pcb-alternate-test-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.out = os.path.join(self.tmp, "out")
        os.mkdir(self.out)

    def fake(self, name, entries=None, factor=None, fail_at=None):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(FAKE % dict(entries=entries or ENTRIES,
                                factor=factor or {}, fail_at=fail_at))
        os.chmod(path, 0o755)
        return path

    def fake_paired(self, name, plant=None, arms=None):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(FAKE_PAIRED % dict(points=POINTS, arms=arms or ARMS,
                                       plant=plant or {}))
        os.chmod(path, 0o755)
        return path

    def compare(self, old, new, *opts):
        return subprocess.run(
            [COMPARE, "--alternate", old, new, "--seed", "7",
             "--json", os.path.join(self.out, "r.json"),
             "--markdown", os.path.join(self.out, "r.md"), *opts],
            capture_output=True, text=True, timeout=600)

    def assertRefused(self, p, ran=False):
        """Exit 2, one stderr line without a traceback, nothing written,
        and (unless ran) no measuring run of either fake."""
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        if not ran:
            self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "calls")))
        self.assertTrue(p.stderr.splitlines()[-1].startswith("compare"))
        self.assertEqual(os.listdir(self.out), [])

    def verdicts(self):
        with open(os.path.join(self.out, "r.json")) as f:
            doc = json.load(f, parse_constant=reject)
        return {r["name"]: r for r in doc["entries"]}, doc


class BadInput(Alternate):
    def test_missing_binary(self):
        p = self.compare(self.fake("old"), os.path.join(self.tmp, "nope"))
        self.assertRefused(p)
        self.assertIn("nope: no such file", p.stderr)

    def test_not_executable(self):
        new = self.fake("new")
        os.chmod(new, stat.S_IRUSR | stat.S_IWUSR)
        p = self.compare(self.fake("old"), new)
        self.assertRefused(p)
        self.assertIn("new: not executable", p.stderr)

    def test_entry_lists_differ(self):
        more = dict(ENTRIES, **{"malloc/pool/depth:32/frames:16": 130})
        p = self.compare(self.fake("old"), self.fake("new", entries=more))
        self.assertRefused(p)
        self.assertIn("malloc/pool/depth:32/frames:16", p.stderr)

    def test_options_the_binary_refuses(self):
        p = self.compare(self.fake("old"), self.fake("new"), "--bogus")
        self.assertRefused(p)
        self.assertIn("--bogus", p.stderr)

    def test_options_alternate_sets_itself(self):
        for opt in ("--out=x.json", "--repetitions=0", "--rounds=3",
                    "--min-change=-1", "positional"):
            with self.subTest(opt=opt):
                self.assertRefused(self.compare(self.fake("old"),
                                                self.fake("new"), opt))

    def test_too_few_rounds_for_the_entries(self):
        # 16 entries at family-wise 0.05: 0.003125 each needs 10 rounds
        p = self.compare(self.fake("old"), self.fake("new"), "--rounds", "9")
        self.assertRefused(p)
        self.assertIn("--rounds 10 or more", p.stderr)

    def test_missing_output_folder(self):
        p = subprocess.run([COMPARE, "--alternate", self.fake("old"),
                            self.fake("new"), "--json",
                            os.path.join(self.tmp, "no", "r.json")],
                           capture_output=True, text=True, timeout=60)
        self.assertRefused(p)

    def test_run_failing_midway_writes_nothing(self):
        p = self.compare(self.fake("old"), self.fake("new", fail_at=5))
        self.assertRefused(p, ran=True)
        self.assertIn("round 3", p.stderr.splitlines()[-1])


class Rule(unittest.TestCase):
    """The statistics themselves, against the same scipy table as the C
    tests (tests/test_paired.c), so both sides keep one rule."""

    def test_ranks_match_core_table(self):
        a110 = 0.05 / 110
        table = {(0.05, 6): (1, 6, 0.96875), (0.05, 7): (1, 7, 0.984375),
                 (0.05, 10): (2, 9, 0.978515625),
                 (0.05, 20): (6, 15, 0.9586105346679688),
                 (0.05, 50): (18, 33, 0.9671608624357315),
                 (0.05, 100): (40, 61, 0.9647997997822951),
                 (0.05, 2000): (956, 1045, 0.9534471795082161),
                 (0.01, 20): (4, 17, 0.9974231719970703),
                 (a110, 20): (3, 18, 0.9995975494384766),
                 (a110, 2000): (922, 1079, 0.9995557318844207)}
        for (alpha, n), (lo, hi, cov) in table.items():
            got = stats.median_ranks(n, alpha)
            self.assertEqual(got[:2], (lo, hi), (alpha, n))
            self.assertAlmostEqual(got[2], cov, places=12)

    def test_min_rounds(self):
        for alpha, n in ((0.05, 6), (0.01, 8), (0.05 / 110, 13),
                         (0.05 / 16, 10)):
            self.assertEqual(stats.min_rounds(alpha), n)

    def test_sign_test_matches_binomtest(self):
        for above, below, p in ((0, 6, 0.03125), (1, 9, 0.021484375),
                                (5, 5, 1.0), (40, 60, 0.05688793364098088),
                                (0, 0, 1.0)):
            self.assertAlmostEqual(stats.sign_p(above, below), p, places=12)

    def test_decision_needs_interval_and_size(self):
        cases = [((1.05, 1.02, 1.08), "regression"),
                 ((1.05, 0.99, 1.20), "same"),  # large but not significant
                 ((1.005, 1.001, 1.009), "same (below --min-change)"),
                 ((0.95, 0.90, 0.98), "improvement"),
                 ((0.95, 0.90, 1.01), "same"),
                 ((0.995, 0.99, 0.999), "same (below --min-change)")]
        for (ratio, lo, hi), want in cases:
            self.assertEqual(alt.decide(ratio, lo, hi, 0.01), want)


class Power(unittest.TestCase):
    """compare's minimum detectable change (scripts/pcbtools/compare/
    power.py): what a row would flag, from its own rounds resampled."""

    def test_no_noise_needs_exactly_min_change(self):
        from pcbtools.compare import power
        self.assertAlmostEqual(power.mdc([[1.0] * 20, [1.0] * 20], 0.05,
                                         0.01), 0.01, places=12)

    def test_a_change_of_that_size_is_flagged_at_that_rate(self):
        # rounds of N(1, 1%) ratios; a change of the measured size,
        # planted in fresh runs of the same noise, is flagged in about
        # 80% of them.  One run's estimate is itself a draw (here 0.7-1.7%
        # over 60 runs), so the typical one, the median of 15, is planted;
        # the bootstrap is approximate: 60-95%
        import random
        from pcbtools.compare import power
        rng = random.Random(3)
        n, alpha = 30, 0.05 / 24
        d = stats.median([power.mdc([[rng.gauss(1, 0.01) for _ in range(n)]
                                     for _ in range(2)], alpha, 0.0)
                          for _ in range(15)])
        self.assertGreater(d, 0.002)
        hits = 0
        for _ in range(300):
            runs = [[(1 + d) * rng.gauss(1, 0.01) for _ in range(n)]
                    for _ in range(2)]
            cis = [stats.median_ci(q, alpha) for q in runs]
            hits += compare_paired_verdict(cis) == "regression"
        self.assertTrue(0.6 <= hits / 300 <= 0.95, (d, hits))


def compare_paired_verdict(cis):
    from pcbtools.compare import paired as compare_paired
    return compare_paired.verdict([c[0] for c in cis], [c[1] for c in cis],
                                  [c[2] for c in cis], 0.0)


class Decisions(Alternate):
    def test_flags_exactly_the_slowed_entries(self):
        factor = {n: 1.05 for n in THREAD}
        factor[FASTER] = 0.90
        factor[TINY] = 1.003  # real but below --min-change
        p = self.compare(self.fake("old"), self.fake("new", factor=factor))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        rows, doc = self.verdicts()
        flagged = sorted(n for n, r in rows.items()
                         if r["verdict"] == "regression")
        self.assertEqual(flagged, THREAD)
        self.assertEqual(rows[FASTER]["verdict"], "improvement")
        self.assertTrue(rows[TINY]["verdict"].startswith("same"))
        for n in THREAD:
            r = rows[n]
            self.assertAlmostEqual(r["ratio"], 1.05, delta=0.005)
            self.assertTrue(r["ratio_lo"] <= r["ratio"] <= r["ratio_hi"])
            self.assertEqual(r["rounds"], 20)
        self.assertEqual(doc["rounds"], 20)
        self.assertEqual(sorted(set(doc["first"])), ["new", "old"])
        self.assertEqual(len(doc["first"]), 20)
        self.assertIn("4 regression(s), 1 improvement(s)", p.stdout)
        self.assertIn("round 20 of 20", p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        with open(os.path.join(self.out, "r.md")) as f:
            md = f.read()
        self.assertIn("### Regressions", md)
        self.assertIn(THREAD[0], md)

    def test_same_binary_passes(self):
        old = self.fake("old")
        p = self.compare(old, old, "--rounds", "12")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        rows, _ = self.verdicts()
        self.assertFalse([n for n, r in rows.items()
                          if r["verdict"] in ("regression", "improvement")])
        self.assertIn("round 12 of 12", p.stderr)

    def test_min_change_tolerates_a_real_shift(self):
        factor = {n: 1.05 for n in THREAD}
        p = self.compare(self.fake("old"), self.fake("new", factor=factor),
                         "--min-change", "10%")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        rows, _ = self.verdicts()
        for n in THREAD:
            self.assertEqual(rows[n]["verdict"], "same (below --min-change)")

    def test_paired_judges_each_strategy_against_the_others(self):
        # thread +3% in the new build; the host's state moves every
        # absolute time by 35-65% from process to process
        old = self.fake_paired("old")
        new = self.fake_paired("new", plant={"thread": 1.03})
        p = self.compare(old, new, "--paired", "--rounds", "16",
                         "--strategies=off,stack,thread,lazy")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        rows, doc = self.verdicts()
        self.assertTrue(doc["paired"])
        want = sorted(f"malloc/thread/{q.split('/', 2)[2]}" for q in POINTS)
        flagged = sorted(n for n, r in rows.items()
                         if r["verdict"] == "regression")
        self.assertEqual(flagged, want)
        self.assertEqual(len(rows), 16)
        for n in want:
            self.assertAlmostEqual(rows[n]["ratio"], 1.03, delta=0.005)
            self.assertEqual(sorted(rows[n]["pairs"]), ["lazy", "stack"])
            # the absolute ratio cannot tell: the host's state swamps it
            self.assertLess(rows[n]["abs_lo"], 1.0)
        for n, r in rows.items():
            self.assertNotIn("twin", n)
            if "/thread/" not in n:
                self.assertNotEqual(r["verdict"], "improvement", n)
        self.assertIn("relative new/old", p.stdout)

    def test_paired_shared_regression_is_not_an_improvement(self):
        # thread and lazy both 2% slower through code they share: stack,
        # unchanged, is faster than both, which reads like an improvement
        # of stack; its own time cannot tell (the host's state), so it is
        # ambiguous and fails the gate
        old = self.fake_paired("old")
        new = self.fake_paired("new", plant={"thread": 1.02, "lazy": 1.02})
        p = self.compare(old, new, "--paired", "--rounds", "16",
                         "--strategies=off,stack,thread,lazy")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        rows, _ = self.verdicts()
        from pcbtools.compare import paired as compare_paired
        for n, r in rows.items():
            self.assertNotEqual(r["verdict"], "improvement", n)
            if "/stack/" in n:
                self.assertEqual(r["verdict"], compare_paired.AMBIGUOUS, n)
            else:
                self.assertNotEqual(r["verdict"], "regression", n)
        self.assertIn("4 ambiguous", p.stdout)
        with open(os.path.join(self.out, "r.md")) as f:
            self.assertIn("ambiguous rows", f.read())

    def test_paired_same_binary_passes(self):
        old = self.fake_paired("old")
        p = self.compare(old, old, "--paired", "--rounds", "12",
                         "--strategies=off,stack,thread,lazy")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        rows, doc = self.verdicts()
        # what this A/A run could see: 0.3% jitter between strategies, a
        # change of a few percent; off, by its own time that the host's
        # state moves by 65%, only far more
        self.assertIn("smallest change flagged 80% of the time", p.stdout)
        self.assertLess(doc["mdc"]["malloc"]["max"], 0.03)
        self.assertGreater(doc["mdc"]["malloc (absolute)"]["median"], 0.2)
        self.assertFalse([n for n, r in rows.items()
                          if r["verdict"] in ("regression", "improvement")])

    def test_paired_off_is_judged_by_its_own_time(self):
        # every capturing strategy 10% faster (an unwinder sped up): off
        # did not change, and must not read as a regression against them
        old = self.fake_paired("old")
        new = self.fake_paired("new", plant={"stack": 0.9, "thread": 0.9,
                                             "lazy": 0.9})
        p = self.compare(old, new, "--paired", "--rounds", "16",
                         "--strategies=off,stack,thread,lazy")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        rows, _ = self.verdicts()
        for n, r in rows.items():
            self.assertNotEqual(r["verdict"], "regression", n)
            if "/off/" in n:
                self.assertEqual(r["against"], "(absolute)")
                # no relative figure under the relative heading
                from pcbtools.compare import paired as compare_paired
                c = dict(zip(compare_paired.COLUMNS,
                             compare_paired.cells(r)))
                self.assertEqual((c["relative new/old"], c["interval"]),
                                 ("-", "-"))
                self.assertRegex(c["absolute new/old [interval]"],
                                 r"^\d\.\d{4} \[")

    def test_paired_refuses_strategies_it_cannot_judge(self):
        for opt in ("--strategies=off,thread,lazy", "--strategies=off,stack",
                    "--strategies=stack,thread,pool"):
            with self.subTest(opt=opt):
                p = self.compare(self.fake_paired("old"),
                                 self.fake_paired("new"), "--paired", opt)
                self.assertRefused(p)
                self.assertIn("allowed: stack and thread or lazy", p.stderr)

    def test_paired_builds_timing_other_strategies(self):
        fewer = {k: v for k, v in ARMS.items() if k != "lazy"}
        p = self.compare(self.fake_paired("old"),
                         self.fake_paired("new", arms=fewer), "--paired",
                         "--strategies=off,stack,thread,lazy")
        self.assertRefused(p, ran=True)
        self.assertIn("other strategies", p.stderr)

    def test_paired_refuses_what_it_sets(self):
        # and a binary whose --list names no strategy (the fake's)
        for opt in ("--benchmark_filter=x", "--rounds=5"):
            with self.subTest(opt=opt):
                self.assertRefused(self.compare(
                    self.fake_paired("old"), self.fake_paired("new"),
                    "--paired", opt))
        self.assertRefused(self.compare(
            self.fake_paired("old"), self.fake_paired("new"), "--paired"))

    def test_help_names_the_rule(self):
        for argv in (["--alternate", "--help"], ["--help"]):
            p = subprocess.run([COMPARE, *argv], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("--alternate", p.stdout)
            text = " ".join(p.stdout.split())
            self.assertIn("order-statistic interval", text)


if __name__ == "__main__":
    unittest.main()
