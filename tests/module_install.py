#!/usr/bin/python3
"""A strategy brought from outside, from a fresh install (issue 24).

In a temporary folder:

1. `cmake --install BUILD` into a prefix of its own;
2. examples/my_strategy, copied out of the tree, configured and built
   against that prefix alone (CMAKE_PREFIX_PATH, no package registry,
   no path into the tree) -- and once more with pkg-config alone;
3. the installed pcbench lists it (`[module my_strategy]`), and a module
   of another ABI version, one whose strategy is of another strategy
   version, a missing file and a file that is no module each exit 2
   with one line (the versions' name both versions);
4. the conformance suite passes on it (TEST_CONFORMANCE --module=);
5. the installed pcbench runs it beside off, stack and thread in a small
   matrix with checks, a storm, churn, heap and paired entries: its rows
   are in the results file, correct, its context names its module, and
   the installed scripts/report writes a report whose scorecard has its
   column.

usage: module_install.py [--prefix DIR] BUILD_DIR SOURCE_DIR TEST_CONFORMANCE

--prefix DIR: a prefix `make install PREFIX=DIR` filled (.ci/run), used
instead of step 1.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

NAME = "my_strategy"
STRATEGIES = "off,stack,thread," + NAME
RUN = ["--workloads=malloc", "--strategies=" + STRATEGIES, "--depths=32",
       "--frames=8", "--min-time=0.002", "--latency-events=200",
       "--check-events=100", "--churn-threads=50", "--storm=20000",
       "--storm-events=200000", "--paired", "--rounds=20", "--layouts=0"]
# A module of another ABI version: the contract's struct, version 99.
BAD_MODULE = r"""
#include <pcbench/module.h>
static const struct pcb_event_module m = { .version = 99 };
__attribute__((visibility("default")))
const struct pcb_event_module *pcb_event_module(void) { return &m; }
"""


def sh(cmd, **kw):
    """Runs cmd under nice; its output, or exits 1 naming it."""
    p = subprocess.run(["nice", "-n", "19"] + cmd, capture_output=True,
                       text=True, **kw)
    if p.returncode != 0:
        said = [l for l in (p.stdout + p.stderr).splitlines()
                if not l.startswith("pcbench: [")]  # not the progress
        sys.exit(f"module_install: {' '.join(cmd)} exited {p.returncode}:\n"
                 + "\n".join(said)[-4000:])
    return p


def refused(pcbench, arg, want):
    """pcbench --module=arg --list exits 2, one line holding each of want."""
    p = subprocess.run([pcbench, "--module=" + arg, "--list"],
                       capture_output=True, text=True)
    lines = p.stderr.strip().splitlines()
    if p.returncode != 2 or len(lines) != 1 or p.stdout or \
            not all(w in lines[0] for w in want):
        sys.exit(f"module_install: --module={arg}: exit {p.returncode}, "
                 f"stderr {p.stderr!r}, stdout {p.stdout[:200]!r}; expected "
                 f"exit 2 and one line naming {want}")


def build_example(src, tmp, prefix):
    """The example, copied out of the tree, against the prefix alone."""
    ex = os.path.join(tmp, "my_strategy")
    shutil.copytree(os.path.join(src, "examples", "my_strategy"), ex)
    sh(["cmake", "-S", ex, "-B", os.path.join(ex, "build"),
        "-DCMAKE_PREFIX_PATH=" + prefix,
        "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF",
        "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF"])
    sh(["cmake", "--build", os.path.join(ex, "build")])
    so = os.path.join(ex, "build", "lib%s.so" % NAME)
    # pkg-config alone, as a Makefile would
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib",
                                                        "pkgconfig"))
    flags = sh(["pkg-config", "--cflags", "--libs", "pcbench"],
               env=env).stdout.split()
    so_pc = os.path.join(tmp, "libmy_strategy_pc.so")
    sh(["cc", "-std=c11", "-O2", "-shared", "-fPIC", "-fvisibility=hidden",
        "-o", so_pc, os.path.join(ex, "my_strategy.c")] + flags)
    # the same strategy of another strategy version
    with open(os.path.join(ex, "my_strategy.c")) as f:
        text = f.read().replace(".version = PCB_STRATEGY_VERSION,",
                                ".version = PCB_STRATEGY_VERSION + 7,")
    with open(os.path.join(tmp, "old.c"), "w") as f:
        f.write(text)
    so_old = os.path.join(tmp, "libold.so")
    sh(["cc", "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden",
        "-o", so_old, os.path.join(tmp, "old.c")] + flags)
    return so, so_pc, so_old


def check_results(path):
    with open(path) as f:
        res = json.load(f)
    ctx = res["context"]
    if ctx.get("strategy_modules") != f"{NAME}:{NAME}" or \
            f"{NAME}:" not in ctx.get("strategy_flags", "") or \
            "module" not in ctx["strategy_flags"].split(f"{NAME}:")[1] \
            .split(";")[0].split(","):
        sys.exit(f"module_install: the context does not name {NAME}'s "
                 f"module: strategy_modules {ctx.get('strategy_modules')!r}, "
                 f"strategy_flags {ctx.get('strategy_flags')!r}")
    names = [b["name"] for b in res["benchmarks"]]
    for kind in ("malloc/", "storm/", "churn/", "heap/", "first_event/",
                 "thread_start/"):
        rows = [b for b in res["benchmarks"] if b["name"].startswith(kind)
                and f"/{NAME}/" in b["name"]]
        if not rows:
            sys.exit(f"module_install: no {kind} entry of {NAME} among "
                     f"{len(names)} entries")
    for b in res["benchmarks"]:
        if b["name"].startswith(("malloc/", "storm/")) and \
                f"/{NAME}/" in b["name"] and b.get("correct", 1) != 1:
            sys.exit(f"module_install: {b['name']}: correct "
                     f"{b.get('correct')}")
    paired = [b for b in res["benchmarks"] if b["name"].startswith("paired/")]
    if not paired or f"{NAME}_minus_off_ns" not in paired[0]:
        sys.exit(f"module_install: no paired {NAME}_minus_off_ns")
    # a module that brings a strategy is no other build: no `S@label` arms
    labelled = [k for b in paired for k in b if "@" in k]
    if labelled:
        sys.exit(f"module_install: a user's module gave old-against-new "
                 f"arms: {labelled[:3]}")


def main():
    args = sys.argv[1:]
    installed = None
    if args[:1] == ["--prefix"] and len(args) == 5:
        installed, args = os.path.abspath(args[1]), args[2:]
    if len(args) != 3:
        sys.exit(__doc__)
    build, src, conformance = args
    with tempfile.TemporaryDirectory(prefix="pcb-module-") as tmp:
        prefix = installed or os.path.join(tmp, "prefix")
        if installed is None:
            sh(["cmake", "--install", build, "--prefix", prefix])
        pcbench = os.path.join(prefix, "bin", "pcbench")
        so, so_pc, so_old = build_example(src, tmp, prefix)

        for lib in (so, so_pc):
            out = sh([pcbench, "--module=" + lib, "--list"]).stdout
            if f"[module {os.path.basename(lib)[3:-3]}]" not in out:
                sys.exit(f"module_install: --list does not mark {lib}")
        bad = os.path.join(tmp, "libbad.so")
        with open(bad + ".c", "w") as f:
            f.write(BAD_MODULE)
        sh(["cc", "-shared", "-fPIC", "-I" + os.path.join(prefix, "include"),
            "-o", bad, bad + ".c"])
        refused(pcbench, bad, ["version 99", "version 2"])
        # old against new in one process: another ABI refused the same way
        compare = os.path.join(prefix, "libexec", "pcbench", "compare")
        p = subprocess.run([compare, "--alternate", bad, pcbench,
                            "--in-process"], capture_output=True, text=True)
        if p.returncode != 2 or len(p.stderr.strip().splitlines()) != 1 or \
                "version 99" not in p.stderr or "version 2" not in p.stderr:
            sys.exit(f"module_install: compare --in-process with {bad}: "
                     f"exit {p.returncode}, stderr {p.stderr!r}")
        refused(pcbench, so_old, [f"strategy '{NAME}'", "strategy version"])
        refused(pcbench, os.path.join(tmp, "none.so"), ["none.so"])
        refused(pcbench, os.path.join(prefix, "lib", "pkgconfig",
                                      "pcbench.pc"), ["pcbench.pc"])

        p = sh([conformance, "--module=" + so])
        if "[  PASSED  ] 9 test(s)." not in p.stderr:
            sys.exit(f"module_install: conformance: {p.stderr[-2000:]}")

        results = os.path.join(tmp, "r.json")
        sh([pcbench, "--module=" + so, "--out=" + results] + RUN, cwd=tmp)
        check_results(results)
        report = os.path.join(prefix, "libexec", "pcbench", "report")
        sh([report, results, "--out-dir", tmp])
        with open(os.path.join(tmp, "report.md")) as f:
            md = f.read()
        head = [l for l in md.splitlines() if l.startswith("| figure |")]
        if not head or f"| `{NAME}` |" not in head[0] + " ":
            sys.exit(f"module_install: report.md's scorecard has no column "
                     f"of {NAME}: {head[:1]}")
    print(f"module_install: {NAME} installed, built against the prefix "
          "alone (CMake and pkg-config), refused when of another version, "
          "conformant, run and reported: ok")


if __name__ == "__main__":
    main()
