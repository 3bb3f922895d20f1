#!/usr/bin/python3
"""scripts/check-stability on fixture results: the spread of medians is
computed, entries beyond the threshold get a reason, bad input exits 2.

The fixtures are make_fixtures.results() documents whose times are scaled
per run, so each entry's spread is known in advance.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "check-stability")
sys.path.insert(0, HERE)
import make_fixtures  # noqa: E402

STACK = "malloc/stack/depth:32/frames:16"
BLOCK = "block/lazy/depth:32/frames:16/threads:2/place:cross_core/real_time"


def run(*args):
    return subprocess.run([SCRIPT] + list(args), capture_output=True,
                          text=True)


class Stability(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.paths = []
        # block moves by 10% between runs; the rest stays put (noise 0).
        for i, f in enumerate((1.0, 1.10, 1.05)):
            doc = make_fixtures.results(
                seed=1, scale={BLOCK: f},
                noise={n: 0.0 for n, _, _ in make_fixtures.BENCHES})
            p = os.path.join(self.tmp.name, f"r{i}.json")
            with open(p, "w") as fh:
                json.dump(doc, fh)
            self.paths.append(p)

    def tearDown(self):
        self.tmp.cleanup()

    def test_paired_ratio_spreads(self):
        """Paired ratios get their own spread table, grouped; the paired
        entries' round times are left out of the absolute table."""
        ratios = (1.000, 1.004, 1.002)  # thread/stack moves by 0.4%
        for p, r in zip(self.paths, ratios):
            with open(p) as fh:
                doc = json.load(fh)
            row = dict(doc["benchmarks"][0])
            name = "paired/malloc/depth:32/frames:16/iterations:20/" \
                "repeats:1/manual_time"
            row.update(name=name, run_name=name, repetition_index=0,
                       repetitions=1, thread_over_stack=r,
                       thread_over_stack_lo=r - 0.01,
                       thread_over_stack_hi=r + 0.01,
                       stack_over_off=7.0 * r * r)
            doc["benchmarks"].append(row)
            with open(p, "w") as fh:
                json.dump(doc, fh)
        r = run("--from", *self.paths)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("paired, strategy over strategy: 1 of 1 ratios "
                      "within 3% over 3 runs (largest spread 0.40%)", r.stdout)
        self.assertIn("paired, each strategy over off: 1 of 1", r.stdout)
        self.assertNotIn("\npaired/malloc/depth:32/frames:16 ", r.stdout.split(
            "paired entry")[0])

    def test_spreads_and_reasons(self):
        out = os.path.join(self.tmp.name, "s.json")
        r = run("--from", *self.paths, "--json", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as fh:
            s = json.load(fh)
        self.assertAlmostEqual(s[BLOCK]["spread"], 0.10, places=6)
        self.assertIn("futex", s[BLOCK]["reason"])
        self.assertAlmostEqual(s[STACK]["spread"], 0.0, places=9)
        self.assertIsNone(s[STACK]["reason"])
        n = len(make_fixtures.BENCHES)
        self.assertIn(f"{n - 1} of {n} entries have medians within 3%",
                      r.stdout)
        first = r.stdout.splitlines()[1]
        self.assertTrue(first.startswith(BLOCK), "noisiest entry first")

    def test_threshold_option(self):
        r = run("--from", *self.paths, "--within", "15%")
        self.assertEqual(r.returncode, 0, r.stderr)
        n = len(make_fixtures.BENCHES)
        self.assertIn(f"{n} of {n} entries", r.stdout)

    def test_bad_input_exits_2(self):
        bad = os.path.join(self.tmp.name, "bad.json")
        with open(bad, "w") as fh:
            fh.write("{not json")
        for args in (("--from", bad, self.paths[0]),
                     ("--from", self.paths[0]),
                     ("--runs", "0"), ("--within", "-1")):
            r = run(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
