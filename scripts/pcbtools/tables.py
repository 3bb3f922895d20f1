"""The scripts' tables, text and Markdown, through one renderer (tabulate).

text   columns left-aligned, two spaces apart, as wide as their widest
       cell (header included), trailing blanks dropped
md     a GitHub table, columns aligned; every cell goes through
       markdown.md_text (start=False: a cell cannot open a heading), so
       text copied from results shows as text and a pipe cannot split it
Cells are strings, never parsed as numbers: a figure is shown exactly as
formatted by the caller.
"""
import tabulate as _tabulate

from pcbtools.markdown import md_text

# tabulate widens a column by MIN_PADDING beyond its header; the
# scripts' tables pad by their separator alone.
_tabulate.MIN_PADDING = 0
_tabulate.PRESERVE_WHITESPACE = True
_tabulate.WIDE_CHARS_MODE = False  # widths in characters, as before

_TEXT = _tabulate.TableFormat(
    lineabove=None, linebelowheader=None, linebetweenrows=None,
    linebelow=None, headerrow=_tabulate.DataRow("", "  ", ""),
    datarow=_tabulate.DataRow("", "  ", ""), padding=0,
    with_header_hide=None)


def text(columns, rows):
    """The plain-text table of rows (sequences of strings) under columns."""
    return _tabulate.tabulate([list(r) for r in rows], headers=list(columns),
                              tablefmt=_TEXT, disable_numparse=True,
                              stralign="left")


def md(columns, rows):
    """The Markdown table, ending in a newline."""
    return _tabulate.tabulate(
        [[md_text(v, start=False) for v in r] for r in rows],
        headers=[md_text(c, start=False) for c in columns],
        tablefmt="github", disable_numparse=True, stralign="left") + "\n"
