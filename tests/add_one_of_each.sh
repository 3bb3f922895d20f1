#!/bin/sh
# add_one_of_each.sh [SRC]: a strategy, a workload and a suite are each one
# file and one table line.  In a scratch copy of the tree SRC (default:
# this checkout) it adds tests/add_one/strategy.c as strategies/dummy.c,
# workload.c as bench/workloads/dummy.c and suite.c as
# bench/suites/dummy.c, and one row to each table (STRATEGIES, WORKLOADS,
# SUITES), checks that nothing else differs from SRC, and then that with
# no other edit
#   - the tree builds and the unit tests (the conformance suite runs every
#     registered strategy, test_layouts every workload) pass;
#   - pcbench --list names the dummy strategy and workload;
#   - bench-ci, on the default workloads (every one of the table) filtered
#     to malloc's, the dummy's and the dummy suite's entries, counts the
#     dummy strategy and the dummy workload, warm and cold (its kind in
#     the context says it has cold loops), and times the dummy suite;
#   - the report reads the dummy workload as a workload (its matrix group
#     in the tables), the dummy strategy as a strategy, and the dummy
#     suite as a suite it has no section for (not as a workload).
# A few minutes: one build with two layout modules, short runs.
# Exit 0, or 1 with the first check that failed.
set -eu
SRC=$(cd "${1:-$(dirname "$0")/..}" && pwd)
JOBS=$(nproc 2>/dev/null || echo 2)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pcbench-add-one.XXXXXX")
trap 'rm -rf "$WORK"' INT TERM
TREE=$WORK/tree
BUILD=$WORK/build

fail() {  # the scratch copy stays, for a look at what went wrong
  echo "add_one_of_each: $*" >&2
  echo "add_one_of_each: kept $WORK" >&2
  exit 1
}
say() { echo "add_one_of_each: $*"; }

# ---- the scratch copy: sources only (no .git, build trees or results) ----
mkdir -p "$TREE"
(cd "$SRC" && tar --exclude=./.git --exclude='./build*' \
   --exclude=./results/runs --exclude=./results/latest -cf - .) |
  (cd "$TREE" && tar -xf -)
rm -rf "$TREE/results/runs" "$TREE/results/latest"
cp -r "$TREE" "$WORK/orig"

# ---- one file and one table line each ----
add_row() {  # TABLE FILE: a row X(dummy) before the table's closing comment
  sed -i "/^  \/\* the rows: one line each/i\\  X(dummy) \\\\" "$TREE/$2"
  grep -q '^  X(dummy) \\$' "$TREE/$2" || fail "no $1 row added to $2"
}
cp "$SRC/tests/add_one/strategy.c" "$TREE/strategies/dummy.c"
cp "$SRC/tests/add_one/workload.c" "$TREE/bench/workloads/dummy.c"
cp "$SRC/tests/add_one/suite.c" "$TREE/bench/suites/dummy.c"
add_row STRATEGIES strategies/registry.c
add_row WORKLOADS bench/workloads/table.c
add_row SUITES bench/suites/table.c

# nothing else: three new files, three lines added, none removed
changes=$(cd "$WORK" && diff -r orig tree || true)
new=$(printf '%s\n' "$changes" | grep -c '^Only in tree' || true)
plus=$(printf '%s\n' "$changes" | grep -c '^> ' || true)
minus=$(printf '%s\n' "$changes" | grep -c '^< ' || true)
[ "$new" = 3 ] && [ "$plus" = 3 ] && [ "$minus" = 0 ] ||
  fail "the copy differs by more than one file and one line each:
$changes"
rm -rf "$WORK/orig"
say "added strategies/dummy.c, bench/workloads/dummy.c, bench/suites/dummy.c and a row each"

# ---- build and unit tests ----
nice -n 19 cmake -S "$TREE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DPCB_LAYOUTS=2 >"$WORK/cmake.log" 2>&1 ||
  { cat "$WORK/cmake.log" >&2; fail "configure failed"; }
nice -n 19 cmake --build "$BUILD" -j "$JOBS" >"$WORK/build.log" 2>&1 ||
  { tail -40 "$WORK/build.log" >&2; fail "build failed"; }
nice -n 19 ctest --test-dir "$BUILD" -L unit -j "$JOBS" \
  --output-on-failure >"$WORK/ctest.log" 2>&1 ||
  { tail -60 "$WORK/ctest.log" >&2; fail "unit tests failed"; }
say "built; $(grep -o '[0-9]*% tests passed.*' "$WORK/ctest.log")"

PCBENCH=$BUILD/bench/pcbench
list=$("$PCBENCH" --list)
for section in strategies workloads; do
  printf '%s\n' "$list" | sed -n "/^$section:/,/^[a-z]/p" |
    grep -q '^  dummy ' || fail "pcbench --list: no dummy among the $section"
done

# ---- bench-ci: counted warm and cold, then timed ----
CI=$WORK/ci.json
nice -n 19 "$TREE/scripts/bench-ci" --bin "$PCBENCH" --out "$CI" \
  --strategies=off,stack,dummy --depths=32 --frames=16 \
  --iterations=128 --cold-iterations=16 --working-set=4096 \
  --repetitions=1 --min-time=0.001 --latency-events=100 \
  --churn-threads=0 '--benchmark_filter=^(malloc|dummy|dummysuite)/' \
  >"$WORK/ci.txt" 2>"$WORK/ci.err" ||
  { tail -30 "$WORK/ci.err" >&2; fail "bench-ci failed"; }
for entry in 'malloc/dummy/depth:32/frames:16' \
             'dummy/stack/depth:32/frames:16' \
             'dummy/dummy/depth:32/frames:16/cache:cold'; do
  grep -q "^$entry " "$WORK/ci.txt" ||
    fail "bench-ci counted no $entry:
$(cat "$WORK/ci.txt")"
done
grep -q '"run_name": "dummysuite/dummy/depth:32/frames:16' "$CI" ||
  fail "bench-ci's results hold no dummysuite/ entry"
say "bench-ci counted the dummy strategy and workload (warm, cold) and timed the dummy suite"

# ---- the report ----
nice -n 19 "$TREE/scripts/report" "$CI" >"$WORK/report.log" 2>&1 ||
  { cat "$WORK/report.log" >&2; fail "the report failed"; }
MD=$WORK/report.md
[ -f "$MD" ] || fail "the report wrote no $MD"
grep -q '^\*\*`dummy`[:( ]' "$MD" ||
  fail "the report has no table of the dummy workload's matrix"
grep -q '^| dummy | 32 |' "$MD" ||
  fail "the report's tables have no row of the dummy strategy"
grep -q 'not read by this report (kinds: .*`dummysuite`' "$MD" ||
  fail "the report does not take the dummy suite for a suite:
$(grep -n dummysuite "$MD" || echo '(dummysuite not named)')"
if grep -q '`dummysuite`[^.]*time per operation' "$MD"; then
  fail "the report reads the dummy suite as a workload"
fi
say "the report reads the dummy workload, strategy and suite"
rm -rf "$WORK"
say "ok"
