#!/usr/bin/python3
"""docs/ci-workflow.yml run here, step by step, on a fresh clone: does the
example workflow pass its gate against the shipped results/baseline.json?

Model: the workflow's one job is read from the YAML and its steps are run
in order, as a runner would for a push to main with no base commit (the
first push of a branch): each `run:` block with `bash -e` in the clone,
with the job's and the step's `env:`, `${{ ... }}` replaced from the
table CONTEXT below, GITHUB_WORKSPACE and GITHUB_STEP_SUMMARY set; a step
runs when every step before it passed, or when its `if:` is always();
`if: env.X != ''` is read from the env.  What only a runner has is
stubbed, and nothing else:

- the clone: `git clone --shared` of this checkout, with the working
  tree's uncommitted changes to tracked files copied over it (a fresh
  clone of the tree as it would be committed: no build, no results/latest);
- `apt-get`: a stub that installs nothing and fails if a package asked
  for is not installed (the container installs git; here it is present);
- `make`: the real make with `-o build` and BUILD= this build, so `make
  bench-ci` runs the Makefile's own recipe (scripts/bench-ci) against the
  pcbench CTest built instead of building the clone again;
- `git config --global` writes to a temporary file (GIT_CONFIG_GLOBAL);
- `uses:` steps: the checkout is the clone; the caches restore nothing and
  save nothing; github-action-benchmark's input must be the list of
  {name, unit, value} that tool reads; the artifacts' paths must exist;
  Bencher's steps are skipped (no token, as in a fork).  Any other action,
  expression or condition fails the test: a change to the workflow must
  be stubbed here on purpose.

The timing gate's step therefore takes its "no base commit" path: its
in-process comparison is a timing run of two builds (minutes), tested
against fakes by tests/scripts/test_inprocess.py and for real by
tests/scripts/inprocess_real.py.

Then it fails once on purpose, every time: one exact figure of the
baseline is planted (one entry's instructions lowered by 1), the steps
from the first compare onwards run again, and the last step (the gate)
must now exit 1 while every other step still passes.

Exit 0 when the workflow passes and the planted change fails its gate,
else 1 with the failing step and its output's tail.
usage: ci_workflow_local.py BUILD_DIR   (BUILD_DIR/bench/pcbench)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)
WORKFLOW = "docs/ci-workflow.yml"

# ${{ ... }} on a push to main whose event names no earlier commit.
CONTEXT = {
    "github.ref": "refs/heads/main", "github.ref_name": "main",
    "github.head_ref": "", "github.event_name": "push",
    "github.run_id": "1", "github.event.before": "",
    "github.event.pull_request.base.sha": "",
    "secrets.BENCHER_API_TOKEN": "", "vars.BENCHER_PROJECT": "",
}

APT_STUB = """#!/bin/sh
# apt-get as the workflow calls it: installs nothing; fails if a package
# asked for is missing here.
[ "$1" = install ] || exit 0
shift
for p in "$@"; do
  case "$p" in -*) continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    { echo "apt-get (stub): $p is not installed here" >&2; exit 1; }
done
"""

MAKE_STUB = """#!/bin/sh
# make as the workflow calls it, on the build CTest made (no rebuild).
exec "{make}" -o build -o deps BUILD="{build}" "$@"
"""


class Failed(Exception):
    pass


def expr(text):
    """One ${{ }} expression: CONTEXT names, 'literals', a || b."""
    for term in text.split("||"):
        term = term.strip()
        m = re.fullmatch(r"'([^']*)'", term)
        if m:
            value = m.group(1)
        elif term in CONTEXT:
            value = CONTEXT[term]
        else:
            raise Failed(f"no stub for the expression '{text}'")
        if value:
            return value
    return ""


def substitute(text):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: expr(m.group(1)), str(text))


def wanted(step, env, failed):
    """Whether a step runs: its if: (always(), env.X != '') or success."""
    cond = step.get("if")
    if cond is None:
        return not failed
    cond = substitute(cond).strip()
    if cond == "always()":
        return True
    m = re.fullmatch(r"env\.(\w+) != ''", cond)
    if m:
        return not failed and env.get(m.group(1), "") != ""
    raise Failed(f"step '{step.get('name')}': no stub for if: {cond}")


def action(step, ws):
    """A `uses:` step's stub; raises Failed when its inputs are wrong."""
    uses, w = step["uses"], step.get("with") or {}
    if uses.startswith(("actions/checkout@", "actions/cache/restore@",
                        "actions/cache/save@")):
        return  # the clone; no history to restore, none kept
    if uses.startswith("benchmark-action/github-action-benchmark@"):
        path = os.path.join(ws, w["output-file-path"])
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not (isinstance(data, list) and data and all(
                {"name", "unit", "value"} <= set(d) for d in data)):
            raise Failed(f"{w['output-file-path']}: not the list of "
                         "{name, unit, value} customSmallerIsBetter reads")
        return
    if uses.startswith("actions/upload-artifact@"):
        for p in str(w["path"]).split():
            if not os.path.exists(os.path.join(ws, p)):
                print(f"  upload-artifact (stub): warning: no {p}")
        return
    raise Failed(f"no stub for the action {uses}")


def run_steps(steps, first, job_env, ws, base_env):
    """Run steps[first:]; returns [(name, status)], status None if skipped."""
    out, failed = [], False
    for i, step in enumerate(steps[first:], first):
        name = step.get("name") or step.get("uses") or f"step {i}"
        env = dict(base_env)
        env.update({k: substitute(v) for k, v in job_env.items()})
        if not wanted(step, env, failed):
            out.append((name, None))
            continue
        env.update({k: substitute(v)
                    for k, v in (step.get("env") or {}).items()})
        if "uses" in step:
            try:
                action(step, ws)
                status = 0
            except (Failed, OSError, ValueError) as e:
                print(f"  {name}: {e}")
                status = 1
        else:
            r = subprocess.run(
                ["bash", "--noprofile", "--norc", "-e", "-c",
                 substitute(step["run"])], cwd=ws, env=env, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            status = r.returncode
            if status:
                print("\n".join("  | " + ln
                                for ln in r.stdout.splitlines()[-25:]))
        print(f"step {i} '{name}': exit {status}")
        failed |= status != 0
        out.append((name, status))
    return out


def fresh_clone(ws):
    """A clone of HEAD with the working tree's changes to tracked files."""
    subprocess.run(["git", "clone", "--quiet", "--shared", ROOT, ws],
                   check=True)
    changed = subprocess.run(
        ["git", "-C", ROOT, "diff", "--name-only", "-z", "HEAD"],
        check=True, capture_output=True, text=True).stdout.split("\0")
    for rel in filter(None, changed):
        src, dst = os.path.join(ROOT, rel), os.path.join(ws, rel)
        if os.path.lexists(src):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
        elif os.path.lexists(dst):
            os.remove(dst)


def plant(ws):
    """Lower one exact figure, the first entry's instructions, by 1 (in
    every row of the entry: compare takes the median of its repetitions)."""
    path = os.path.join(ws, "results", "baseline.json")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    name = next(r["run_name"] for r in doc["benchmarks"]
                if "instructions" in r)
    for row in doc["benchmarks"]:
        if row["run_name"] == name and "instructions" in row:
            row["instructions"] -= 1
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    return name


def main(argv):
    build = os.path.abspath(argv[1])
    with open(os.path.join(ROOT, WORKFLOW), encoding="utf-8") as f:
        job = next(iter(yaml.safe_load(f)["jobs"].values()))
    steps, job_env = job["steps"], job.get("env") or {}
    tmp = tempfile.mkdtemp(prefix="pcb-ci-")
    status = run_all(build, steps, job_env, tmp)
    if status:  # a failed check keeps its evidence
        print(f"ci_workflow_local: the clone, ci-out/ and the summary are "
              f"kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return status


def show(path):
    """Prints a file the workflow wrote (the gate's verdicts), if any."""
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            print(f.read())


def run_all(build, steps, job_env, tmp):
    """0 if the workflow passes and a planted change fails its gate."""
    ws, stubs = os.path.join(tmp, "pcbench"), os.path.join(tmp, "bin")
    fresh_clone(ws)
    os.mkdir(stubs)
    for name, text in (("apt-get", APT_STUB), ("make", MAKE_STUB.format(
            make=shutil.which("make"), build=build))):
        with open(os.path.join(stubs, name), "w") as f:
            f.write(text)
        os.chmod(os.path.join(stubs, name), 0o755)
    base_env = dict(os.environ, CI="true", GITHUB_ACTIONS="true",
                    GITHUB_WORKSPACE=ws, GITHUB_EVENT_NAME="push",
                    GITHUB_STEP_SUMMARY=os.path.join(tmp, "summary.md"),
                    GIT_CONFIG_GLOBAL=os.path.join(tmp, "gitconfig"),
                    PATH=stubs + os.pathsep + os.environ["PATH"])
    base_env.pop("BENCHER_API_TOKEN", None)
    print(f"ci_workflow_local: {WORKFLOW} in {ws}")
    res = run_steps(steps, 0, job_env, ws, base_env)
    bad = [(n, s) for n, s in res if s]
    if bad:
        print(f"ci_workflow_local: FAILED: step '{bad[0][0]}' exits "
              f"{bad[0][1]} on a fresh clone with the shipped baseline")
        show(os.path.join(ws, "ci-out", "compare.md"))
        return 1
    # the same gate against a baseline with one exact figure planted
    entry = plant(ws)
    first = next(i for i, s in enumerate(steps)
                 if "scripts/compare" in s.get("run", ""))
    for d in ("ci-out", "ci-history"):
        shutil.rmtree(os.path.join(ws, d), ignore_errors=True)
    print(f"ci_workflow_local: planted: {entry}'s instructions - 1 in "
          "the baseline; the gate must now fail")
    res = run_steps(steps, first, job_env, ws, base_env)
    if res[-1][1] != 1 or any(s for n, s in res[:-1]):
        print("ci_workflow_local: FAILED: the planted change did not "
              f"fail the gate alone with exit 1: {res}")
        return 1
    print("ci_workflow_local: the workflow passes; a planted change fails "
          "its gate")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
