#!/usr/bin/python3
"""scripts/bench-run under concurrency and signals, with a stand-in for
pcbench (a shell script that writes a temporary and renames it, as pcbench
does), so that the test takes seconds.

- 20 runs started at once: all exit 0, there are 20 run folders each with
  its complete results.json, results/latest is a symlink to one of them,
  and nothing else (no staging name) is left in results/.
- SIGTERM, SIGHUP and SIGINT sent to bench-run alone during a run: it exits
  128 + the signal's number, the stand-in pcbench is stopped and removed
  its temporary, no run folder is left, and results/latest still points
  at the previous run.
- a failing pcbench: exit 1, no run folder left.
- a failed check (pcbench wrote its results, then exited 1): exit 1, the
  folder kept with FAILED, pcbench.log and results.json (its context
  marked run_failed), results/latest still at the previous run, and the
  last line naming the folder.
Run by CTest (scripts_bench_run).  Nothing here asserts a duration.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
BENCH_RUN = os.path.join(HERE, "..", "..", "scripts", "bench-run")

FAKE = r"""#!/bin/sh
# stand-in for pcbench: --out=PATH; FAKE_SLEEP seconds; FAKE_FAIL=1 fails
# with no results; FAKE_CHECK_FAIL=1 writes its results, prints a storm
# verdict that failed and exits 1, as pcbench does when a check fails
out=
for a; do case $a in --out=*) out=${a#--out=};; esac; done
tmp=$out.tmp.$$
sleeper=
trap 'kill $sleeper 2>/dev/null; rm -f "$tmp"; exit 143' TERM
printf '{"context": {"run": "%s"}, ' "$$" > "$tmp"
# the sleep holds no pipe of the test's: were it orphaned by a TERM that
# came before $sleeper was set, the test must not wait on it
sleep "${FAKE_SLEEP:-0.2}" >/dev/null 2>&1 </dev/null &
sleeper=$!
echo $$ > "$FAKE_PIDS/$$"
wait $sleeper
[ "${FAKE_FAIL:-0}" = 1 ] && { rm -f "$tmp"; exit 1; }
printf '"benchmarks": []}\n' >> "$tmp"
mv "$tmp" "$out"
echo "pcbench: progress line" >&2
if [ "${FAKE_CHECK_FAIL:-0}" = 1 ]; then
  echo "pcbench: storm/malloc/thread/depth:32/frames:16: correct 9/10 (0.900000), 5 nested: FAIL: a guarded strategy lost correctness" >&2
  exit 1
fi
"""


class BenchRun(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pcb-bench-run-")
        self.fake = os.path.join(self.dir, "pcbench")
        with open(self.fake, "w") as f:
            f.write(FAKE)
        os.chmod(self.fake, 0o755)
        self.pids = os.path.join(self.dir, "pids")
        os.mkdir(self.pids)
        self.work = os.path.join(self.dir, "repo")  # bench-run's cwd
        os.mkdir(self.work)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def start(self, **env):
        e = dict(os.environ, FAKE_PIDS=self.pids, **env)
        return subprocess.Popen([BENCH_RUN, self.fake, "--quick"],
                                cwd=self.work, env=e, text=True,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

    def runs(self):
        d = os.path.join(self.work, "results", "runs")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def latest(self):
        return os.readlink(os.path.join(self.work, "results", "latest"))

    def test_20_concurrent_runs(self):
        procs = [self.start() for _ in range(20)]
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
        runs = self.runs()
        self.assertEqual(len(runs), 20, runs)
        seen = set()
        for r in runs:
            with open(os.path.join(self.work, "results", "runs", r,
                                   "results.json")) as f:
                doc = json.load(f)  # complete: the stand-in's whole text
            seen.add(doc["context"]["run"])
            self.assertEqual(sorted(os.listdir(os.path.join(
                self.work, "results", "runs", r))),
                ["pcbench.log", "results.json"])
        self.assertEqual(len(seen), 20, "two runs shared a folder")
        self.assertIn(os.path.basename(self.latest()), runs)
        self.assertEqual(self.latest(), "runs/" + os.path.basename(
            self.latest()))
        self.assertEqual(sorted(os.listdir(os.path.join(self.work,
                                                        "results"))),
                         ["latest", "runs"])

    def previous_run(self):
        """A finished run that results/latest points at."""
        p = self.start(FAKE_SLEEP="0")
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        return self.latest(), self.runs()

    def test_signals_leave_no_orphan(self):
        latest, before = self.previous_run()
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            with self.subTest(sig=sig.name):
                for f in os.listdir(self.pids):
                    os.unlink(os.path.join(self.pids, f))
                p = self.start(FAKE_SLEEP="60")
                deadline = time.monotonic() + 60
                while not os.listdir(self.pids):  # pcbench has started
                    self.assertLess(time.monotonic(), deadline)
                    time.sleep(0.05)
                self.assertEqual(len(self.runs()), len(before) + 1)
                p.send_signal(sig)  # to bench-run alone
                _, err = p.communicate(timeout=60)
                self.assertEqual(p.returncode, 128 + sig.value, err)
                self.assertEqual(len(err.splitlines()), 1, err)
                child = int(os.listdir(self.pids)[0])
                with self.assertRaises(ProcessLookupError):
                    os.kill(child, 0)  # pcbench stopped
                self.assertEqual(self.runs(), before, "orphan run folder")
                self.assertEqual(self.latest(), latest)
                self.assertEqual(sorted(os.listdir(os.path.join(
                    self.work, "results"))), ["latest", "runs"])

    def test_failed_check_keeps_its_evidence(self):
        latest, before = self.previous_run()
        p = self.start(FAKE_CHECK_FAIL="1")
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 1, err)
        self.assertEqual(self.latest(), latest)  # the last good run
        kept = [r for r in self.runs() if r not in before]
        self.assertEqual(len(kept), 1, self.runs())
        folder = os.path.join(self.work, "results", "runs", kept[0])
        self.assertEqual(sorted(os.listdir(folder)),
                         ["FAILED", "pcbench.log", "results.json"])
        with open(os.path.join(folder, "FAILED")) as f:
            failed = f.read()
        self.assertIn("a correctness or storm check failed", failed)
        self.assertIn("FAIL: a guarded strategy lost correctness", failed)
        with open(os.path.join(folder, "pcbench.log")) as f:
            log = f.read()
        self.assertIn("pcbench: progress line\n", log)
        self.assertIn("FAIL: a guarded strategy lost correctness", log)
        with open(os.path.join(folder, "results.json")) as f:
            doc = json.load(f, parse_constant=lambda t: 1 / 0)
        self.assertIn("check failed", doc["context"]["run_failed"])
        self.assertEqual(doc["benchmarks"], [])
        last = err.splitlines()[-1]
        self.assertIn("results/runs/" + kept[0], last)
        self.assertIn("results/latest unchanged", last)
        self.assertEqual(sorted(os.listdir(os.path.join(
            self.work, "results"))), ["latest", "runs"])

    def test_failed_run_leaves_nothing(self):
        latest, before = self.previous_run()
        p = self.start(FAKE_FAIL="1")
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 1, err)
        self.assertEqual(self.runs(), before)
        self.assertEqual(self.latest(), latest)


if __name__ == "__main__":
    unittest.main(verbosity=2)
