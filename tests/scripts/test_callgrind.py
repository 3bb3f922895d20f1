#!/usr/bin/python3
"""Tests bench-ci's reading of callgrind output (scripts/pcbtools/
callgrind.py, as bench-ci's read_dumps calls it) on small hand-written
dumps: a good one is taken apart into its parts; a missing, truncated or
other-binary output and a breakdown whose parts miss the total by more than
1% get one line on stderr and exit status 2. Run by CTest (test
"scripts_callgrind")."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts")
sys.dont_write_bytecode = True
sys.path.insert(0, SCRIPTS)
from pcbtools import bench_ci  # noqa: E402

ENTRY = "malloc/thread/depth:32/frames:16/iterations:64/repeats:1"


def dump(binary, total=720, end=True):
    """One dump of 10 record calls: strategy 300-250, unwinder 250-100,
    consumer 100, sampler 20 (the site's own), workload 400: 720."""
    text = f"""# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  {binary} --quick
part: 1
desc: Trigger: Client Request: {ENTRY}
positions: line
events: Ir I1mr D1mr D1mw ILmr DLmr DLmw
fn=(1) profiled_malloc
0 20 1 0 0 1 0 0
cfn=(2) thread_record
calls=10 0
0 300 2 1 0 0 0 0
cfn=(3) malloc
calls=10 0
0 400
fn=(2)
cfn=(4) pcb_capture
calls=10 0
0 250
fn=(4)
cfn=(5) bucket_insert
calls=10 0
0 100
"""
    if end:
        text += f"totals: {total} 3 1 0 1 0 0\n"
    return text


DRIVER = """import sys
sys.path.insert(0, {scripts!r})
from pcbtools import bench_ci as bc
sys.exit(bc.pcblib.run("bench-ci", lambda: [bc.read_dumps(
    sys.argv[1], sys.argv[2], ("profiled_malloc",)), 0][1]))
"""


class ReadDumps(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pcb-callgrind-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.bin = os.path.join(self.tmp, "pcbench")
        with open(self.bin, "w") as f:
            f.write("")

    def write(self, text, name="cg.out.4242-01"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def refused(self, pattern, binary=None):
        """bench-ci's read_dumps as a program: (status, stderr lines)."""
        p = subprocess.run([sys.executable, "-c",
                            DRIVER.format(scripts=SCRIPTS), pattern,
                            binary or self.bin], capture_output=True,
                           text=True, timeout=60)
        return p.returncode, p.stderr.splitlines()

    def test_good_dump_taken_apart(self):
        self.write(dump(self.bin))
        got = bench_ci.read_dumps(
            os.path.join(self.tmp, "cg.out.*-01"), self.bin,
            ("profiled_malloc",))[ENTRY]
        self.assertEqual(got["instructions"], 72)
        self.assertEqual({p: got["ir_" + p] for p in
                          ("strategy", "unwinder", "consumer", "sampler",
                           "workload")},
                         {"strategy": 5, "unwinder": 15, "consumer": 10,
                          "sampler": 2, "workload": 40})
        # Ir + 5 x (I1mr+D1mr+D1mw) + 35 x (ILmr+DLmr+DLmw), per event
        self.assertEqual(got["est_cycles"], (720 + 5 * 4 + 35 * 1) / 10)

    def test_missing_output(self):
        code, err = self.refused(os.path.join(self.tmp, "nothing", "cg"))
        # read_dumps itself finds no files; a named file that is missing:
        with self.assertRaisesRegex(bench_ci.callgrind.BadCallgrind,
                                    "No such file"):
            bench_ci.callgrind.read_dump(os.path.join(self.tmp, "gone"))
        self.assertEqual(code, 0, err)  # nothing matched: nothing read

    def test_truncated_output(self):
        self.write(dump(self.bin, end=False))
        code, err = self.refused(os.path.join(self.tmp, "cg.out.*-01"))
        self.assertEqual(code, 2)
        self.assertEqual(len(err), 1, err)
        self.assertRegex(err[0], r"^bench-ci: .*truncated")

    def test_cut_inside_a_name(self):
        text = dump(self.bin).replace("fn=(2)\n", "fn=(9)\n")
        self.write(text)
        code, err = self.refused(os.path.join(self.tmp, "cg.out.*-01"))
        self.assertEqual(code, 2)
        self.assertEqual(len(err), 1, err)
        self.assertIn("used before it is defined", err[0])

    def test_other_binary(self):
        self.write(dump("/usr/bin/other-program"))
        code, err = self.refused(os.path.join(self.tmp, "cg.out.*-01"))
        self.assertEqual(code, 2)
        self.assertEqual(len(err), 1, err)
        self.assertRegex(err[0], r"written by '/usr/bin/other-program', "
                         r"not by '.*pcbench'")

    def test_parts_that_do_not_sum(self):
        self.write(dump(self.bin, total=800))  # parts 720: 10% short
        code, err = self.refused(os.path.join(self.tmp, "cg.out.*-01"))
        self.assertEqual(code, 2)
        self.assertEqual(len(err), 1, err)
        self.assertIn("miss its total by 10.0%", err[0])

    def test_parts_within_one_percent_pass(self):
        self.write(dump(self.bin, total=725))  # 0.7%: accepted
        code, err = self.refused(os.path.join(self.tmp, "cg.out.*-01"))
        self.assertEqual((code, err), (0, []))


if __name__ == "__main__":
    unittest.main(verbosity=2)
