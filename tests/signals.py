#!/usr/bin/python3
"""Every signal whose default action ends the process, sent to a run
with --out: the run ends, its temporary is gone, the previous results
file is byte-identical, and one message names the signal.

The signals: every one of 1..SIGRTMAX whose default action is to
terminate (with or without a core), SIGKILL aside (nothing can catch
it), and 32 and 33 aside: the C library keeps them for itself (thread
cancellation and set*id across threads), refuses to let a program
handle them, and a kill of either is outside what a user can be said to
send (docs/design.md says so).  SIGPROF is sent twice: to a run without
a storm, which it ends like the others, and to a storm run, whose
handler takes it as one more nested event and lets the run go on.

Each run starts with every signal at its default disposition and
unblocked, but one: a run started with SIGHUP ignored (as nohup starts
it) keeps it ignored, takes a SIGHUP, and goes on to write its results.
Runs go four at a time; nothing is timed.

usage: signals.py PCBENCH
"""
import concurrent.futures
import os
import signal
import subprocess
import sys
import tempfile
import time

RUN = ["--workloads=malloc", "--strategies=off,stack", "--depths=32",
       "--frames=8", "--min-time=0.2", "--latency-events=200",
       "--check-events=50", "--churn-threads=0"]
STORM = ["--workloads=malloc", "--strategies=off,stack", "--depths=32",
         "--frames=8", "--storm=5000", "--storm-events=300000",
         "--latency-events=200", "--check-events=50", "--churn-threads=0",
         "--benchmark_filter=^storm/"]
PREVIOUS = b'{"previous": true}\n'
# Linux's signals whose default action is "Term" or "Core" (signal(7)).
TERMINATING = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
               "SIGABRT", "SIGBUS", "SIGFPE", "SIGUSR1", "SIGSEGV",
               "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
               "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGIO",
               "SIGPWR", "SIGSYS"]


def name_of(sig):
    if sig >= signal.SIGRTMIN:
        return "SIGRTMIN" if sig == signal.SIGRTMIN else \
            "SIGRTMIN+%d" % (sig - signal.SIGRTMIN)
    return signal.Signals(sig).name


def signals():
    sigs = [getattr(signal, n) for n in TERMINATING]
    return sigs + list(range(signal.SIGRTMIN, signal.SIGRTMAX + 1))


def defaults(ignored=()):
    for s in range(1, signal.SIGRTMAX + 1):
        if s in (signal.SIGKILL, signal.SIGSTOP, 32, 33):
            continue
        try:
            signal.signal(s, signal.SIG_IGN if s in ignored else
                          signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def one(pcbench, sig, args, dies, ignored=()):
    """Problems of one signalled run, [] if none."""
    with tempfile.TemporaryDirectory() as d:
        out, err = os.path.join(d, "r.json"), os.path.join(d, "err")
        with open(out, "wb") as f:
            f.write(PREVIOUS)
        with open(err, "wb") as e:
            p = subprocess.Popen([pcbench] + args + ["--out=" + out],
                                 stdout=subprocess.DEVNULL, stderr=e,
                                 preexec_fn=lambda: defaults(ignored))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and p.poll() is None:
            with open(err, "rb") as e:
                if b"pcbench: [" in e.read():
                    break
            time.sleep(0.02)
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=120)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
        why = []
        text = open(err, "rb").read().decode(errors="replace")
        left = sorted(set(os.listdir(d)) - {"r.json", "err"})
        if dies and rc != -sig:
            why.append("exit %d, not death by the signal" % rc)
        if not dies and rc not in (0, 1):
            why.append("exit %d: the run did not go on" % rc)
        if not dies and open(out, "rb").read() == PREVIOUS:
            why.append("the run that went on wrote no results")
        if dies and "(%s)" % name_of(sig) not in text:
            why.append("no message naming the signal")
        if dies and open(out, "rb").read() != PREVIOUS:
            why.append("previous results changed")
        if left:
            why.append("left behind: %s" % " ".join(left))
        return why and ["%s%s: %s\n%s" % (name_of(sig), "" if dies else
                                         " (goes on)", ", ".join(why),
                                         text[-400:])]


def main():
    pcbench = sys.argv[1]
    cases = [(s, RUN, True) for s in signals()]
    cases.append((signal.SIGPROF, STORM, False))
    cases.append((signal.SIGHUP, RUN + ["--benchmark_filter=^malloc/"],
                  False, (signal.SIGHUP,)))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda c: one(pcbench, *c), cases))
    problems = [p for f in found if f for p in f]
    for p in problems:
        print("FAIL " + p)
    print("%d signalled runs, %d failed" % (len(cases), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
