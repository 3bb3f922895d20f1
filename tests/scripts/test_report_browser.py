#!/usr/bin/python3
"""The report as a reader sees it: report.html rendered by headless
Chromium (Debian's `chromium`, scripts/install-deps) at 1280x800.

A fixture run (report_fixtures.full with paired entries) is reported;
Chromium dumps the page's DOM (--dump-dom): the first section must be
the scorecard, its table holding a column per strategy; then a copy of
the page with a probe script added (the report itself has none) reports
where the scorecard's table lies: it must end within the first screen.
A screenshot (--screenshot) must be that screen, not blank, and
report.md must hold the whole table within its first 60 lines.  As root (CI)
Chromium runs only with --no-sandbox.  Run by CTest (test
"report_browser").
"""
import html.parser
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.realpath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import report_fixtures as F  # noqa: E402
from pcbtools.report import cli as CLI  # noqa: E402

WIDTH, HEIGHT = 1280, 800
MD_LINES = 60  # report.md: the scorecard within its first 60 lines
PROBE = """<script>
const t = document.querySelector('#scorecard table').getBoundingClientRect();
document.body.dataset.top = Math.round(t.top);
document.body.dataset.bottom = Math.round(t.bottom);
document.body.dataset.screen = window.innerHeight;
</script>"""


def chromium(*args):
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-dev-shm-usage", "--hide-scrollbars",
           f"--window-size={WIDTH},{HEIGHT}", *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout


class Dom(html.parser.HTMLParser):
    """Section ids in order, the first table's header, body attributes."""

    def __init__(self):
        super().__init__()
        self.sections, self.header, self.body = [], [], {}
        self.tables, self.th = 0, None

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.sections.append(dict(attrs).get("id"))
        elif tag == "table":
            self.tables += 1
        elif tag == "th" and self.tables == 1:
            self.th = ""
        elif tag == "body":
            self.body = dict(attrs)

    def handle_endtag(self, tag):
        if tag == "th" and self.th is not None:
            self.header.append(self.th)
            self.th = None

    def handle_data(self, data):
        if self.th is not None:
            self.th += data


def dom(text):
    d = Dom()
    d.feed(text)
    return d


@unittest.skipUnless(shutil.which("chromium"), "no chromium "
                     "(scripts/install-deps installs it)")
class FirstScreen(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pcb-browser-")
        doc = F.add_paired(F.full(go=True), cold=True)
        path = F.write(os.path.join(cls.tmp, "results.json"), doc)
        with redirect_stdout(io.StringIO()):
            assert CLI.main([path, "--out-dir", cls.tmp]) == 0
        cls.page = os.path.join(cls.tmp, "report.html")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_the_scorecard_leads_the_page(self):
        d = dom(chromium("--dump-dom", "file://" + self.page))
        self.assertEqual(d.sections[0], "scorecard")
        self.assertEqual(d.header, ["figure", "stack", "thread", "lazy"])

    def test_the_scorecard_fits_the_first_screen(self):
        with open(self.page) as f:
            text = f.read()
        probe = os.path.join(self.tmp, "probe.html")
        with open(probe, "w") as f:
            f.write(text.replace("</body>", PROBE + "</body>"))
        b = dom(chromium("--dump-dom", "file://" + probe)).body
        # the viewport: the window less what the browser keeps for itself
        self.assertGreater(int(b["data-screen"]), HEIGHT // 2)
        self.assertGreaterEqual(int(b["data-top"]), 0)
        self.assertLessEqual(int(b["data-bottom"]), int(b["data-screen"]))

    def test_markdown_opens_with_the_scorecard(self):
        with open(os.path.join(self.tmp, "report.md")) as f:
            head = f.read().splitlines()[:MD_LINES]
        rows = [ln for ln in head if ln.startswith("| ")]
        self.assertTrue(rows and rows[0].startswith("| figure | `stack`"),
                        rows[:1])
        # the whole table, to its last row, within the first lines
        self.assertTrue(any(ln.startswith("| signal storm") for ln in rows))

    def test_screenshot_is_the_first_screen(self):
        shot = os.path.join(self.tmp, "shot.png")
        chromium(f"--screenshot={shot}", "file://" + self.page)
        with open(shot, "rb") as f:
            data = f.read()
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(struct.unpack(">II", data[16:24]), (WIDTH, HEIGHT))
        self.assertGreater(len(data), 20000)  # text and a table, not blank


if __name__ == "__main__":
    unittest.main(verbosity=2)
