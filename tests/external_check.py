#!/usr/bin/python3
"""The external rows (docs/shipped.md): jemalloc's and gperftools' heap
profilers, each in a process of its own.  Runs pcbench twice with every
installed allocator and asserts:

- the exact figures (stack bytes, smallest fiber, headroom on 2 KiB, heap
  per thread, the capture check's counts) are identical in both runs;
- every external row is flagged (external = 1), its allocator's version
  and settings are in the context, and at every allocation the sampled
  stack was found in the profiler's own profile and is right: the whole
  16-frame chain, and at 200 frames exactly the profiler's depth (128,
  32), truncated;
- the sampled event takes more stack than the unsampled one (the default
  rate's row), so the painted event was sampled.

Exit 77 (ctest: skipped), saying why, when neither allocator is
installed, or when this pcbench refuses --external because a sanitizer
is built in (ASan's and TSan's runtimes replace malloc, so no allocator
can be preloaded under them: there is nothing to measure, which is not a
failure).

usage: external_check.py PCBENCH WORKDIR
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)),
                                "..", "scripts"))

EXACT = ("stack_bytes", "min_fiber_stack", "headroom_bytes", "headroom_ok",
         "heap_bytes_per_thread", "correct", "truncated", "captured_pcs",
         "allocator_frames", "chain_frames_kept", "check_found")
LIBS = {"jemalloc": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
        "gperftools": "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"}
DEPTH = {"jemalloc": 128, "gperftools": 32}


def run(pcbench, names, out):
    cmd = ["nice", "-n", "19", pcbench, "--external=" + ",".join(names),
           "--frames=16,200", "--rounds=20", "--min-time=0.001",
           "--benchmark_filter=^external/", "--out=" + out]
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("external_check: pcbench exited %d:\n%s"
                 % (p.returncode, p.stderr))
    with open(out) as f:
        return json.load(f)


def rows(doc):
    return {b["run_name"]: b for b in doc["benchmarks"]
            if b.get("run_type") == "iteration"}


def check_one(name, row, ctx, errors):
    alloc = name.split("/")[1]
    frames = int(name.split("frames:")[1].split("/")[0])
    rate = int(name.split("rate:")[1].split("/")[0])
    if row.get("external") != 1:
        errors.append("%s: not flagged external" % name)
    if "version=" not in ctx.get("external_" + alloc, ""):
        errors.append("%s: no version in the context" % name)
    if rate != 1:
        return
    want_pcs = DEPTH[alloc] if frames == 200 else None
    if row.get("check_found") != 1 or row.get("correct") != 1:
        errors.append("%s: capture not found or wrong: %s" % (name, row))
    if frames == 200 and (row.get("captured_pcs") != want_pcs or
                          row.get("truncated") != 1):
        errors.append("%s: not truncated at %d" % (name, want_pcs))
    if frames == 16 and (row.get("truncated") != 0 or
                         row.get("chain_frames_kept") != 16):
        errors.append("%s: the 16-frame chain not whole" % name)


def report_check(path, ra):
    """The report's scorecard shows each allocator's measured stack, in
    tables of their own: none is a column of the strategies' table."""
    from pcbtools.report import model, scorecard, shipped
    run = model.load([path], ["a"])[0]
    text = repr(shipped.blocks(run))
    errors = []
    card = repr(scorecard.section([run]))
    if text.strip("[]") not in card:
        errors.append("the scorecard section lacks the external tables")
    for alloc in DEPTH:
        if alloc in scorecard.columns(run):
            errors.append("%s is a column of the strategies' scorecard"
                          % alloc)
    for name, row in ra.items():
        if "/frames:200/rate:1/" not in name or "stack_bytes" not in row:
            continue
        if "%d B" % row["stack_bytes"] not in text:
            errors.append("%s: the report does not show its %d B of stack"
                          % (name, row["stack_bytes"]))
    return errors


def refused(pcbench, names):
    """pcbench's line when it refuses --external for a sanitizer build,
    else None (entries listed only: no process is started)."""
    p = subprocess.run([pcbench, "--external=" + ",".join(names),
                        "--benchmark_list_tests=true",
                        "--benchmark_filter=^external/"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode == 2 and "sanitizer" in p.stderr:
        return p.stderr.strip()
    return None


def main(pcbench, workdir):
    names = [n for n, lib in LIBS.items() if os.access(lib, os.R_OK)]
    if not names:
        print("external_check: skipped: neither libjemalloc2 nor "
              "libgoogle-perftools4 is installed (scripts/install-deps)")
        return 77
    why = refused(pcbench, names)
    if why:
        print("external_check: skipped: this build cannot preload a shipped "
              "allocator: " + why)
        return 77
    a = run(pcbench, names, os.path.join(workdir, "external_a.json"))
    b = run(pcbench, names, os.path.join(workdir, "external_b.json"))
    ra, rb = rows(a), rows(b)
    errors = []
    if sorted(ra) != sorted(rb) or not ra:
        errors.append("the two runs have other rows: %s / %s"
                      % (sorted(ra), sorted(rb)))
    for name, row in ra.items():
        for k in EXACT:
            if row.get(k) != rb.get(name, {}).get(k):
                errors.append("%s: %s %s then %s" % (
                    name, k, row.get(k), rb.get(name, {}).get(k)))
        check_one(name, row, a["context"], errors)
    for alloc in names:
        every = ra.get("external/%s/frames:16/rate:1/iterations:1/"
                       "manual_time" % alloc, {})
        if every.get("stack_bytes", 0) <= 1024:
            errors.append("%s: a sampled event took %s bytes of stack: was "
                          "it sampled?" % (alloc, every.get("stack_bytes")))
    errors += report_check(os.path.join(workdir, "external_a.json"), ra)
    for e in errors:
        print("external_check: " + e)
    if not errors:
        print("external_check: %d rows, exact figures identical over two "
              "runs (%s)" % (len(ra), ", ".join(names)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
