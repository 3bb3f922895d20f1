#!/bin/sh
# Ways a run can end early besides a signal from outside (tests/signals.py
# sends every terminating signal): it stops, removes its temporary file,
# and leaves the previous results file byte-identical.
#  - SIGPIPE: stdout piped into `head -1`;
#  - allocation failures under `ulimit -v`: in set-up (pcbench's own
#    out-of-memory path) and inside the heap entries, whose 1000 threads
#    cannot all start.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
small="--depths=32 --frames=8 --min-time=0.2 --latency-events=200"
small="$small --check-events=50 --churn-threads=0"

# Each case starts from the previous results alone (what a failed case
# left is not blamed on the next).
fresh() {
  find "$dir" -mindepth 1 -delete
  printf '{"previous": true}\n' >"$dir/r.json"
}

# $1: what was done; $2: the exit status; $3: the status it must not be.
judge() {
  if [ "$2" -eq "$3" ]; then echo "FAIL($1): exit $2"; fail=1; fi
  if [ "$(cat "$dir/r.json")" != '{"previous": true}' ]; then
    echo "FAIL($1): previous results clobbered"; fail=1
  fi
  if [ "$(ls -A "$dir" | grep -v -x -e r.json -e err)" ]; then
    echo "FAIL($1): left behind:" $(ls -A "$dir"); fail=1
  fi
}

fresh
# shellcheck disable=SC2086
{ "$bin" $small --out="$dir/r.json" 2>"$dir/err"; echo $? >"$dir/rc"; } |
  head -1 >/dev/null
rc=$(cat "$dir/rc"); rm -f "$dir/rc"
judge PIPE "$rc" 0

for limit in 40000 400000; do
  fresh
  # shellcheck disable=SC2086
  (ulimit -v $limit; "$bin" --depths=32 --min-time=0.001 \
     --benchmark_filter='^heap/' --out="$dir/r.json" >/dev/null 2>"$dir/err")
  judge "ulimit -v $limit" $? 0
done
exit $fail
