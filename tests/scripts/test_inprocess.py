#!/usr/bin/python3
"""Tests `scripts/compare --alternate OLD NEW --in-process` with fakes.

The fake NEW "pcbench" is a small Python program: with
`--benchmark_list_tests=true` it lists its paired entries (or, if a
--module= file holds "badabi", refuses as pcbench refuses a module of
another ABI version); otherwise it writes one process's results: per
paired entry and strategy S its times `S@new_ns` and `S@old_ns`, and the
paired new/old ratio `S@new_over_S@old` with an interval and layout spread,
the ratio drawn per process around PLANT[S] (1 for an unchanged S) with
0.2% jitter; the host's state of each process (x1.65 on off, x1.35 on the
rest) moves the times and never the ratios, as pairing in one process
makes it.  OLD and NEW each sit in a folder with a pcbench-layouts
folder of "modules" beside them (the fake opens them only to find
"badabi").  The fake asserts that one label's modules all come before
the other's; whichever label is first is the one its ratios divide by,
as in pcbench.  The planted changes
(3%, 4%) are many standard errors from every threshold.  No real timing
is asserted.  Run by CTest (test "scripts_inprocess").
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
COMPARE = os.path.join(HERE, "..", "..", "scripts", "compare")
POINTS = [f"paired/malloc/depth:{d}/frames:{f}" for d in (32, 128)
          for f in (16, 200)]
ARMS = {"off": 12.6, "stack": 94.0, "thread": 94.5, "lazy": 95.0,
        "capture": 90.0}  # the shared-path arm, known by its flag alone

FAKE = r'''#!/usr/bin/python3
import json, os, random, sys
POINTS, ARMS, PLANT = %(points)r, %(arms)r, %(plant)r
COPIES = %(copies)r
here = os.path.dirname(os.path.realpath(__file__))
args = sys.argv[1:]
mods = [a for a in args if a.startswith("--module=")]
if "--benchmark_list_tests=true" in args:
    if any("badabi" in open(m.split("=", 2)[2]).read() for m in mods):
        sys.stderr.write("pcbench: --module: /x/badabi/layout-1.so: event-"
                         "path module version 1, this pcbench's 2\n")
        sys.exit(2)
    print("\n".join(POINTS))
    sys.exit(0)
labels = [m.split("=")[1] for m in mods]
first = labels[0]
assert labels == sorted(labels, key=(first, "new", "old").index), args
assert "new" in labels and "old" in labels, args
counter = os.path.join(here, "calls")
n = int(open(counter).read()) if os.path.exists(counter) else 0
with open(counter, "w") as f:
    f.write(str(n + 1))
out = [a[len("--out="):] for a in args if a.startswith("--out=")][0]
rng = random.Random(n)
slow = rng.random() < 0.5
rows = []
for i, p in enumerate(POINTS):
    row = dict(name=p, run_name=p, run_type="iteration", repetitions=1,
               repetition_index=0, iterations=100, time_unit="ns",
               real_time=1000.0, cpu_time=1000.0, layouts=9, rounds=200)
    for a, v in ARMS.items():
        host = (1.65 if a == "off" else 1.35) if slow else 1.0
        q = PLANT.get(a, 1.0) * rng.gauss(1, 0.002)
        cs, sd = COPIES.get(a), 0.002
        if cs:  # the same offset per copy pair in every process
            j = rng.gauss(1, 0.0005)
            if first == "old":  # the other order pairs the copies otherwise
                cs = cs[1:] + cs[:1]
            cs, sd = [c * j for c in cs], 0.0  # what a clipped estimate reads
            q = sum(cs) / len(cs)
        row[a + "@old_ns"] = v * host * (1 + i / 3)
        row[a + "@new_ns"] = row[a + "@old_ns"] * q
        k = a + "@new_over_" + a + "@old"
        if first == "old":  # pcbench divides by the first label
            k, q = a + "@old_over_" + a + "@new", 1 / q
            cs = [1 / c for c in cs or []]
        row.update({k: q, k + "_lo": q - 0.004, k + "_hi": q + 0.004,
                    k + "_layout_sd": sd})
        row.update({f"{k}_copy{c}": v for c, v in enumerate(cs or [])})
    rows.append(row)
ctx = dict(date="2026-01-01T00:00:00+00:00",
           strategy_flags="off:no_capture;stack:;thread:guarded;"
                          "lazy:guarded;capture:control,capture_only",
           modules=";".join(m[len("--module="):] for m in mods))
with open(out, "w") as f:
    json.dump(dict(context=ctx, benchmarks=rows), f)
'''


class InProcess(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pcb-inprocess-test-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.out = os.path.join(self.tmp, "out")
        os.mkdir(self.out)
        self.old = self.build("old")

    def build(self, name, layouts=2):
        """A fake build folder: a pcbench and its layout modules (each
        holding its build's name, which the fake reads from the copy)."""
        d = os.path.join(self.tmp, name)
        os.makedirs(os.path.join(d, "pcbench-layouts"), exist_ok=True)
        for k in range(1, layouts + 1):
            with open(os.path.join(d, "pcbench-layouts", f"layout-{k}.so"),
                      "w") as f:
                f.write(name)
        path = os.path.join(d, "pcbench")
        with open(path, "w") as f:
            f.write("#!/bin/sh\nexit 3\n")  # never run: only its modules
        os.chmod(path, 0o755)
        return path

    def fake(self, plant=None, copies=None):
        path = self.build("newbuild")
        with open(path, "w") as f:
            f.write(FAKE % dict(points=POINTS, arms=ARMS, plant=plant or {},
                                copies=copies or {}))
        os.chmod(path, 0o755)
        return path

    def compare(self, old, new, *opts):
        return subprocess.run(
            [COMPARE, "--alternate", old, new, "--in-process", "--seed", "7",
             "--processes", "4",
             "--json", os.path.join(self.out, "r.json"),
             "--markdown", os.path.join(self.out, "r.md"), *opts],
            capture_output=True, text=True, timeout=600)

    def verdicts(self, p, status):
        if status is not None:
            self.assertEqual(p.returncode, status, p.stdout + p.stderr)
        with open(os.path.join(self.out, "r.json")) as f:
            doc = json.load(f)
        return {r["name"]: r for r in doc["rows"]}

    def assertRefused(self, p, words):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        self.assertIn(words, p.stderr)
        self.assertEqual(os.listdir(self.out), [])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "calls")))

    def test_load_order_alternates(self):
        self.verdicts(self.compare(self.old, self.fake()), 0)
        with open(os.path.join(self.out, "r.json")) as f:
            firsts = json.load(f)["first_loaded"]
        self.assertEqual(sorted(firsts), ["new"] * 2 + ["old"] * 2)

    def test_mdc_is_what_it_flags(self):
        """A change 1.5 times a row's stated MDC is flagged at most
        points; one a third of it at few."""
        rows = self.verdicts(self.compare(self.old, self.fake()), 0)
        d = sorted(r["mdc"] for r in rows.values())[len(rows) // 2]
        self.assertTrue(0 < d < 0.03, d)
        for k, most in ((1.5, True), (0.33, False)):
            got = self.verdicts(self.compare(self.old, self.fake(
                {"thread": 1 + k * d})), 1 if most else None)
            n = sum(r["verdict"] == "regression" for r in got.values()
                    if r["strategy"] == "thread")
            self.assertTrue(n >= 3 if most else n <= 1, (k, d, n))

    def test_layout_term_from_copies(self):
        """Every process shows the same offset copy by copy (mean 1.01, sd
        0.0387 over 9 copies) and reads its own layout spread as 0, as a
        clipped estimate does on a row of a few timer ticks: the interval
        covers the copies' spread (+-3.8 x 0.0387/3 at 1 - 0.05/20), so
        the 1% is not flagged.  From the processes' layout_sd alone it
        was (+-0.001)."""
        layout = [1.03, 0.97, 1.04, 0.98, 1.0, 1.05, 0.99, 0.96, 1.07]
        rows = self.verdicts(self.compare(self.old, self.fake(
            copies={"thread": layout})), 0)
        for r in rows.values():
            if r["strategy"] == "thread":
                self.assertAlmostEqual(r["ratio"], 1.01, delta=0.002)
                self.assertAlmostEqual(r["layout_sd"], 0.0387, delta=0.002)
                self.assertEqual(r["layout_from"], "copies")
                self.assertLess(r["ratio_lo"], 0.97, r)
                self.assertEqual(r["verdict"], "same", r)

    def test_aa_flags_nothing(self):
        rows = self.verdicts(self.compare(self.old, self.fake()), 0)
        self.assertEqual(len(rows), len(POINTS) * len(ARMS))
        for name, r in rows.items():
            self.assertTrue(r["verdict"].startswith("same"), (name, r))
            self.assertLess(r["ratio_lo"], 1, name)
            self.assertGreater(r["ratio_hi"], 1, name)

    def test_shared_change_flags_every_strategy(self):
        """A change every strategy runs (the unwinder: all capturing ones
        3% slower) is flagged on each of them; the relative figure, what
        the per-strategy rule of --paired reads, stays near 1."""
        plant = {"stack": 1.03, "thread": 1.03, "lazy": 1.03,
                 "capture": 1.03}
        p = self.compare(self.old, self.fake(plant))
        rows = self.verdicts(p, 1)
        for name, r in rows.items():
            if r["strategy"] == "off":
                self.assertTrue(r["verdict"].startswith("same"), name)
                self.assertNotIn("relative", r)
            elif r["shared_path"]:  # flagged, and no strategy to relate
                self.assertEqual(r["verdict"], "regression", name)
                self.assertNotIn("relative", r)
            else:
                self.assertEqual(r["verdict"], "regression", name)
                self.assertAlmostEqual(r["relative"], 1, delta=0.01)
        self.assertIn("regression", p.stdout)
        self.assertIn("(shared path)", p.stdout)

    def test_one_strategy(self):
        rows = self.verdicts(self.compare(self.old,
                                          self.fake({"thread": 1.04})), 1)
        for name, r in rows.items():
            want = "regression" if r["strategy"] == "thread" else "same"
            self.assertTrue(r["verdict"].startswith(want), (name, r))

    def test_off_alone(self):
        """The harness alone slower: off's own ratio says so."""
        rows = self.verdicts(self.compare(self.old,
                                          self.fake({"off": 1.05})), 1)
        bad = sorted({r["strategy"] for r in rows.values()
                      if r["verdict"] == "regression"})
        self.assertEqual(bad, ["off"])

    def test_improvement_is_its_own(self):
        rows = self.verdicts(self.compare(self.old,
                                          self.fake({"stack": 0.96})), 0)
        for r in rows.values():
            want = "improvement" if r["strategy"] == "stack" else "same"
            self.assertTrue(r["verdict"].startswith(want), r)

    def test_min_change(self):
        rows = self.verdicts(self.compare(self.old, self.fake(
            {"thread": 1.03}), "--min-change=5%"), 0)
        self.assertTrue(all(r["verdict"].startswith("same")
                            for r in rows.values()))

    def test_placement_floor(self):
        """0.7% on a row with a narrow interval, the size of offset another
        build's bytes put on code they do not touch: below the default 1%
        floor it is "same (below --min-change)"; with the floor at 0 the
        interval alone flags it."""
        rows = self.verdicts(self.compare(self.old, self.fake(
            {"off": 1.007}), "--processes=10"), 0)
        off = [r for r in rows.values() if r["strategy"] == "off"]
        self.assertTrue(all(r["ratio_lo"] > 1 and r["verdict"] ==
                            "same (below --min-change)" for r in off), off)
        rows = self.verdicts(self.compare(self.old, self.fake(
            {"off": 1.007}), "--processes=10", "--min-change=0"), 1)
        self.assertTrue(all(r["verdict"] == "regression" for r in
                            rows.values() if r["strategy"] == "off"))

    def test_module_of_another_abi(self):
        old = self.build("badabi")
        p = self.compare(old, self.fake())
        self.assertRefused(p, "version 1, this pcbench's 2")

    def test_old_without_modules(self):
        old = self.build("bare", layouts=0)
        self.assertRefused(self.compare(old, self.fake()),
                           "no pcbench-layouts/layout-<k>.so")

    def test_old_missing(self):
        self.assertRefused(self.compare(os.path.join(self.tmp, "nope"),
                                        self.fake()), "no such file")

    def test_options_it_sets(self):
        for opt in ("--module=x.so", "--rounds=3", "--paired",
                    "--seed=4x", "--benchmark_filter=x"):
            with self.subTest(opt=opt):
                p = self.compare(self.old, self.fake(), opt)
                self.assertEqual(p.returncode, 2, opt)
                self.assertFalse(os.path.exists(os.path.join(self.tmp,
                                                             "calls")))

    def test_module_file_as_old(self):
        """OLD may be one module file: it is the one loaded."""
        mod = os.path.join(os.path.dirname(self.old), "pcbench-layouts",
                           "layout-1.so")
        self.verdicts(self.compare(mod, self.fake()), 0)
        with open(os.path.join(self.out, "r.json")) as f:
            self.assertEqual(json.load(f)["modules"], [mod])


class OldFirst(unittest.TestCase):
    def test_turned_into_new_over_old(self):
        """A process that loaded OLD first: its S@old_over_S@new (0.8 in
        [0.7, 0.9], layout sd 0.016) read as S@new_over_S@old."""
        sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
        from pcbtools.compare import inprocess
        k = "stack@old_over_stack@new"
        row = dict(name=POINTS[0], run_name=POINTS[0], run_type="iteration",
                   **{k: 0.8, k + "_lo": 0.7, k + "_hi": 0.9,
                      k + "_layout_sd": 0.016, k + "_rounds": 0.5,
                      k + "_copy3": 0.5})
        inprocess.as_new_over_old(dict(benchmarks=[row]))
        t = "stack@new_over_stack@old"
        self.assertFalse([x for x in row if x.startswith(k)], row)
        self.assertAlmostEqual(row[t], 1.25)
        self.assertAlmostEqual(row[t + "_lo"], 1 / 0.9)
        self.assertAlmostEqual(row[t + "_hi"], 1 / 0.7)
        self.assertAlmostEqual(row[t + "_layout_sd"], 0.025)
        self.assertAlmostEqual(row[t + "_rounds"], 2.0)
        self.assertAlmostEqual(row[t + "_copy3"], 2.0)


if __name__ == "__main__":
    unittest.main()
