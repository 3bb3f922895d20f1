#!/usr/bin/python3
"""The options docs/usage.md documents are the ones `pcbench --help` offers.

docs/usage.md's section "Running pcbench" holds the option table (one
row an option, its first cell naming it) and the paragraphs on Google
Benchmark's flags.  Checks that

- every option --help offers has a row of the table, or (a
  --benchmark_* flag) is named in the section;
- every option of the table is offered by --help;
- every --benchmark_* flag the section names and --help does not offer
  is refused by pcbench (exit 2, one line that says "refused"), as the
  section says.

usage: docs_options.py PCBENCH DOCS_USAGE_MD
"""
import re
import subprocess
import sys

OPT = re.compile(r"--[a-z][a-z0-9_-]*")


def help_options(pcbench):
    out = subprocess.run([pcbench, "--help"], capture_output=True,
                         text=True, check=True).stdout
    return {m.group(1) for m in re.finditer(r"^  (--[a-z][a-z0-9_-]*)", out,
                                            re.M)}


def section(text, title):
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def doc_options(path):
    sec = section(open(path, encoding="utf-8").read(), "Running pcbench")
    table = set()
    for line in sec.splitlines():
        if line.startswith("| `--"):
            table |= set(OPT.findall(line.split("|")[1]))
    # --benchmark_* and --benchmark_x=VALUE name the form, not a flag
    named = {o for o in OPT.findall(sec) if o.startswith("--benchmark_")
             and o not in ("--benchmark_", "--benchmark_x")}
    return table, named


def refused(pcbench, flag):
    r = subprocess.run([pcbench, f"{flag}=x"], capture_output=True,
                       text=True)
    return r.returncode == 2 and "refused" in r.stderr and not r.stdout


def main(argv):
    pcbench, usage = argv[1], argv[2]
    offered = help_options(pcbench)
    table, named = doc_options(usage)
    problems = []
    for o in sorted(offered):
        if o not in table and not (o.startswith("--benchmark_")
                                   and o in named):
            problems.append(f"--help offers {o}; {usage} does not document "
                            "it")
    for o in sorted(table - offered):
        problems.append(f"{usage} documents {o}; --help does not offer it")
    for o in sorted(named - offered):
        if not refused(pcbench, o):
            problems.append(f"{usage} names {o}, which --help does not "
                            "offer and pcbench does not refuse")
    for p in problems:
        print("docs_options:", p)
    print(f"docs_options: {len(offered)} options offered, {len(table)} in "
          f"the table, {len(named - offered)} refused flags named: "
          + ("FAIL" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
