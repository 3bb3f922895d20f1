#!/bin/sh
# Bad input exits 2, prints one line, and writes no results file.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
for arg in --strategies=foo --depths=0 --depths=5000 --threads=-1 \
           --frames=0 --benchmark_nonsense=1 --workloads=disk \
           --placement=cross_core,cross_core --quick=1 --storm=-1 \
           --rounds=5 --paired=1 "--paired --strategies=stack" \
           "--paired --instructions=100" \
           --cache=hot --working-set=0 --working-set=-1 \
           --working-set=1099511627776 --spin-ns=x --rate=0 --rate=x \
           --rate=1,,2 --rate=4096,4096 --rate=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 \
           --sigstack=2048 --sigstack=3400 --sigstack=0 --sigstack=none,none \
           --sigstack=2097152 --cpu-hz=0 --cpu-samples=0; do
  # shellcheck disable=SC2086  # a case may be two options
  "$bin" $arg --out="$dir/r.json" >"$dir/out" 2>"$dir/err"
  rc=$?
  lines=$(wc -l <"$dir/err")
  if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -n "$(ls "$dir" | grep r.json)" ]; then
    echo "FAIL: $arg: exit $rc, $lines stderr lines, files: $(ls "$dir")"
    fail=1
  fi
done
# An alternate stack below the kernel's signal frame: the line names it.
"$bin" --sigstack=none,2048 2>"$dir/err" >/dev/null
if ! grep -q 'AT_MINSIGSTKSZ' "$dir/err"; then
  echo "FAIL: --sigstack=2048: the line does not name AT_MINSIGSTKSZ: $(cat "$dir/err")"
  fail=1
fi
exit $fail
