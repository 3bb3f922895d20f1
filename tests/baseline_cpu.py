#!/usr/bin/python3
"""The whole program on a baseline x86-64 CPU: nothing it runs may need
an instruction that CPU does not advertise.

Machines of one kind differ in what CPUID advertises (one runs rdtscp
natively with its CPUID bit clear), and valgrind and emulators decode
only what is advertised: an instruction used without asking CPUID passes
on one machine and dies with SIGILL on the next.  qemu's user-mode
emulator with `-cpu qemu64` is a CPU that lacks everything beyond the
x86-64 baseline (no rdtscp, no AVX) and raises SIGILL on it, on any host:
so this catches the whole class on every machine, not only on the one
that hides an instruction.

Runs every cmocka suite given, then a short pcbench run (one workload of
each kind of event: malloc, block, lock; Go's three strategies and `off`;
both depths; paired entries) under the emulator, and
checks what does not depend on speed: exit status, the results' shape
and correctness (results_shape.py), the exact stack figures
(stack_check.py) and that the clock is one the emulated CPU advertises
(`pcbench --list` under the same emulator).  Timings under emulation
mean nothing and are not read.

Then the other way round, under `-cpu max` (a CPU that advertises
rdtscp whatever the host does): `auto` must pick rdtscp there, and a
short run with `--clock=rdtscp` must complete and say so -- the rdtscp
path is exercised on every host, even one that hides the instruction.

Exit 77 (skipped, and says why) on a host that is not x86-64.

usage: baseline_cpu.py QEMU_CPU PCBENCH WORKDIR SUITE...
"""
import json
import os
import platform
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = ["--quick", "--workloads=malloc,block,lock",
       "--strategies=off,stack,thread,lazy", "--depths=32,128",
       "--frames=16,200", "--churn-threads=0", "--min-time=0.002",
       "--latency-events=500", "--check-events=100", "--paired",
       "--rounds=20"]


def emulated(qemu, cpu, argv, **kw):
    return subprocess.run([qemu, "-cpu", cpu] + argv, **kw)


def died(r):
    return f"killed by signal {-r.returncode}" if r.returncode < 0 else \
        f"exit {r.returncode}"


def suites(qemu, cpu, binaries):
    failed = []
    for b in binaries:
        r = emulated(qemu, cpu, [b], capture_output=True, text=True)
        name = os.path.basename(b)
        print(f"baseline_cpu: {name}: {died(r) if r.returncode else 'passed'}")
        if r.returncode:
            print(r.stdout[-2000:] + r.stderr[-2000:])
            failed.append(name)
    return failed


def auto_clock(qemu, cpu, pcbench):
    r = emulated(qemu, cpu, [pcbench, "--list"], capture_output=True,
                 text=True)
    m = re.search(r"^clocks \(--clock; auto picks (\w+) here\):", r.stdout,
                  re.M)
    return m.group(1) if r.returncode == 0 and m else None


def bench(qemu, cpu, pcbench, out):
    failed = []
    r = emulated(qemu, cpu, [pcbench, "--out=" + out] + RUN,
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    print(f"baseline_cpu: pcbench {' '.join(RUN)}: "
          f"{died(r) if r.returncode else 'passed'}")
    if r.returncode:
        print(r.stderr[-2000:])
        return ["pcbench"]
    checks = [[os.path.join(HERE, "results_shape.py"), out,
               "malloc,block,lock", "off,stack,thread,lazy", "32,128",
               "16,200"]]
    checks += [[os.path.join(HERE, "stack_check.py"), out, wl, "200"]
               for wl in ("malloc", "block")]
    for c in checks:
        if subprocess.run([sys.executable] + c).returncode:
            failed.append(os.path.basename(c[0]))
    with open(out) as f:
        clock = json.load(f)["context"].get("clock")
    auto = auto_clock(qemu, cpu, pcbench)
    print(f"baseline_cpu: clock {clock}; --list under {cpu}: auto is {auto}")
    if clock is None or clock != auto:
        failed.append("clock")
    return failed


def rdtscp_where_advertised(qemu, pcbench, out):
    """Under -cpu max: auto picks rdtscp, and a run with it completes."""
    failed = []
    auto = auto_clock(qemu, "max", pcbench)
    r = emulated(qemu, "max", [pcbench, "--clock=rdtscp", "--out=" + out,
                               "--workloads=malloc", "--strategies=off,stack",
                               "--depths=32", "--frames=8", "--min-time=0.002",
                               "--latency-events=100", "--check-events=20",
                               "--churn-threads=0", "--paired", "--rounds=20",
                               "--benchmark_filter=^(malloc|paired)/"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    clock = None
    if r.returncode == 0:
        with open(out) as f:
            clock = json.load(f)["context"].get("clock")
    print(f"baseline_cpu: -cpu max: auto is {auto}; --clock=rdtscp: "
          f"{died(r) if r.returncode else 'passed'}, clock {clock}")
    if auto != "rdtscp" or clock != "rdtscp":
        failed.append("rdtscp under -cpu max")
        print(r.stderr[-2000:])
    return failed


def main(cpu, pcbench, workdir, *binaries):
    if platform.machine() != "x86_64":
        print(f"baseline_cpu: skipped: the host is {platform.machine()}, "
              "not x86-64, and this emulates an x86-64 CPU")
        return 77
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        print("baseline_cpu: qemu-x86_64 not found (scripts/install-deps "
              "installs Debian's qemu-user)")
        return 1
    failed = suites(qemu, cpu, binaries)
    failed += bench(qemu, cpu, pcbench, os.path.join(workdir, "baseline.json"))
    failed += rdtscp_where_advertised(qemu, pcbench,
                                      os.path.join(workdir, "rdtscp.json"))
    if failed:
        print(f"baseline_cpu: FAILED under -cpu {cpu}: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
