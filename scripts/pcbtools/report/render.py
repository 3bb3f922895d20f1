"""report.render: the report's document model and its two renderings.

The report is built once as a list of Section objects holding blocks --
Para (text in which `backticks` mark code), Items (a bulleted list),
Table (a caption, a header, rows of strings, a note), Image (a PNG drawn
by report.plots) and Missing (a figure or entry the run did not measure,
said plainly) -- and then rendered twice: to Markdown (images as files in
a folder beside report.md) and to one self-contained HTML page (images
inline as base64 PNG, the style sheet inline, no script and no link that
leaves the page).
"""
import base64
import re
from collections import namedtuple

from pcbtools.pcblib import md_code, md_text

Section = namedtuple("Section", "id title blocks")
Para = namedtuple("Para", "text")
Items = namedtuple("Items", "items")
Table = namedtuple("Table", "caption header rows note")
Image = namedtuple("Image", "name title png alt")
Missing = namedtuple("Missing", "what")
Heading = namedtuple("Heading", "text")
NUMERIC = re.compile(r"^[−+\-×]?\d")
# report_model.DATA_TICK: a backtick copied from the results, shown as one
DATA_TICK = "\ue000"


def _ticks(text):
    return text.replace(DATA_TICK, "`")


def table(caption, header, rows, note=None):
    return Table(caption, list(header), [list(r) for r in rows], note)


def missing_text(what):
    return f"{what}: not measured in this run."


def numeric_columns(t):
    """Columns to right-align: every filled cell starts with a number."""
    out = []
    for i in range(len(t.header)):
        cells = [r[i] for r in t.rows if i < len(r) and r[i] != "—"]
        out.append(i > 0 and bool(cells) and
                   all(NUMERIC.match(str(c)) for c in cells))
    return out


# ---- Markdown ---------------------------------------------------------------

def _md_inline(text, table=False):
    """Markdown of report text: `backticks` mark code, as in HTML; every
    other character is shown as itself (pcblib.md_text), so that names and
    context strings copied from results never become markup."""
    parts = re.split(r"`([^`]*)`", str(text))
    return "".join(
        md_code(_ticks(p), table) if i % 2 else
        md_text(_ticks(p), start=i == 0 and not table)
        for i, p in enumerate(parts))


def _md_cell(text):
    return _md_inline(text, table=True)


def _md_table(t):
    out = []
    if t.caption:
        out += [f"**{_md_inline(t.caption)}**", ""]
    out.append("| " + " | ".join(_md_cell(h) for h in t.header) + " |")
    out.append("|" + "|".join("--:" if n else "---"
                              for n in numeric_columns(t)) + "|")
    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in t.rows]
    if t.note:
        out += ["", f"*{_md_inline(t.note)}*"]
    return out


def markdown(title, sections, img_dir):
    """The Markdown text; images are referenced as img_dir/<name>.png."""
    out = [f"# {_md_inline(title)}", ""]
    out += [f"- [{_md_inline(s.title)}](#{s.id})" for s in sections] + [""]
    for s in sections:
        out += [f'<a id="{s.id}"></a>', "", f"## {_md_inline(s.title)}", ""]
        for b in s.blocks:
            if isinstance(b, Para):
                out += [_md_inline(b.text), ""]
            elif isinstance(b, Items):
                out += [f"- {_md_inline(i)}" for i in b.items] + [""]
            elif isinstance(b, Table):
                out += _md_table(b) + [""]
            elif isinstance(b, Image):
                out += [f"**{_md_inline(b.title)}**", "",
                        f"![{md_text(_ticks(b.alt), start=False)}]"
                        f"({img_dir}/{b.name}.png)", ""]
            elif isinstance(b, Missing):
                out += [f"*{_md_inline(missing_text(b.what))}*", ""]
            elif isinstance(b, Heading):
                out += [f"### {_md_inline(b.text)}", ""]
    return "\n".join(out).rstrip() + "\n"


# ---- HTML -------------------------------------------------------------------

CSS = """
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;
 margin:0 auto;max-width:1180px;padding:0 1.2em 3em;color:#1d1d1f}
h1{font-size:1.7em;margin:.8em 0 .3em}h2{border-bottom:1px solid #ccd;
 padding-bottom:.2em;margin-top:1.8em}
nav{background:#f5f6f8;padding:.5em 1em;border-radius:6px}
nav a{margin-right:1.1em;white-space:nowrap}
code{background:#f0f1f4;padding:0 .25em;border-radius:3px;font-size:.92em}
.tw{overflow-x:auto;margin:.6em 0 1.2em}
table{border-collapse:collapse;font-size:.88em}
caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid #d5d8de;padding:.25em .55em;white-space:nowrap}
th{background:#eef0f4;position:sticky;top:0}
td{text-align:right;font-variant-numeric:tabular-nums}
td.t{text-align:left;white-space:normal}
.note{color:#555;font-size:.88em;margin-top:.3em}
.missing{color:#8a4b00;background:#fff6e5;padding:.3em .6em;
 border-left:3px solid #e0a040}
figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}
img{max-width:100%;height:auto;border:1px solid #e3e5ea}
li{margin:.25em 0}
#scorecard h2{margin-top:.6em}
#scorecard table{font-size:.8em}
#scorecard th,#scorecard td{padding:.1em .45em}
#scorecard td.t{white-space:nowrap}
"""


# The page is a Jinja2 template with autoescape on: every string from the
# report (and so from the results file) is escaped unless it went through
# `inline`, which escapes each part itself and only adds <code> spans.
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title|plain }}</title>
<style>{{ css }}</style></head><body>
<h1>{{ title|plain }}</h1>
<nav>
{%- for s in sections %}
<a href="#{{ s.id }}">{{ s.title|plain }}</a>
{%- endfor %}
</nav>
{%- for s in sections %}
<section id="{{ s.id }}"><h2>{{ s.title|plain }}</h2>
{%- for kind, b in s.blocks %}
{%- if kind == "Para" %}
<p>{{ b.text|inline }}</p>
{%- elif kind == "Items" %}
<ul>
{%- for i in b.items %}
<li>{{ i|inline }}</li>
{%- endfor %}
</ul>
{%- elif kind == "Table" %}
<div class="tw"><table>
{%- if b.caption %}
<caption>{{ b.caption|inline }}</caption>
{%- endif %}
<thead><tr>{% for h in b.header %}<th>{{ h|inline }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for r in b.rows %}
<tr>{% for c, n in r %}<td{% if not n %} class=t{% endif %}>{{ c|inline }}</td>{% endfor %}</tr>
{%- endfor %}
</tbody></table>
{%- if b.note %}
<div class="note">{{ b.note|inline }}</div>
{%- endif %}
</div>
{%- elif kind == "Image" %}
<figure id="fig-{{ b.name }}"><figcaption>{{ b.title|inline }}</figcaption><img alt="{{ b.alt|plain }}" src="data:image/png;base64,{{ b.data }}"></figure>
{%- elif kind == "Missing" %}
<p class="missing">{{ b.text|inline }}</p>
{%- elif kind == "Heading" %}
<h3>{{ b.text|inline }}</h3>
{%- endif %}
{%- endfor %}
</section>
{%- endfor %}
</body></html>
"""


def _inline(text):
    """Escaped text whose `backtick` spans become <code>: Markup, so that
    the template's autoescape leaves it as it is."""
    from markupsafe import Markup, escape
    parts = re.split(r"`([^`]*)`", str(text))
    return Markup("").join(
        Markup("<code>{}</code>").format(_ticks(p)) if i % 2 else
        escape(_ticks(p)) for i, p in enumerate(parts))


def _view(b):
    """(kind, what the template reads) of one block."""
    kind = type(b).__name__
    if isinstance(b, Table):
        num = numeric_columns(b)
        return kind, b._replace(rows=[list(zip(r, num)) for r in b.rows])
    if isinstance(b, Image):
        return kind, dict(b._asdict(),
                          data=base64.b64encode(b.png).decode("ascii"))
    if isinstance(b, Missing):
        return kind, {"text": missing_text(b.what)}
    if isinstance(b, (Para, Items, Heading)):
        return kind, b
    raise TypeError(f"unknown block {kind}")


def html_page(title, sections):
    import jinja2
    from markupsafe import Markup
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["inline"] = _inline
    env.filters["plain"] = _ticks
    page = env.from_string(PAGE)
    view = [{"id": s.id, "title": s.title,
             "blocks": [_view(b) for b in s.blocks]} for s in sections]
    return page.render(title=title, css=Markup(CSS), sections=view) + "\n"


def images(sections):
    """Every Image block, in order."""
    return [b for s in sections for b in s.blocks if isinstance(b, Image)]
