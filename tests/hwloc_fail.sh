#!/bin/sh
# hwloc cannot load a topology (HWLOC_XMLFILE names a garbage file, so
# hwloc_topology_load fails): pcbench runs unbound, says so in one warning
# line and in the results' context, and does not crash.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo 'not a topology <' >"$dir/garbage.xml"
HWLOC_XMLFILE="$dir/garbage.xml" "$bin" --workloads=malloc,block \
  --strategies=off,stack --depths=32 --frames=8 --min-time=0.001 \
  --latency-events=50 --check-events=20 --churn-threads=0 \
  --placement=same_core,cross_core '--benchmark_filter=^(malloc|block)/' \
  --out="$dir/r.json" >/dev/null 2>"$dir/err"
rc=$?
fail=0
if [ "$rc" -ne 0 ]; then echo "FAIL: exit $rc"; cat "$dir/err"; fail=1; fi
if ! grep -q '"cpu_binding": "unbound: hwloc could not load' "$dir/r.json"; then
  echo "FAIL: the context does not say the run was unbound"; fail=1
fi
if [ "$(grep -c '"placement_.*": "unbound' "$dir/r.json")" -ne 2 ]; then
  echo "FAIL: the placements do not say they were unbound"; fail=1
fi
if [ "$(grep -c '^pcbench: warning: hwloc' "$dir/err")" -ne 1 ]; then
  echo "FAIL: not one warning line"; cat "$dir/err"; fail=1
fi
exit $fail
