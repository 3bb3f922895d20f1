#!/usr/bin/python3
"""docs/ci-workflow.yml is a GitHub Actions workflow a runner can start:
it parses (PyYAML, python3-yaml), has `on:` push and pull_request, a job
with `runs-on` and a Debian 12 container or scripts/install-deps, runs
`make bench-ci`, then scripts/export, then github-action-benchmark with
tool customSmallerIsBetter reading what export wrote, keeps its history in
a cache whose key changes every run (with restore-keys), uploads its
artifacts with `if: always()`, and runs the in-process timing gate
(both builds with 32 layouts).  The scripts and export formats it names exist.
Run by CTest (scripts_ci_workflow).
"""
import os
import re
import subprocess
import unittest

import yaml

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
WORKFLOW = os.path.join(ROOT, "docs", "ci-workflow.yml")


class Workflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(WORKFLOW) as f:
            cls.text = f.read()
        cls.doc = yaml.safe_load(cls.text)

    def job(self):
        jobs = self.doc["jobs"]
        self.assertIsInstance(jobs, dict)
        self.assertEqual(len(jobs), 1)
        return next(iter(jobs.values()))

    def steps(self):
        steps = self.job()["steps"]
        self.assertIsInstance(steps, list)
        for s in steps:
            self.assertTrue(("run" in s) != ("uses" in s), s)
        return steps

    def index(self, pred, what):
        found = [i for i, s in enumerate(self.steps()) if pred(s)]
        self.assertTrue(found, f"no step {what}")
        return found[0]

    def test_triggers(self):
        # YAML 1.1 reads the key `on` as true: accept either spelling
        on = self.doc.get("on", self.doc.get(True))
        self.assertIsInstance(on, dict)
        self.assertIn("push", on)
        self.assertIn("pull_request", on)

    def test_runner_and_debian(self):
        job = self.job()
        self.assertEqual(job["runs-on"], "ubuntu-latest")
        image = (job.get("container") or {}).get("image", "")
        self.assertTrue(image == "debian:12" or any(
            "scripts/install-deps" in s.get("run", "")
            for s in self.steps()))
        self.assertIn("timeout-minutes", job)

    def test_order_bench_export_track(self):
        bench = self.index(lambda s: "make bench-ci" in s.get("run", ""),
                           "running make bench-ci")
        export = self.index(lambda s: "scripts/export" in s.get("run", ""),
                            "running scripts/export")
        track = self.index(lambda s: s.get("uses", "").startswith(
            "benchmark-action/github-action-benchmark@"),
            "using github-action-benchmark")
        self.assertLess(bench, export)
        self.assertLess(export, track)
        w = self.steps()[track]["with"]
        self.assertEqual(w["tool"], "customSmallerIsBetter")
        run = self.steps()[export]["run"]
        self.assertIn("--format=custom", run)
        self.assertIn(f"--out {w['output-file-path']}", " ".join(run.split()))

    def test_cache_key_per_run_with_restore_keys(self):
        restore = self.index(lambda s: s.get("uses", "").startswith(
            ("actions/cache@", "actions/cache/restore@")), "restoring a cache")
        w = self.steps()[restore]["with"]
        self.assertIn("github.run_id", w["key"])
        self.assertTrue(w["restore-keys"].strip())
        self.assertIn("ci-history", w["path"])

    def test_artifacts_always(self):
        up = self.steps()[self.index(lambda s: s.get("uses", "").startswith(
            "actions/upload-artifact@"), "uploading artifacts")]
        self.assertEqual(up.get("if"), "always()")
        self.assertIn("ci-out/", up["with"]["path"])

    def test_timing_gate(self):
        self.assertRegex(self.text, r"TIMING GATE: old and new in one process")
        gate = self.steps()[self.index(
            lambda s: "compare --alternate" in s.get("run", ""),
            "running the in-process comparison")]
        self.assertNotIn("if", gate)  # live, not a placeholder
        self.assertIn("--in-process", gate["run"])
        # both sides with the layouts the intervals need (docs/ci.md)
        self.assertEqual(gate["run"].count("-DPCB_LAYOUTS=32"), 1)
        self.assertIn("for side in base gate", gate["run"])
        self.assertIn("BASE", gate.get("env", {}))
        checkout = self.steps()[self.index(
            lambda s: s.get("uses", "").startswith("actions/checkout@"),
            "checking out")]
        self.assertEqual(checkout.get("with", {}).get("fetch-depth"), 0)

    def test_named_scripts_and_formats_exist(self):
        runs = " ".join(s.get("run", "") for s in self.steps())
        for script in set(re.findall(r"scripts/([\w-]+)", runs)):
            path = os.path.join(ROOT, "scripts", script)
            self.assertTrue(os.access(path, os.X_OK), script)
        for fmt in set(re.findall(r"--format=(\w+)", runs)):
            p = subprocess.run([os.path.join(ROOT, "scripts", "export"),
                                "--help"], capture_output=True, text=True)
            self.assertIn(fmt, p.stdout)
        for s in self.steps():  # every run block is valid POSIX shell
            if "run" in s:
                text = re.sub(r"\$\{\{[^}]*\}\}", "x", s["run"])
                p = subprocess.run(["sh", "-n", "-c", text],
                                   capture_output=True, text=True)
                self.assertEqual(p.returncode, 0, p.stderr + text)

    def test_gate_allows_missing(self):
        """The baseline may predate entries and figures (est_cycles, the
        cold entries): both compares list them rather than exit 2."""
        runs = [s["run"] for s in self.steps()
                if "scripts/compare results/baseline.json" in s.get("run", "")]
        self.assertTrue(runs)
        for run in runs:
            for cmd in run.split("scripts/compare ")[1:]:
                cmd = " ".join(cmd.replace("\\\n", " ").split())
                self.assertIn("--allow-missing", cmd.split("||")[0], cmd)

    def test_runs_on_main_never_cancelled(self):
        c = self.doc["concurrency"]["cancel-in-progress"]
        self.assertNotEqual(c, True)
        self.assertIn("refs/heads/main", str(c))
        self.assertIn("!=", str(c))

    def test_bencher_when_a_token_is_set(self):
        env = self.job()["env"]
        self.assertIn("secrets.BENCHER_API_TOKEN", env["BENCHER_API_TOKEN"])
        up = self.steps()[self.index(
            lambda s: "bencher run" in s.get("run", ""), "running bencher")]
        self.assertIn("BENCHER_API_TOKEN", up.get("if", ""))
        self.assertIn("--file ci-out/bmf.json", " ".join(up["run"].split()))
        export = self.index(lambda s: "--format=bmf" in s.get("run", ""),
                            "exporting BMF")
        self.assertLess(export, self.steps().index(up))

    def test_old_example_is_gone(self):
        self.assertFalse(os.path.exists(os.path.join(ROOT, "docs",
                                                     "ci-example.yml")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
