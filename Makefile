# Thin wrapper over CMake.  `make bench` and `make test` each install what
# is missing (scripts/install-deps), configure, build and run.
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build test bench bench-ci baseline check-stability report \
        compare install clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure

# The default matrix with enough repetitions for compare.py's U test, warm
# and cold (each thread walks twice its L2 between two events), at rate 1
# and at Go's default rates (rate:go entries, always cold); then the paired
# entries that strategies are compared by, from PAIRED_PROCESSES short
# processes summarised across them (scripts/paired-runs).
BENCH_ARGS ?= --repetitions=9 --min-time=0.03 --cache=warm,cold --rate=1,go
PAIRED_PROCESSES ?= 24

# A run whose check fails keeps its folder as evidence (marked FAILED, see
# scripts/bench-run) and exits 1, so make stops before the report:
# results/latest, and so the report, stay at the last good run.
# Then the exact counts of the same build (callgrind, about 30 s) into the
# run's folder as counts.json: the report holds each paired difference
# against them and calls a gap they cannot explain placement, not the
# strategy.  BENCH_COUNT_ARGS: the points counted (the default matrix's).
BENCH_COUNT_ARGS ?= --frames=16,100,200

# EXTERNAL=jemalloc,gperftools adds the shipped heap profilers' rows
# (docs/shipped.md; each in a process of its own, in the main run only).
EXTERNAL ?=

bench: build
	scripts/bench-run --paired-processes=$(PAIRED_PROCESSES) \
	  $(BUILD)/bench/pcbench $(BENCH_ARGS) \
	  $(if $(EXTERNAL),--external=$(EXTERNAL))
	scripts/bench-ci --bin $(BUILD)/bench/pcbench --no-timed \
	  --out results/latest/counts.json $(BENCH_COUNT_ARGS) || \
	  echo "make bench: no exact counts; the report goes without them" >&2
	scripts/report results/latest $(REPORT_ARGS)

# CI: exact instruction counts (callgrind, fixed iterations) plus a short
# timed run of the quick matrix, in one results file (docs/ci.md).
bench-ci: build
	scripts/bench-ci --bin $(BUILD)/bench/pcbench $(BENCH_CI_ARGS)

# A new results/baseline.json for the workflow's gate, the same passes as
# bench-ci, from a clean commit only; records the commit and the load, and
# warns above 0.5 per CPU (scripts/baseline --help).  Commit it after.
baseline: build
	scripts/baseline --bin $(BUILD)/bench/pcbench $(BENCH_CI_ARGS)

# Three interleaved runs of the quick matrix: the spread of medians per entry.
check-stability: build
	scripts/check-stability --bin $(BUILD)/bench/pcbench $(STABILITY_ARGS)

# The design evaluation report (docs/report.md): report.html and report.md
# beside RESULTS, a results JSON or a run folder; REPORT_ARGS sets the
# fleet projection's inputs (scripts/report --help).
RESULTS ?= results/latest

report: deps
	scripts/report $(RESULTS) $(REPORT_ARGS)

# Does RESULTS (the last `make bench`) regress against the committed
# baseline?  Exit 1 if so (scripts/compare --help).  The baseline may lack
# entries a newer matrix has: those are listed, not refused.
BASELINE ?= results/baseline.json
COMPARE_ARGS ?= --allow-missing

compare: deps
	scripts/compare $(BASELINE) $(RESULTS) $(COMPARE_ARGS)

# Install into PREFIX (default /usr/local): the program and its layout
# modules, the scripts, and what a module bringing a strategy is built
# from -- the strategy ABI headers, libpcbench.a (pcbench::core), the
# CMake package and pcbench.pc (docs/extending.md).
PREFIX ?= /usr/local

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
