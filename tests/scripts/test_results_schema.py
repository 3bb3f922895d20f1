#!/usr/bin/python3
"""Every results file the tests produce validates against
docs/results.schema.json, the schema the loader checks first.

usage: test_results_schema.py DIR

DIR is the tests' working directory (build/tests): every *.json in it
that is a results file (an object with `context` and `benchmarks`) is
validated with Debian's python3-jsonschema, directly, not through the
loader; at least one must be there (CTest runs this after every other
test).  Then a copy of the first, broken as a results file can be (a
row's time as a string, a counter as null, a context key the scripts
read of the wrong type, an error row, no rows), must fail: a schema that
accepts anything passes nothing here.  Exit 0, or 1 naming each file and
its first error.
"""
import copy
import glob
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.realpath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "docs", "results.schema.json")


def results_files(folder):
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and "context" in doc and "benchmarks" in doc:
            out.append((path, doc))
    return out


def broken(doc):
    """Copies of doc, each broken in one way the schema must refuse."""
    def row0(d):
        return next(r for r in d["benchmarks"] if r["run_type"] == "iteration")
    cases = []
    for what, fix in (
            ("a time as a string", lambda d: row0(d).update(real_time="1 ns")),
            ("a counter as null", lambda d: row0(d).update(events=None)),
            ("a zero time", lambda d: row0(d).update(real_time=0)),
            ("num_cpus as text", lambda d: d["context"].update(num_cpus="2")),
            ("an error row", lambda d: row0(d).update(error_occurred=True)),
            ("a field not a word", lambda d: row0(d).update({"Bad-Key": 1})),
            ("no rows", lambda d: d.update(benchmarks=[]))):
        bad = copy.deepcopy(doc)
        fix(bad)
        cases.append((what, bad))
    return cases


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    files = results_files(argv[1])
    problems = []
    if not files:
        problems.append(f"no results files in {argv[1]}")
    for path, doc in files:
        err = jsonschema.exceptions.best_match(v.iter_errors(doc))
        if err is not None:
            problems.append(f"{path}: {list(err.path)}: {err.message[:200]}")
    if files:
        for what, bad in broken(files[0][1]):
            if v.is_valid(bad):
                problems.append(f"{files[0][0]} with {what}: accepted")
    for p in problems:
        print(f"test_results_schema: {p}")
    print(f"test_results_schema: {len(files)} results file(s) checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
