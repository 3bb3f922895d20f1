"""FIGURES, the one table of figures a results entry can carry.

`time` is real time per iteration in ns, noisy: compared statistically.
The others are exact (deterministic for a build): compared exactly.  Each
row says which direction is worse and how `export` turns it into a
smaller-is-better series.  Adding a counter to the gate is one row here.
"""
from collections import namedtuple

MIN_REPETITIONS = 9  # below this the U test has too little power to gate on

# kind: "timing" (noisy, compared statistically) or "exact" (deterministic
# for a build, compared exactly); worse: the direction that is a regression;
# tolerance: the default relative worse change that compare lets pass;
# slack: an absolute change, either way, that compare calls the same (the
# run-to-run movement of a figure that is exact in principle but placed by
# the heap's history: below);
# export/unit_out/transform/derivation: the smaller-is-better series that
# export writes, and how it is derived when it is not the figure itself.
Figure = namedtuple("Figure", "name kind worse unit tolerance export "
                    "unit_out transform derivation slack")


def _same(v):
    return v


def _fig(name, worse="higher", unit="bytes", tolerance=0.0, export=None,
         transform=_same, derivation=None, kind="exact", slack=0.0):
    return Figure(name, kind, worse, unit, tolerance, export or name,
                  "ns" if kind == "timing" else unit, transform, derivation,
                  slack)


FIGURES = [
    _fig("time", unit="ns", tolerance=0.05, kind="timing"),
    _fig("stack_bytes"),
    _fig("min_fiber_stack"),
    # headroom on a 2 KiB fiber: more is better, so export what the event
    # path takes of the 2 KiB instead (2048 - headroom), smaller is better.
    _fig("headroom_bytes", worse="lower", export="fiber_2k_used_bytes",
         transform=lambda v: 2048 - v, derivation="2048 - headroom_bytes"),
    _fig("heap_bytes"),
    # malloc_usable_size depends on which glibc arena serves each of up to
    # 1000 threads: it moves by up to ~0.1% run to run, so allow 1%
    # (heap_bytes, the strategies' own account, stays exact).  With one
    # thread that is one 16-byte chunk of 264 (two runs of one build on one
    # machine: 264 and 280), so two chunks either way are the same.
    _fig("heap_alloc_bytes", tolerance=0.01, slack=32),
    _fig("heap_bytes_per_thread"),
    _fig("heap_bytes_shared"),  # percpu, pool: one set, any thread count
    _fig("heap_leaked_bytes"),
    _fig("instructions", unit="instructions"),
    # the anatomy of an event (bench-ci, callgrind with simulated caches):
    # per event, deterministic for a build; the ir_* parts sum to
    # instructions (bench-ci refuses a breakdown off by more than 1%).
    # Instructions repeat exactly; misses move with where the heap's
    # history put the workload's and the thread's buffers: runs of one
    # build differed by up to 2 misses per event (a cold event's lines:
    # malloc/stack cold at 16 frames read 34 and 36 in two runs of one
    # binary; a warm one's 0.001), and est_cycles by 80 (5 + 35 per line
    # missed at both levels).  So a miss count is the same within 2.5 per
    # event, est_cycles within 100; a change in the event path's code
    # moves instructions, which have no slack.
    _fig("est_cycles", unit="cycles", slack=100),
    _fig("i1_misses", unit="misses", slack=2.5),
    _fig("d1_misses", unit="misses", slack=2.5),
    _fig("ll_misses", unit="misses", slack=2.5),
    _fig("ir_strategy", unit="instructions"),
    _fig("ir_unwinder", unit="instructions"),
    _fig("ir_consumer", unit="instructions"),
    _fig("ir_sampler", unit="instructions"),
    _fig("ir_workload", unit="instructions"),
    # fraction of checked events that matched the ground truth: exported
    # as the incorrect fraction (1 - correct) so that smaller is better.
    _fig("correct", worse="lower", unit="fraction",
         export="incorrect_fraction", transform=lambda v: 1 - v,
         derivation="1 - correct"),
]
BY_NAME = {f.name: f for f in FIGURES}


def worse_by(fig, rel):
    """A relative change signed so that positive means worse for fig."""
    return rel if fig.worse == "higher" else -rel


def fmt_value(fig, v):
    """A value for tables: integers as integers, else 4-5 significant."""
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.4f}" if fig.unit == "fraction" else f"{v:.5g}"
