"""callgrind: read callgrind's output format, and take an event apart.

bench-ci runs pcbench under callgrind with collection switched on only
inside the event sites (--toggle-collect on each workload's event
function, which the results' context names: workload_kinds' site=), one
dump per matrix entry and one file per
thread.  read_dump() reads one such file: its `desc: Trigger:` line (the
entry's name), `cmd:`, `events:`, the `summary:`/`totals:` line, each
function's self cost and each call's inclusive cost (caller -> callee,
with the number of calls).  Name compression ("(12) name" once, "(12)"
after) and the file/object/position lines are understood; anything else
that is not a cost line is skipped.  A file that is cut short (no
`summary`/`totals` line, a cost line with more columns than events, a
name id used before it is defined) raises BadCallgrind with one line.

anatomy() splits the collected cost of a dump into the parts of an event
(PARTS), from the call graph, each part measured on its own:

  workload  calls from an event site to anything but a strategy's record
            and the block sampler: malloc's own allocation;
  sampler   the event site's own instructions -- the sampling decision
            (malloc's is inlined there; block's pcb_block_sampled call is
            added), building the event, counting it;
  strategy  a strategy's record function, less its pcb_capture call:
            the guard, acquiring and releasing the buffer, the lazy
            allocation;
  unwinder  pcb_capture less its consumer call: the stack walk;
  consumer  the consumer called by pcb_capture: the bucket hash and
            insert (lock: the copy of the stack kept for its store).

Because each part comes from a different cost line, their sum equals the
collected total only if the graph was read right; check_sum() says by how
much it misses (the anatomy is refused beyond 1%).  Per event is per call
of a record function, so an entry whose threads record a number of events
that depends on scheduling (mutex, lock) still gets an exact figure.
"""
import os
import re

# Event sites -- the functions whose whole cost is one event (noinline in
# bench/workloads/*.c), where callgrind counts -- are the workloads' own
# (results.kinds.sites); anatomy() is given them.
SAMPLERS = ("pcb_block_sampled",)
CAPTURE = "pcb_capture"
PARTS = ("strategy", "unwinder", "consumer", "sampler", "workload")
# Estimated cycles: Ir + 5 x (L1 misses) + 35 x (LL misses), the weights
# CodSpeed-style CI tools use.  L1 misses are I1mr + D1mr + D1mw; LL misses
# ILmr + DLmr + DLmw.
CYCLE_L1, CYCLE_LL = 5, 35
# The simulated caches: one fixed geometry (size, ways, line), not the
# host's, so that miss counts are the same on every machine -- the L1s of
# a common x86-64 core and an 8 MiB last level.
LL_BYTES = 8 << 20
CACHES = ["--I1=32768,8,64", "--D1=32768,8,64", f"--LL={LL_BYTES},16,64"]
# A cold entry's working set under callgrind: twice the simulated last
# level, so that one walk (every line once) leaves none of the event's
# lines in any simulated cache -- fixed, like the geometry, so that cold
# miss counts do not depend on the host's L2 (pcbench's own default).
COLD_WORKING_SET = 2 * LL_BYTES
SUM_TOLERANCE = 0.01


class BadCallgrind(ValueError):
    """A callgrind output that cannot be used (one line)."""


class Dump:
    def __init__(self):
        self.trigger = None
        self.cmd = None
        self.events = []
        self.total = None
        self.self_cost = {}   # fn -> [cost per event]
        self.calls = {}       # (caller, callee) -> [count, [inclusive cost]]

    def col(self, name):
        return self.events.index(name) if name in self.events else None


_NAME = re.compile(r"^\((\d+)\)(?: (.*))?$")


def _name(table, text, path, lineno):
    m = _NAME.match(text)
    if not m:
        return text
    if m.group(2) is not None:
        table[m.group(1)] = m.group(2)
        return m.group(2)
    if m.group(1) not in table:
        raise BadCallgrind(f"{path}:{lineno}: name ({m.group(1)}) used "
                           "before it is defined: not a whole callgrind "
                           "output")
    return table[m.group(1)]


def _add(acc, costs):
    for i, c in enumerate(costs):
        acc[i] += c


def _costs(fields, n, path, lineno, npos):
    vals = fields[npos:]
    if len(vals) > n:
        raise BadCallgrind(f"{path}:{lineno}: {len(vals)} costs for {n} "
                           "events: not a callgrind output of this run")
    try:
        out = [int(v) for v in vals]
    except ValueError:
        raise BadCallgrind(f"{path}:{lineno}: unreadable cost line") from None
    return out + [0] * (n - len(out))


def read_dump(path):
    """One callgrind output file as a Dump; BadCallgrind if unusable."""
    d = Dump()
    fns = {}
    fn = None
    pending = None  # (callee, count): the next cost line is the call's
    npos = 1
    try:
        f = open(path, errors="replace")
    except OSError as e:
        raise BadCallgrind(f"{path}: {e.strerror}") from None
    with f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if not d.events or fn is None:
                    raise BadCallgrind(f"{path}:{lineno}: cost line before "
                                       "`events:`/`fn=`")
                costs = _costs(line.split(), len(d.events), path, lineno,
                               npos)
                if pending is not None:
                    e = d.calls.setdefault((fn, pending[0]),
                                           [0, [0] * len(d.events)])
                    e[0] += pending[1]
                    _add(e[1], costs)
                    pending = None
                else:
                    _add(d.self_cost.setdefault(fn, [0] * len(d.events)),
                         costs)
                continue
            key, _, val = line.partition("=")
            if key == "fn":
                fn = _name(fns, val, path, lineno)
            elif key == "cfn" or key == "cfunc":
                callee = _name(fns, val, path, lineno)
                pending = (callee, None)
            elif key == "calls":
                if pending is None:
                    raise BadCallgrind(f"{path}:{lineno}: calls= without "
                                       "cfn=")
                try:
                    pending = (pending[0], int(val.split()[0]))
                except (ValueError, IndexError):
                    raise BadCallgrind(f"{path}:{lineno}: unreadable "
                                       "calls= line") from None
            elif ":" in line and "=" not in line.split(":", 1)[0]:
                hk, _, hv = line.partition(":")
                hv = hv.strip()
                if hk == "events":
                    d.events = hv.split()
                elif hk == "positions":
                    npos = len(hv.split())
                elif hk == "cmd":
                    d.cmd = hv
                elif hk == "desc" and hv.startswith("Trigger:"):
                    d.trigger = hv
                elif hk in ("summary", "totals"):
                    d.total = _costs(hv.split(), len(d.events), path, lineno,
                                     0)
    if not d.events:
        raise BadCallgrind(f"{path}: no `events:` line: not a callgrind "
                           "output")
    if d.total is None:
        raise BadCallgrind(f"{path}: no `summary:` or `totals:` line: "
                           "truncated")
    return d


def entry_of(d):
    """The entry name a dump was triggered with (pcbench's client request
    CALLGRIND_DUMP_STATS_AT(name)), or None."""
    if d.trigger is None:
        return None
    prefix = "Trigger: Client Request: "
    return d.trigger[len(prefix):].strip() if \
        d.trigger.startswith(prefix) else None


def check_binary(d, binary, path):
    """BadCallgrind unless the dump was written by a run of `binary`."""
    if d.cmd is None:
        raise BadCallgrind(f"{path}: no `cmd:` line")
    ran = d.cmd.split()[0] if d.cmd.split() else ""
    if os.path.realpath(ran) != os.path.realpath(binary):
        raise BadCallgrind(f"{path}: written by '{ran}', not by '{binary}'")


def _is_record(name):
    return name.endswith("_record")


def anatomy(d, sites):
    """{"records": N, "total": [cost per event column], part: [...]} of one
    dump whose event sites are `sites` (function names): the parts' costs
    summed over the dump (see the module doc), or None when no record
    function was called."""
    n = len(d.events)
    parts = {p: [0] * n for p in PARTS}
    records = 0
    for (caller, callee), (count, inc) in d.calls.items():
        if caller in sites:
            if _is_record(callee):
                records += count
                _add(parts["strategy"], inc)
            elif callee in SAMPLERS:
                _add(parts["sampler"], inc)
            else:
                _add(parts["workload"], inc)
        elif _is_record(caller) and callee == CAPTURE:
            _add(parts["unwinder"], inc)
            _add(parts["strategy"], [-v for v in inc])
        elif caller == CAPTURE:
            consumer = callee not in ("pcb_unwind_event",) and \
                not callee.startswith("pcb_unwind")
            if consumer:
                _add(parts["consumer"], inc)
                _add(parts["unwinder"], [-v for v in inc])
    for site in sites:
        _add(parts["sampler"], d.self_cost.get(site, [0] * n))
    if records == 0:
        return None
    out = {"records": records, "total": list(d.total)}
    out.update(parts)
    return out


def check_sum(a):
    """Relative miss of the parts' instruction sum against the total."""
    total = a["total"][0]
    got = sum(a[p][0] for p in PARTS)
    return abs(got - total) / total if total else 0.0


def per_event(a, events):
    """The figures of one anatomy, per record call: instructions, misses,
    estimated cycles, and each part's instructions."""
    col = {e: i for i, e in enumerate(events)}
    r = a["records"]

    def ev(name, costs):
        return costs[col[name]] if name in col else 0

    tot = a["total"]
    l1 = ev("I1mr", tot) + ev("D1mr", tot) + ev("D1mw", tot)
    ll = ev("ILmr", tot) + ev("DLmr", tot) + ev("DLmw", tot)
    out = {
        "instructions": ev("Ir", tot) / r,
        "i1_misses": ev("I1mr", tot) / r,
        "d1_misses": (ev("D1mr", tot) + ev("D1mw", tot)) / r,
        "ll_misses": ll / r,
        "est_cycles": (ev("Ir", tot) + CYCLE_L1 * l1 + CYCLE_LL * ll) / r,
    }
    for p in PARTS:
        out["ir_" + p] = ev("Ir", a[p]) / r
    return out
