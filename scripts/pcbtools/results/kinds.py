"""results.kinds: what pcbench's tables say of their workloads and suites.

pcbench writes each of its tables into the results' context, one row per
entry in the table's order, as "name:attr,key=value;name:..."
(bench/context.c; docs/design.md, "How the harness is built"):

  workload_kinds  rate=bytes|cycles (what --rate counts), min_threads=N,
                  cold (it has cold loops: cache:cold and rate:go
                  entries), real_time (timed in wall time), reference
                  (the workload the report reads first), site=F (its
                  event site's function, where bench-ci counts)
  suite_kinds     point | paired | companion (what its entries are), and
                  prefix=A+B (the first words of its entries' names; none:
                  the entry's first word is its workload's name)

Scripts read these to know a workload or a suite by what it is: a
workload, a suite or a strategy added to pcbench reaches bench-ci and
the report with no edit here.  Files written before the context carried
these keys (results/baseline.json, the report's fixtures) get LEGACY_*:
the tables as they were then, frozen -- nothing added to pcbench ever
belongs in them.  Both readers refuse a row out of that form (BadInput).
"""
import re
from collections import namedtuple

from pcbtools.results.io import BadInput

Workload = namedtuple("Workload", "name rate min_threads cold real_time "
                      "reference site")
Suite = namedtuple("Suite", "name kind prefixes")

_WORD = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)
_VALUE = re.compile(r"[a-z0-9_+]+", re.ASCII)
FORM = "allowed: name:attr,key=value;... as pcbench writes it, each name once"
SUITE_KINDS = ("point", "paired", "companion")

# The tables before their kinds were written (see the module doc).
LEGACY_WORKLOAD_KINDS = (
    "malloc:rate=bytes,min_threads=1,cold,reference,site=profiled_malloc;"
    "block:rate=cycles,min_threads=2,cold,real_time,site=block_event;"
    "mutex:rate=cycles,min_threads=2,real_time,site=block_event;"
    "lock:rate=cycles,min_threads=2,real_time,site=lock_capture")
LEGACY_SUITE_KINDS = (
    "overhead:companion,prefix=overhead;floor:companion,prefix=floor+unwind;"
    "matrix:point;paired:paired,prefix=paired;storm:point,prefix=storm;"
    "churn:companion,prefix=churn;"
    "memory:companion,prefix=thread_start+first_event+heap")


def parse(text, key):
    """{name: {attr: True, key: value}} of one kinds string, in its order;
    BadInput for a row out of the form."""
    out = {}
    for row in text.split(";"):
        name, colon, attrs = row.partition(":")
        if not colon or not _WORD.fullmatch(name) or name in out:
            raise BadInput(f"context.{key}: row {row[:40]!r}; {FORM}")
        got = {}
        for a in (attrs.split(",") if attrs else []):
            k, eq, v = a.partition("=")
            if not _WORD.fullmatch(k) or k in got or \
                    (eq and not _VALUE.fullmatch(v)):
                raise BadInput(f"context.{key}: {name}'s {a[:40]!r}; {FORM}")
            got[k] = v if eq else True
        out[name] = got
    return out


def _text(context, key, legacy):
    text = context.get(key) if isinstance(context, dict) else None
    return text if isinstance(text, str) and text else legacy


def workloads(context):
    """{name: Workload} in the table's order."""
    out = {}
    for name, a in parse(_text(context, "workload_kinds",
                               LEGACY_WORKLOAD_KINDS),
                         "workload_kinds").items():
        n = a.get("min_threads", "1")
        if a.get("rate") not in ("bytes", "cycles") or \
                not (isinstance(n, str) and n.isdigit()):
            raise BadInput(f"context.workload_kinds: {name} has no rate "
                           "unit (rate=bytes|cycles) or min_threads; " + FORM)
        site = a.get("site")
        out[name] = Workload(name, a["rate"], int(n), "cold" in a,
                             "real_time" in a, "reference" in a,
                             site if isinstance(site, str) else None)
    return out


def sites(context):
    """The workloads' event sites (function names), each once."""
    out = []
    for w in workloads(context).values():
        if w.site is not None and w.site not in out:
            out.append(w.site)
    return out


def suites(context):
    """{name: Suite} in the table's order."""
    out = {}
    for name, a in parse(_text(context, "suite_kinds", LEGACY_SUITE_KINDS),
                         "suite_kinds").items():
        kind = [k for k in SUITE_KINDS if k in a]
        if len(kind) != 1:
            raise BadInput(f"context.suite_kinds: {name} is not one of "
                           f"{', '.join(SUITE_KINDS)}; " + FORM)
        pre = a.get("prefix")
        out[name] = Suite(name, kind[0],
                          tuple(pre.split("+")) if isinstance(pre, str)
                          else ())
    return out


def suite_prefixes(context):
    """The first words of the suites' own entries (storm, paired, heap,
    ...): every entry whose first word is not one of these is a workload's
    matrix entry."""
    return [p for s in suites(context).values() for p in s.prefixes]


def reference(context, measured):
    """The workload of `measured` (workload names) that the report reads
    first: the one marked reference, else the first measured; None for
    none."""
    wls = workloads(context)
    for w in measured:
        if w in wls and wls[w].reference:
            return w
    return measured[0] if measured else None
