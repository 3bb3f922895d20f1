#!/usr/bin/python3
"""arm64_run.py PCBENCH OUT.json [EMULATOR...]: a short pcbench run of an
arm64 build (under the emulator given, e.g. qemu-aarch64 -L /) over malloc,
block and lock with the strategies stack and thread, then its checks:
exit status 0; every checked capture equal to the ground truth chain
(correct == 1, nothing lost); the exact stack figures -- `stack` at depth
128 takes 96 PCs of 8 B = 768 B more than at depth 32, `thread` the same at
both; and, under an emulator, context.emulated set (its times mean
nothing).  Prints one line per failed check; exit 1 if any, else 0."""
import json
import subprocess
import sys

ARGS = ["--workloads=malloc,block,lock", "--strategies=stack,thread",
        "--depths=32,128", "--frames=16,200", "--min-time=0.01",
        "--latency-events=1000", "--check-events=200", "--churn-threads=0",
        "--benchmark_filter=^(malloc|block|lock)/"]


def main(argv):
    pcbench, out, emulator = argv[1], argv[2], argv[3:]
    rc = subprocess.run(emulator + [pcbench] + ARGS + ["--out=" + out],
                        stdout=subprocess.DEVNULL).returncode
    if rc != 0:
        print(f"arm64_run: pcbench exited {rc}")
        return 1
    doc = json.load(open(out))
    bad = []
    if emulator and not doc["context"].get("emulated"):
        bad.append("context.emulated missing under an emulator")
    stack = {}
    rows = [b for b in doc["benchmarks"] if b.get("run_type") != "aggregate"]
    for b in rows:
        if b.get("correct") != 1 or b.get("lost", 0) != 0:
            bad.append(f"{b['name']}: correct {b.get('correct')}, "
                       f"lost {b.get('lost')}")
        parts = b["name"].split("/")
        depth = next(p for p in parts if p.startswith("depth:"))
        key = tuple(p for p in parts if p != depth)
        stack.setdefault(key, {})[depth] = b["stack_bytes"]
    for key, by in sorted(stack.items()):
        want = 768 if key[1] == "stack" else 0
        got = by.get("depth:128", 0) - by.get("depth:32", 0)
        if len(by) != 2 or got != want:
            bad.append(f"{'/'.join(key)}: stack_bytes at 128 minus at 32 is "
                       f"{got}, not {want} ({by})")
    if len(stack) != 3 * 2 * 2:
        bad.append(f"{len(stack)} points, not 12")
    for line in bad:
        print("arm64_run: " + line)
    print(f"arm64_run: {len(rows)} entries, {len(bad)} failed check(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
