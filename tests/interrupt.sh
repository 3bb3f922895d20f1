#!/bin/sh
# SIGINT or SIGTERM during a run: the run stops, says where it was, removes
# its temporary file, and leaves the previous results file as it was.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
for sig in INT TERM; do
  echo '{"previous": true}' >"$dir/r.json"
  "$bin" --min-time=1 --out="$dir/r.json" >/dev/null 2>"$dir/err" &
  pid=$!
  sleep 2
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  if [ "$rc" -eq 0 ]; then echo "FAIL($sig): exit 0"; fail=1; fi
  if ! grep -q '"previous": true' "$dir/r.json"; then
    echo "FAIL($sig): previous results clobbered"; fail=1
  fi
  if ls "$dir" | grep -q tmp; then echo "FAIL($sig): temporary left"; fail=1; fi
  if ! grep -q "interrupted during " "$dir/err"; then
    echo "FAIL($sig): no message saying where"; cat "$dir/err"; fail=1
  fi
done
exit $fail
