#!/usr/bin/python3
"""Google Benchmark's environment variables, where they are allowed: each
goes through the row of its flag and does what the flag does, a flag on
the command line wins over it, V (Google Benchmark's log level) is
ignored, and --help offers nothing that is refused.  (The refusals are
cases of hostile_cli.py.)

usage: gb_env.py PCBENCH
"""
import json
import os
import subprocess
import sys
import tempfile

RUN = ["--workloads=malloc", "--strategies=off", "--depths=32", "--frames=8",
       "--min-time=0.001", "--latency-events=20", "--check-events=10",
       "--churn-threads=0"]
REFUSED = ["--benchmark_out=", "--benchmark_out_format", "perf_counters",
           "BENCHMARK_OUT", "BENCHMARK_PERF", "csv"]


def run(pcbench, d, env, args=()):
    """The iteration rows' names per entry, the exit status, stderr."""
    out = os.path.join(d, "r.json")
    r = subprocess.run([pcbench] + RUN + list(args) + ["--out=" + out],
                       capture_output=True, env=dict(os.environ, **env),
                       timeout=120)
    rows = {}
    if r.returncode == 0:
        for b in json.load(open(out))["benchmarks"]:
            if b.get("run_type") == "iteration":
                rows[b["run_name"]] = rows.get(b["run_name"], 0) + 1
        os.unlink(out)
    return rows, r.returncode, r.stderr.decode(errors="replace")


def main():
    pcbench = sys.argv[1]
    problems = []
    loop, harness = "overhead/loop", "overhead/harness"
    cases = [
        # env, args, the entries and repetitions expected
        ({"BENCHMARK_FILTER": "^overhead/loop$"}, [], {loop: 1}),
        ({"BENCHMARK_FILTER": "^overhead/loop$"},
         ["--benchmark_filter=^overhead/harness$"], {harness: 1}),
        ({"BENCHMARK_FILTER": "^overhead/loop$",
          "BENCHMARK_REPETITIONS": "2"}, [], {loop: 2}),
        ({"BENCHMARK_FILTER": "^overhead/loop$",
          "BENCHMARK_REPETITIONS": "2"}, ["--repetitions=3"], {loop: 3}),
        ({"BENCHMARK_FILTER": "-^overhead/",
          "BENCHMARK_COUNTERS_TABULAR": "false",
          "BENCHMARK_TIME_UNIT": "us", "BENCHMARK_COLOR": "false"},
         ["--benchmark_filter=^overhead/loop$"], {loop: 1}),
        ({"BENCHMARK_FILTER": "^overhead/loop$", "V": "2"}, [], {loop: 1}),
        ({"BENCHMARK_FILTER": "^overhead/loop$", "V": "abc"}, [], {loop: 1}),
    ]
    with tempfile.TemporaryDirectory() as d:
        for env, args, want in cases:
            rows, rc, err = run(pcbench, d, env, args)
            if rc != 0 or rows != want:
                problems.append("%r %r: exit %d, entries %r, not %r\n%s" %
                                (env, args, rc, rows, want, err[-300:]))
            if "LOG(" in err or "Environment variable" in err:
                problems.append("%r: Google Benchmark spoke on its own:\n%s"
                                % (env, err[-300:]))
    usage = subprocess.run([pcbench, "--help"], capture_output=True,
                           text=True).stdout
    for word in REFUSED:
        if word in usage:
            problems.append("--help offers %r, which is refused" % word)
    if "BENCHMARK_FILTER" not in usage:
        problems.append("--help does not name BENCHMARK_FILTER")
    for p in problems:
        print("FAIL " + p)
    print("%d cases, %d problems" % (len(cases) + 1, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
