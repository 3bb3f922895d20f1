#!/bin/sh
# A storm too small to judge: a few nested events arrive, far fewer
# overlap a capture than catching the negative control with 99.9%
# probability takes, so the entry's verdict is a FAIL "too few nested
# events to judge" and pcbench exits 1.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" --workloads=malloc --strategies=thread --depths=32 --frames=16 \
       --storm=1000 --storm-events=200000 --churn-threads=0 \
       --latency-events=200 --check-events=50 \
       "--benchmark_filter=^storm/" --out="$dir/r.json" >"$dir/out" 2>"$dir/err"
rc=$?
want='storm/malloc/thread/depth:32/frames:16: .*FAIL: too few nested events to judge ([0-9]* overlaps, need [0-9]* for q '
if [ "$rc" -ne 1 ] || ! grep -q "$want" "$dir/err"; then
  echo "FAIL: exit $rc, verdicts:"
  grep 'pcbench: storm/' "$dir/err"
  exit 1
fi
exit 0
