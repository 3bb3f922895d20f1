#!/usr/bin/python3
"""every_strategy.py PCBENCH [--without=ROLE,...] ARGS...: runs
`PCBENCH --strategies=LIST ARGS...` with every strategy `PCBENCH --list`
names, less those it marks with one of the roles given (`[control]`,
`[clone]`), so a test that means "every strategy" names none of them and
a new strategy is in it with no edit.  Exits with pcbench's status; 2 if
--list names no strategy."""
import subprocess
import sys


def strategies(pcbench, without):
    out = subprocess.run([pcbench, "--list"], capture_output=True, text=True,
                         check=True).stdout
    names, inside = [], False
    for line in out.splitlines():
        if not line.startswith(" "):
            inside = line == "strategies:"
            continue
        if inside and not any(f"[{r}]" in line for r in without):
            names.append(line.split()[0])
    return names


def main(argv):
    pcbench, rest = argv[1], argv[2:]
    without = []
    if rest and rest[0].startswith("--without="):
        without = [r for r in rest.pop(0).split("=", 1)[1].split(",") if r]
    names = strategies(pcbench, without)
    if not names:
        print("every_strategy: --list names no strategy", file=sys.stderr)
        return 2
    return subprocess.call([pcbench, "--strategies=" + ",".join(names)]
                           + rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
