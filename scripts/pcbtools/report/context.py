"""report.context: the question, the machine and the method.

The question is the project's (docs/report.md); the machine is read from
each file's Google Benchmark context (what pcbench adds: hwloc topology,
binding, placements, compiler and flags, timer floor, unwinder); the method
says what one event is and how each figure is measured, with the counts
(repetitions, checked events, timer floor) taken from the file.
"""
from pcbtools import pcblib
from pcbtools.report import model as M
from pcbtools.report.render import Items, Para, Section, table

NOT_RECORDED = "not recorded in this run"

# context key, label; in the order a reader wants them
MACHINE = [
    ("host_name", "host"), ("date", "date"), ("git_commit", "commit"),
    ("pcbench_version", "pcbench version"),
    ("kernel", "kernel"), ("cpu_model", "CPU model"),
    ("cpu_microcode", "microcode"), ("cpu_flags", "CPU flags (/proc/cpuinfo)"),
    ("cpu_flags_cpuid", "CPU flags (CPUID)"),
    ("cpu_hidden_flags", "CPU flags CPUID hides"),
    ("cpu_governor", "frequency governor"), ("cpu_boost", "boost"),
    ("smt", "SMT"), ("transparent_hugepages", "transparent huge pages"),
    ("aslr", "ASLR"), ("libraries", "libraries"),
    ("hwloc_topology", "topology (hwloc)"), ("num_cpus", "CPUs"),
    ("mhz_per_cpu", "MHz per CPU"), ("caches", "caches"),
    ("cpu_scaling_enabled", "CPU frequency scaling"),
    ("cpu_binding", "binding"), ("placement_*", "placements"),
    ("compiler", "compiler"), ("cflags", "flags"),
    ("library_build_type", "Google Benchmark library build"),
    ("timer_floor_ns", "timer floor (ns)"), ("latency_timer", "latency timer"),
    ("unwinder", "unwinder"), ("rate", "sampling rates"),
    ("go_rate_malloc_bytes", "Go's malloc rate (bytes)"),
    ("go_rate_block_ns", "Go's block rate (ns)"),
    ("go_rate_block_cycles", "Go's block rate here (cycles)"),
    ("correctness_check", "correctness check"),
    ("instruction_counter", "instruction counter"),
    ("instruction_mode", "instruction counting"),
    ("load_avg", "load average"), ("load_avg_start", "load at the start"),
    ("load_avg_end", "load at the end"),
]


def _caches(v):
    if not isinstance(v, list):
        return str(v)
    out = []
    for c in v:
        if not isinstance(c, dict):
            continue
        kind = {"Data": "d", "Instruction": "i"}.get(c.get("type"), "")
        size = c.get("size")
        size = M.fmt_bytes(size) if isinstance(size, (int, float)) else "?"
        out.append(f"L{c.get('level', '?')}{kind} {size}"
                   f" (shared by {c.get('num_sharing', '?')})")
    return ", ".join(out) or NOT_RECORDED


def context_value(ctx, key):
    if key == "placement_*":
        vals = [f"{k[len('placement_'):]}: {v}" for k, v in sorted(ctx.items())
                if k.startswith("placement_")]
        return "; ".join(vals) or NOT_RECORDED
    if key not in ctx:
        return NOT_RECORDED
    v = ctx[key]
    if key == "caches":
        return _caches(v)
    if key == "load_avg" and isinstance(v, list):
        return ", ".join(f"{x:.2f}" for x in v if isinstance(x, (int, float)))
    if isinstance(v, bool):
        return "on" if v else "off"
    return str(v).strip() or NOT_RECORDED


def failed(runs):
    """A section that opens the report of a run whose check failed
    (scripts/bench-run marks it: context.run_failed), or None."""
    bad = [r for r in runs if r.context.get("run_failed")]
    if not bad:
        return None
    return Section("failed", "A failed run", [
        Para(f"{r.label if len(runs) > 1 else 'This run'} FAILED a check: "
             f"{r.context['run_failed']}. Its figures are the evidence of "
             "that failure, kept to find out what went wrong; they are not "
             "a result to quote.") for r in bad])


def question(runs):
    return Section("question", "The question", [
        Para("When a profiling event (a sampled allocation, a blocking wait) "
             "captures a stack trace, where should the buffer of program "
             "counters live — on the caller's stack (`stack`), in a "
             "per-thread heap slice allocated when the thread starts "
             "(`thread`), or in one allocated on the thread's first event "
             "(`lazy`) — and what does each choice cost in stack growth, "
             "heap memory, latency and correctness?"),
        Para("It comes from the Go runtime, which kept 32 PCs on the "
             "goroutine stack and moved them to a per-M heap slice before "
             "allowing deeper captures: goroutine stacks start small and "
             "grow by copying. `off` (profiling disabled) is the baseline; "
             "a strategy flagged `control` in the results (such as "
             "`thread_unguarded`) is a negative control that the "
             "correctness check must catch, never a candidate."),
        Para("This report answers it from " + (
            f"the results file `{runs[0].path}`." if len(runs) == 1 else
            "two results files side by side: " + ", ".join(
                f"{r.label} = `{r.path}`" for r in runs) + "."))])


# rows shown only when a run recorded them (make bench-ci adds the first;
# files from before bench/machine.c lack the machine's)
OPTIONAL = ("instruction_counter", "instruction_mode", "go_rate_malloc_bytes",
            "go_rate_block_ns", "go_rate_block_cycles", "kernel", "cpu_model",
            "cpu_microcode", "cpu_flags", "cpu_flags_cpuid",
            "cpu_hidden_flags", "cpu_governor", "cpu_boost", "smt",
            "transparent_hugepages", "aslr", "libraries", "load_avg_start",
            "load_avg_end")


def machine(runs):
    head = ["", *[r.label for r in runs]] if len(runs) > 1 else ["", "value"]
    rows = [[label, *[context_value(r.context, k) for r in runs]]
            for k, label in MACHINE
            if k not in OPTIONAL or any(k in r.context for r in runs)]
    blocks = [table("The machine and the build, from the results' context",
                    head, rows)]
    if len(runs) > 1:
        keys = ("hwloc_topology", "num_cpus", "mhz_per_cpu", "compiler",
                "cflags", "unwinder")
        diff = [k for k in keys if len({str(r.context.get(k)) for r in runs})
                > 1]
        blocks.append(Para(
            "The two runs differ in " + ", ".join(f"`{k}`" for k in diff) +
            ": their timings compare machines or builds, not only strategies."
            if diff else "Both runs name the same machine and build "
            "(topology, CPUs, clock, compiler, flags, unwinder)."))
    return Section("machine", "The machine", blocks)


def _events_per_iter(runs):
    v = sorted({x for r in runs for g in r.matrix.values()
                for figs in g.values() for x in figs.get("events_per_iter",
                                                         [])})
    if not v:
        return "events per operation: " + M.NOT_MEASURED
    return "events recorded per operation by the measuring thread: " + \
        (f"{v[0]:g}" if len(v) == 1 else f"{v[0]:g} to {v[-1]:g}")


def method(runs):
    reps = sorted({n for r in runs for n in r.repetitions()})
    exact = [f"`{f.name}`" for f in pcblib.FIGURES if f.kind == "exact"]
    items = [
        "One entry is one (workload, strategy, depth, frames) point: the "
        "workload recurses through `frames` real, non-inlined functions and "
        "the event captures at most `depth` PCs. One operation is one "
        "allocate+free (malloc) or one wait (block, mutex); "
        + _events_per_iter(runs) + ".",
        "Repetitions per entry: " + (", ".join(map(str, reps)) or "none") +
        ". Tables show the median over the repetitions. Strategies are "
        "called different in time only by the paired entries: a ratio "
        "whose 95% interval excludes 1 by more than the code clone's "
        "spread (the scorecard's paragraph); separate entries' medians, "
        "whose repetitions share the machine's drift, are shown without "
        "a verdict.",
        "Time per operation is Google Benchmark's mean over a batch. p50, "
        "p99, p99.9 and max come from a separate untimed pass in which each "
        "operation is timed alone; " + ("; ".join(
            f"{r.label}: {r.context['latency_timer']}" if len(runs) > 1 else
            r.context["latency_timer"] for r in runs
            if "latency_timer" in r.context) or
            "the latency timer is " + NOT_RECORDED) + ".",
        "Overhead is a strategy's median time minus the `off` entry's with "
        "the same parameters; `floor_ratio` is its time over the raw unwind "
        "into a warm buffer at the same depth and frames (`floor/`).",
        "Stack: `stack_bytes` paints the stack below the event site and "
        "finds the deepest byte changed; `min_fiber_stack` runs the event on "
        "power-of-two fibers from 2 KiB with a guard page; `headroom_bytes` "
        "is what a 2 KiB fiber leaves the task's own frames.",
        "Heap: `heap/` entries start T real threads of which P% record an "
        "event and read the strategies' accounting (`heap_bytes`) and the "
        "allocator's (`heap_alloc_bytes`) while all are alive.",
        "Correctness: " + ("; ".join(
            (f"{r.label}: " if len(runs) > 1 else "") +
            r.context["correctness_check"] for r in runs
            if "correctness_check" in r.context) or NOT_RECORDED) +
        "; each capture is compared with the return addresses the "
        "workload's own frames saved. `storm/` entries add nested events "
        "from a per-thread SIGPROF timer; `churn/` entries start, use and "
        "end threads, with injected allocation failures when marked.",
        "Exact for a build (repeatable to the byte or the event): "
        + ", ".join(exact) + ". Noisy (timings on a shared machine): time, "
        "p50…max, thread start, first event.",
    ]
    blocks = [Items(items)]
    for r in runs:
        if r.context.get("library_build_type") == "debug":
            blocks.append(Para(
                (f"{r.label}: " if len(runs) > 1 else "") +
                "Google Benchmark reports `library_build_type: debug` and "
                "printed its DEBUG warning: Debian builds the library that "
                "way. It concerns the library's loop bookkeeping; pcbench "
                "itself was built with the flags above."))
        if r.other:
            kinds = sorted({n.split("/")[0] for n in r.other})
            blocks.append(Para(
                (f"{r.label}: " if len(runs) > 1 else "") +
                f"{M.entries(len(r.other))} "
                f"{'is' if len(r.other) == 1 else 'are'} not read by this "
                "report (kinds: " + ", ".join(f"`{k}`" for k in kinds) +
                ")."))
    return Section("method", "The method", blocks)
