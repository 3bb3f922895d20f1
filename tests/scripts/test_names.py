#!/usr/bin/python3
"""The entry-name grammar (scripts/pcbtools/results/names.py, docs/design.md
"Entry names") against the names pcbench itself writes, and against a table
of names it cannot write.

- Every name `pcbench --benchmark_list_tests=true` prints for a matrix
  with every axis on (all workloads, every strategy `pcbench --list`
  names, caches and rates, both
  placements, threads, paired, storm, churn with faults) is accepted,
  parses to the kind and strategy its place in the name says, and is the
  only name of its entry.  The binary is the first argument (CTest passes
  the build's pcbench); without it that part is skipped.
- A table of names outside the grammar (the ones the scripts once took:
  depth:3_2, Arabic-Indic digits, frames:+16, empty and //// names, ...)
  is refused, each with a reason; and a table of names inside it is read
  as the builder meant.
Run by CTest (scripts_names).
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from pcbtools.results import io as pcblib_io  # noqa: E402
from pcbtools.results import names as N  # noqa: E402

# the pcbench binary: the first argument, unless it is a unittest option
PCBENCH = sys.argv.pop(1) if len(sys.argv) > 1 and \
    not sys.argv[1].startswith("-") else None
EVERY_AXIS = ["--workloads=malloc,block,mutex,lock",
              "--depths=1024", "--frames=2000",
              "--cache=warm,cold", "--rate=1,go,1099511627776",
              "--placement=same_core,cross_core", "--threads=3", "--paired",
              "--storm=1000", "--churn-threads=10", "--fail-every=3",
              "--benchmark_list_tests=true"]

REFUSED = {
    "": "empty",
    "////": "empty part",
    "malloc/stack/depth:3_2/frames:16": "3_2",
    "malloc/stack/depth:\u0663\u0662/frames:16": "depth",
    "malloc/stack/depth:32/frames:+16": "+16",
    "malloc/stack/depth:032/frames:16": "032",
    "malloc/stack/depth:-32/frames:16": "-32",
    "malloc/stack/depth:32/frames:16%%": "16%%",
    "Malloc/stack/depth:32": "not a word",
    "malloc/st\x1back/depth:32": "not a word",
    "malloc/stack /depth:32": "not a word",
    "malloc/stack/depth:32/depth:64": "twice",
    "churn/stack/depth:32/faults/again": "second flag",
    "churn/stack/depth:32/faults/frames:16": "after the flag",
    "depth:32/malloc": "the kind is a word",
    "real_time": "no entry",
    "real_time/malloc/stack/depth:32": "out of its place",
    "malloc/stack/depth:32/real_time/iterations:5": "out of its place",
    "malloc/iterations:5/stack": "out of its place",
    "malloc/stack/depth:32/": "empty part",
    "/malloc/stack": "empty part",
    "malloc/" + "s" * 160: "bytes",
    "malloc/stack/depth:": "neither",
    "malloc/stack/:32": "not a word",
}

ACCEPTED = {
    "malloc/stack/depth:32/frames:16":
        ("malloc", ["stack"], {"depth": 32, "frames": 16}, "stack"),
    "storm/block/thread/depth:128/frames:200/threads:2/place:cross_core/"
    "cache:cold/rate:go/iterations:50000/real_time":
        ("storm", ["block", "thread"],
         {"depth": 128, "frames": 200, "threads": 2, "place": "cross_core",
          "cache": "cold", "rate": "go"}, "thread"),
    "heap/lazy/depth:32/threads:1000/profiling:1%/iterations:1/"
    "manual_time":
        ("heap", ["lazy"], {"depth": 32, "threads": 1000, "profiling": 1},
         "lazy"),
    "churn/thread/depth:32/faults/iterations:1/manual_time":
        ("churn", ["thread", "faults"], {"depth": 32}, "thread"),
    "paired/malloc/depth:32/frames:16/iterations:50/repeats:1/manual_time":
        ("paired", ["malloc"], {"depth": 32, "frames": 16}, None),
    "floor/depth:0/frames:1":
        ("floor", [], {"depth": 0, "frames": 1}, None),
    "overhead/harness": ("overhead", ["harness"], {}, None),
    "malloc/stack/depth:32/rate:1099511627776/min_time:0.100/"
    "process_time/real_time":
        ("malloc", ["stack"], {"depth": 32, "rate": 1099511627776},
         "stack"),
}


class Grammar(unittest.TestCase):
    def test_refused(self):
        for name, why in REFUSED.items():
            with self.subTest(name=name):
                with self.assertRaises(pcblib_io.BadInput) as e:
                    N.check_name(name)
                self.assertIn(why, str(e.exception))
                self.assertNotIn("\n", str(e.exception))

    def test_accepted(self):
        for name, (kind, words, params, strategy) in ACCEPTED.items():
            with self.subTest(name=name):
                n = N.check_name(name)
                self.assertEqual((n.kind, n.words, n.params),
                                 (kind, words, params))
                self.assertEqual(N.strategy_of(n), strategy)


@unittest.skipIf(PCBENCH is None, "no pcbench binary given")
class RealNames(unittest.TestCase):
    def strategies(self):
        """Every strategy pcbench --list names, opt-in and controls too."""
        out = subprocess.run([PCBENCH, "--list"], capture_output=True,
                             text=True, timeout=60).stdout
        section = out.split("workloads:")[0].splitlines()[1:]
        return [ln.split()[0] for ln in section if ln.strip()]

    def test_every_name_pcbench_lists(self):
        strategies = self.strategies()
        self.assertIn("thread_unguarded", strategies)
        p = subprocess.run([PCBENCH, *EVERY_AXIS, "--strategies="
                            + ",".join(strategies)], capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        names = p.stdout.split()
        self.assertGreater(len(names), 400)
        entries, kinds = {}, set()
        for name in names:
            n = N.check_name(name)
            kinds.add(n.kind)
            s = N.strategy_of(n)
            if n.kind not in N.NO_STRATEGY:
                self.assertIn(s, strategies, name)
            self.assertEqual(entries.setdefault(N.entry_name(name), name),
                             name, "two names of one entry")
        self.assertTrue({"malloc", "block", "mutex", "lock", "storm",
                         "paired", "churn", "heap", "floor", "unwind",
                         "overhead", "thread_start", "first_event"} <= kinds,
                        kinds)


if __name__ == "__main__":
    unittest.main(verbosity=2)
