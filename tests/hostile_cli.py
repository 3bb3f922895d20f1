#!/usr/bin/python3
"""Bad command lines, as a hostile user would type them, through pcbench.

Each must exit 2 with exactly one line on stderr (no usage on stdout, no
traceback), write no file, and leave the previous results byte-identical.
Google Benchmark's environment variables set to what its flags may not
be, or that name no setting, are among them, and so is a setting given
twice.  The --out targets that are not a regular file or a new name (a directory,
a FIFO, a symbolic link, a device node made by mknod when running as
root) are among them: each is refused before anything runs.

usage: hostile_cli.py PCBENCH
"""
import os
import stat
import subprocess
import sys
import tempfile

LONG = "x" * 300

# Each case: the arguments (strings), before --out=<dir>/r.json is added.
BAD = [
    # pcbench's own numbers: blanks, signs, hex, words, ranges
    ["--depths=0"], ["--depths=5000"], ["--depths=+32"], ["--depths= 32"],
    ["--depths=\t32"], ["--depths=32 "], ["--depths=0x20"], ["--depths=3e1"],
    ["--depths=32,32"], ["--depths=32,,128"], ["--depths=,32"],
    ["--depths=32,"], ["--depths="], ["--frames=0"], ["--frames=-1"],
    ["--threads=-1"], ["--threads=1.5"], ["--threads=99999999999999999999"],
    ["--min-time=0x1p-4"], ["--min-time=+0.1"], ["--min-time= 0.1"],
    ["--min-time=\t0.1"], ["--min-time=inf"], ["--min-time=nan"],
    ["--min-time=-5"], ["--min-time=0.1s"], ["--min-time=1e9"],
    ["--rate=0"], ["--rate=0x10"], ["--rate=x"], ["--rate=1,,2"],
    ["--rate=1,1"], ["--rate=go,go"], ["--rate=Go"], ["--rate=go,"],
    ["--rate=-1"], ["--rate=1099511627777"],
    ["--rate=" + ",".join(str(i) for i in range(1, 18))],
    ["--spin-ns=x"], ["--working-set=0"],
    ["--working-set=-1"], ["--working-set=1099511627776"],
    ["--repetitions=0"], ["--rounds=5"], ["--storm=-1"], ["--storm=100001"],
    ["--storm=100000"], ["--workloads=malloc,lock", "--storm=20001"],
    ["--check-events=0"], ["--latency-events=" + "9" * 400],
    # names and lists
    ["--strategies=foo"], ["--strategies=stack,stack"],
    ["--strategies=" + LONG], ["--workloads=disk"], ["--workloads=Malloc"],
    ["--placement=cross_core,cross_core"], ["--placement=bogus"],
    ["--placement=cross_core,bogus"], ["--placement= cross_core"],
    ["--cache=hot"], ["--unwinder=none"], ["--unwinder="],
    ["--clock=tsc"], ["--clock="], ["--clock=RDTSCP"], ["--clock=auto,rdtscp"],
    ["--strategies=" + ",".join(["off"] * 17)],
    # forms
    ["--quick=1"], ["--paired=1"], ["--depths"], ["--nonsense"], ["-x"],
    ["--" + LONG], ["--paired", "--strategies=stack"],
    ["--paired", "--instructions=100"],
    ["--workloads=block", "--threads=1"],
    # Google Benchmark's flags
    ["--benchmark_format=xml"], ["--benchmark_format="],
    ["--benchmark_repetitions=0"], ["--benchmark_repetitions=-1"],
    ["--benchmark_repetitions=1e3"], ["--benchmark_min_time=-5"],
    ["--benchmark_min_time=0.05s"], ["--benchmark_min_time=0x1p-4"],
    ["--benchmark_min_warmup_time=-1"], ["--benchmark_out=r2.json"],
    ["--benchmark_out_format=json"], ["--benchmark_perf_counters=CYCLES"],
    ["--benchmark_nonsense=1"], ["--benchmark_list_tests=true"],
    ["--benchmark_list_tests"], ["--benchmark_list_tests=yes"],
    ["--benchmark_color=blue"], ["--benchmark_time_unit=h"],
    ["--benchmark_counters_tabular=1"], ["--benchmark_filter="],
    ["--benchmark_filter=a\nb"], ["--benchmark_context=novalue"],
    ["--benchmark_context==v"], ["--benchmark_context=k=\"v\""],
    ["--benchmark_enable_random_interleaving=maybe"],
    ["--benchmark_format", "json"], ["--benchmark_format=csv"],
    ["--benchmark_filter=("], ["--benchmark_filter=a[b"],
    ["--benchmark_filter=-*x"], ["--benchmark_filter=no_entry_has_this"],
    ["--benchmark_context=a=b=c"], ["--benchmark_context=a=b,,c=d"],
    # a setting given twice, under one name or two; modes that exclude
    # each other
    ["--depths=32", "--depths=128"], ["--quick", "--quick"],
    ["--interleave", "--interleave"],
    ["--repetitions=3", "--benchmark_repetitions=3"],
    ["--min-time=0.1", "--benchmark_min_time=0.2"],
    ["--interleave", "--benchmark_enable_random_interleaving=true"],
    ["--benchmark_filter=^a", "--benchmark_filter=^b"],
    ["--benchmark_color=true", "--benchmark_color=false"],
    ["--instructions=100", "--interleave"],
]

# Google Benchmark's environment variables: each checked as its flag is
# (refused where the flag is refused), and any other BENCHMARK_* refused.
# The run around them is short, so that one let through is seen at once.
ENV_RUN = ["--workloads=malloc", "--strategies=off", "--depths=32",
           "--frames=8", "--min-time=0.001", "--latency-events=20",
           "--check-events=10", "--churn-threads=0"]
BAD_ENV = [
    {"BENCHMARK_LIST_TESTS": "true"}, {"BENCHMARK_LIST_TESTS": "1"},
    {"BENCHMARK_OUT": "{d}/prev.json"}, {"BENCHMARK_OUT": "{d}/other.json"},
    {"BENCHMARK_OUT_FORMAT": "csv"}, {"BENCHMARK_OUT_FORMAT": "json"},
    {"BENCHMARK_FORMAT": "csv"}, {"BENCHMARK_FORMAT": "xml"},
    {"BENCHMARK_REPETITIONS": "0"}, {"BENCHMARK_REPETITIONS": "abc"},
    {"BENCHMARK_REPETITIONS": "1e3"}, {"BENCHMARK_MIN_TIME": "-5"},
    {"BENCHMARK_MIN_TIME": "0.1s"}, {"BENCHMARK_MIN_WARMUP_TIME": "-1"},
    {"BENCHMARK_PERF_COUNTERS": "CYCLES"}, {"BENCHMARK_TIME_UNIT": "fortnight"},
    {"BENCHMARK_COLOR": "blue"}, {"BENCHMARK_COUNTERS_TABULAR": "1"},
    {"BENCHMARK_DISPLAY_AGGREGATES_ONLY": "yes"},
    {"BENCHMARK_REPORT_AGGREGATES_ONLY": "2"},
    {"BENCHMARK_ENABLE_RANDOM_INTERLEAVING": "maybe"},
    {"BENCHMARK_CONTEXT": "novalue"}, {"BENCHMARK_CONTEXT": "a=b=c"},
    {"BENCHMARK_FILTER": "("}, {"BENCHMARK_FILTER": ""},
    {"BENCHMARK_FILTER": "no_entry_has_this"},
    {"BENCHMARK_NONSENSE": "1"}, {"BENCHMARK_Filter": "x"},
    {"BENCHMARK_": "x"},
]


def out_targets(d):
    """--out values that are not a regular file or a new name."""
    os.mkdir(os.path.join(d, "adir"))
    os.mkfifo(os.path.join(d, "fifo"))
    os.symlink("/dev/null", os.path.join(d, "to-null"))
    os.symlink(os.path.join(d, "prev.json"), os.path.join(d, "to-file"))
    cases = [["--out=" + os.path.join(d, n)]
             for n in ("adir", "fifo", "to-null", "to-file", "adir/",
                       "nodir/r.json", "prev.json/x", ".", "..")]
    cases += [["--out="], ["--out=" + os.path.join(d, "y" * 300)],
              ["--out=" + d + "/" + "z/" * 2100 + "r.json"]]
    node = os.path.join(d, "null-node")
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        cases.append(["--out=" + node])
    except PermissionError:
        print("skip: the device-node case needs root (mknod)")
    return cases


def snapshot(d):
    """Every name under d, with the bytes of the regular files."""
    seen = {}
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(root, n)
            st = os.lstat(p)
            seen[p] = (stat.S_IFMT(st.st_mode), st.st_rdev,
                       open(p, "rb").read() if stat.S_ISREG(st.st_mode)
                       else None)
    return seen


def restore(d, before):
    """Undoes a failed case, so that the next is judged on its own."""
    for p in sorted(set(snapshot(d)) - set(before), reverse=True):
        if os.path.isdir(p) and not os.path.islink(p):
            os.rmdir(p)
        else:
            os.unlink(p)
    with open(os.path.join(d, "prev.json"), "wb") as f:
        f.write(before[os.path.join(d, "prev.json")][2])


def main():
    pcbench = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "prev.json"), "wb") as f:
            f.write(b'{"previous": true}\n')
        out = "--out=" + os.path.join(d, "r.json")
        cases = [(a + [out], {}) for a in BAD]
        cases += [(a, {}) for a in out_targets(d)]
        cases += [(ENV_RUN + [out], {k: v.format(d=d) for k, v in e.items()})
                  for e in BAD_ENV]
        before = snapshot(d)
        for args, env in cases:
            why = []
            try:
                r = subprocess.run([pcbench] + args, cwd=d,
                                   capture_output=True, timeout=30,
                                   env=dict(os.environ, **env))
            except subprocess.TimeoutExpired as e:  # it ran: not refused
                r = subprocess.CompletedProcess(args, -9, e.stdout or b"",
                                                e.stderr or b"")
                why.append("still running after 30 s")
            if r.returncode != 2:
                why.append("exit %d" % r.returncode)
            err = r.stderr.decode(errors="replace")
            if err.count("\n") != 1 or not err.endswith("\n"):
                why.append("%d stderr lines" % err.count("\n"))
            if "Traceback" in err or r.stdout:
                why.append("traceback or stdout")
            if snapshot(d) != before:
                why.append("files changed")
                restore(d, before)
            if why:
                failures += 1
                print("FAIL %r %r: %s\n%s" % (env, args, ", ".join(why),
                                              err[:600]))
        print("%d bad command lines, %d failed" % (len(cases), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
