"""Markdown in which text copied from results appears as text.

md_text escapes what Markdown (GitHub's, and the report's) would read as
markup; md_code wraps text in a code span no backtick inside can close.
Control characters become visible escapes in both.
"""
import re

# an underscore inside a word (thread_unguarded) cannot open emphasis
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>&|~]|(?<![^\W_])_|_(?![^\W_]))")
_MD_LINE_START = re.compile(  # what would open a heading, quote or list
    r"^(\s*|\s*\d+)((?<=\d)[.)](?=\s|$)|(?<!\d)[#>+=-])")


def _visible(text):
    """Control characters as visible escapes (a newline as \\n)."""
    return "".join(c if c.isprintable() or c == " " else
                   repr(c)[1:-1] for c in str(text))


def md_text(text, start=True):
    """Plain Markdown text showing text literally: HTML, links, emphasis,
    code, table pipes and line breaks become characters, not markup (with
    start, also what would open a heading, quote or list at a line's start;
    a table cell cannot open one)."""
    out = _MD_SPECIAL.sub(r"\\\1", str(text))
    if start:
        out = _MD_LINE_START.sub(r"\1\\\2", out)
    return _visible(out)


def md_code(text, table=False):
    """A Markdown code span showing text literally, whatever backticks it
    holds; in a table cell a pipe is escaped (GFM splits cells first)."""
    text = _visible(text)
    if table:
        text = text.replace("|", "\\|")
    runs = [len(r) for r in re.findall("`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text[:1] in "` " or text[-1:] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"
