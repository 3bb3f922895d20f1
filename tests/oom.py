#!/usr/bin/python3
"""Out of memory anywhere: pcbench under a failing allocator (LD_PRELOAD
of tests/failmalloc.c: every allocation call after the first N fails,
or only those of at least FLOOR bytes), N swept from 0 to 100000.  Each
run must end with no signal (no std::bad_alloc escaping as SIGABRT, no
crash in a library), no temporary left beside --out, and either:
  - exit 0, the results written (every allocation it needed was made
    before N, or was under the floor), or
  - exit 1, one line saying it ran out of memory, the last of stderr and
    the only one of pcbench's but progress and warnings, the previous
    results byte-identical.
By default a subset (N log-spaced, several floors), as `make test` runs
it; --full sweeps N over 0..100000 (120 values log-spaced) at every floor,
and every 10th N up to 3000 at floors 0 and 64.  A run still going after
120 s is a failure too (hwloc once spun for ever on a cpuset it could not
allocate).

usage: oom.py PCBENCH FAILMALLOC_SO [--full] [--jobs J] [--run "ARGS"]
(--run: pcbench's arguments instead of RUN, for a sweep by hand)
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

# Every suite but the longest (heap's 1000-thread entries), small: a run
# makes about 40,000 allocation calls, most of them in Google Benchmark.
RUN = ["--workloads=malloc,block", "--strategies=off,stack,thread,lazy",
       "--depths=32", "--frames=8", "--min-time=0.001",
       "--latency-events=20", "--check-events=10", "--churn-threads=20",
       "--fail-every=3", "--paired", "--rounds=20", "--cache=warm,cold",
       "--working-set=65536", "--rate=1,go",
       "--benchmark_filter=-threads:1000"]
PREVIOUS = b'{"previous": true}\n'
FLOORS = [0, 64, 400, 4096, 65536, 1 << 20]


def log_spaced(hi, n):
    """0, 1, and n - 2 more values log-spaced up to hi, distinct."""
    vals = {0, 1, hi}
    for i in range(n):
        vals.add(round(hi ** (i / (n - 1))))
    return sorted(vals)


def cases(full):
    if full:  # and every 10th call of start-up, where most set-up is
        return sorted({(n, f) for f in FLOORS
                       for n in log_spaced(100000, 120)} |
                      {(n, f) for f in FLOORS[:2] for n in range(0, 3001, 10)})
    return ([(n, 0) for n in log_spaced(100000, 24)] +
            [(n, f) for f in FLOORS[1:] for n in (0, 300, 3000, 30000)])


def one(pcbench, shim, run, n, floor):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        with open(out, "wb") as f:
            f.write(PREVIOUS)
        env = dict(os.environ, LD_PRELOAD=shim, PCB_FAIL_AFTER=str(n),
                   PCB_FAIL_FLOOR=str(floor))
        try:
            r = subprocess.run([pcbench] + run + ["--out=" + out], env=env,
                               capture_output=True, timeout=120)
            rc, err = r.returncode, r.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired:
            rc, err = "timeout", ""
        left = sorted(set(os.listdir(d)) - {"r.json"})
        said = [l for l in err.splitlines() if l.startswith("pcbench: ") and
                not l.startswith("pcbench: [")]
        oom = [l for l in said if "out of memory" in l]
        why = []
        if rc == 0:
            try:
                json.load(open(out))
            except ValueError:
                why.append("exit 0 without a results file")
        elif rc == 1:
            if len(oom) != 1 or said[-1] != oom[0] or \
                    err.splitlines()[-1:] != oom:
                why.append("not one line ending in 'out of memory', last")
            if open(out, "rb").read() != PREVIOUS:
                why.append("previous results changed")
        else:
            why.append("exit %s" % rc)
        if "terminate called" in err or "Traceback" in err:
            why.append("an exception escaped")
        if left:
            why.append("left behind: " + " ".join(left))
        kind = "ok" if rc == 0 else "oom" if rc == 1 else "signal" \
            if isinstance(rc, int) and rc < 0 else "other"
        return n, floor, kind, why, "\n".join(said[-3:] or [err[-300:]])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("pcbench")
    p.add_argument("shim")
    p.add_argument("--full", action="store_true")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--run", type=str.split, default=RUN)
    a = p.parse_args()
    todo = cases(a.full)
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        done = list(pool.map(lambda c: one(a.pcbench, a.shim, a.run, *c),
                             todo))
    tally = {}
    bad = 0
    for n, floor, kind, why, said in done:
        tally[kind] = tally.get(kind, 0) + 1
        if why:
            bad += 1
            print("FAIL N=%d floor=%d: %s\n  %s" % (n, floor, ", ".join(why),
                                                    said.replace("\n", "\n  ")))
    print("%d runs: %s; %d failed" % (len(done), ", ".join(
        "%d %s" % (v, k) for k, v in sorted(tally.items())), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
