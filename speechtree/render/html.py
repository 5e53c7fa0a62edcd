"""Renderer: one self-contained HTML page, the outline beside the original text."""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from .. import offsets
from ..models import Document, Node
from ..printable import references
from .names import speech_name


@dataclass(frozen=True)
class _Target:
    """Something the outline can select: a node (``n<k>``) or a speech (``s<k>``)."""

    id: str
    order: int
    depth: int
    cover: tuple[tuple[int, int], ...]  # ranges of the original text it highlights
    anchor: int  # where "scroll to it" goes


def _esc(text: str) -> str:
    """Escape for element content. A CR is written as a character reference
    because HTML parsing would otherwise turn CR and CRLF into LF, and the
    text pane must hold exactly the characters the offsets count. Other
    controls are written as references too: the page holds the same
    characters, and the file none raw (``-f html`` may go to a terminal)."""
    out = references(html.escape(text, quote=False)).replace("\r", "&#13;")
    # NUL cannot survive HTML parsing at all; U+FFFD keeps the length.
    return out.replace("\0", "\ufffd")


def _attr(text: str) -> str:
    return references(html.escape(text, quote=True))


def _targets(doc: Document) -> list[_Target]:
    out: list[_Target] = []
    for si, sp in enumerate(doc.speeches):
        heads = tuple(
            (b.span.start, b.span.end) for b in sp.preamble if b.kind in ("label", "title")
        )
        anchor = heads[0][0] if heads else sp.span.start
        out.append(_Target(f"s{si}", len(out), 0, heads, anchor))
    for k, (path, node) in enumerate(doc.walk()):
        cover = ((node.span.start, node.span.end),)
        out.append(_Target(f"n{k}", len(out), len(path) - 1, cover, node.span.start))
    return out


def _text_pane(text: str, doc: Document, targets: list[_Target]) -> str:
    """The original text cut at every span and line boundary into ``<span>``s
    that name, in ``data-cover``, every target whose span contains them
    (shallowest first). The browser then highlights a node by attribute
    lookup alone: no offset arithmetic in JavaScript, whose strings count
    UTF-16 units where Python counts code points."""
    n = len(text)
    line_starts = [s for s in offsets.line_starts(text) if s < n or s == 0]
    bounds: set[int] = {0, n, *line_starts}
    starts: dict[int, list[_Target]] = defaultdict(list)
    ends: dict[int, list[_Target]] = defaultdict(list)
    anchors: dict[int, list[str]] = defaultdict(list)
    for t in targets:
        anchors[min(t.anchor, n)].append(t.id)
        bounds.add(min(t.anchor, n))
        for a, b in t.cover:
            a, b = min(a, n), min(b, n)
            if a < b:
                starts[a].append(t)
                ends[b].append(t)
                bounds |= {a, b}
    # Marker and title parts of each node get their own look in the text pane.
    marks: dict[str, dict[int, int]] = {"m": defaultdict(int), "t": defaultdict(int)}

    def mark(kind: str, a: int, b: int) -> None:
        a, b = min(a, n), min(b, n)
        if a < b:
            marks[kind][a] += 1
            marks[kind][b] -= 1
            bounds.update((a, b))

    for _, node in doc.walk():
        mark("m", node.span.start, node.title_span.start)
        mark("t", node.title_span.start, node.title_span.end)
    for sp in doc.speeches:
        for blk in sp.preamble:
            if blk.kind in ("label", "title"):
                mark("t", blk.span.start, blk.span.end)

    ordered = sorted(bounds)
    line_set = set(line_starts)
    active: dict[str, _Target] = {}
    depth = {"m": 0, "t": 0}
    parts: list[str] = []
    line_no = 0
    for i, p in enumerate(ordered):
        if p in line_set:
            if line_no:
                parts.append("</span>")
            line_no += 1
            parts.append(f'<span class="row" id="L{line_no}" data-l="{line_no}">')
        parts.extend(f'<a class="anchor" id="t-{tid}"></a>' for tid in anchors.get(p, ()))
        for t in ends.get(p, ()):
            active.pop(t.id, None)
        for t in starts.get(p, ()):
            active[t.id] = t
        for kind in depth:
            depth[kind] += marks[kind].get(p, 0)
        if i + 1 == len(ordered):
            break
        seg = _esc(text[p : ordered[i + 1]])
        classes = " ".join(k for k, d in depth.items() if d > 0)
        if not active and not classes:
            parts.append(seg)
            continue
        cover = " ".join(t.id for t in sorted(active.values(), key=lambda t: (t.depth, t.order)))
        cls = f' class="{classes}"' if classes else ""
        parts.append(f'<span data-cover="{cover}"{cls}>{seg}</span>')
    parts.append("</span>")
    return "".join(parts)


def _node_item(node: Node, ids: dict[int, str]) -> str:
    tid = ids[id(node)]
    level = min(node.level, 6)
    label = (
        f'<a class="node" href="#t-{tid}" data-id="{tid}" title="line {node.span.line}">'
        f'<span class="mk">{_esc(node.marker)}</span><span class="ti">{_esc(node.title)}</span>'
        f'<span class="ln">{node.span.line}</span></a>'
    )
    if not node.children:
        return f'<li class="lv{level}"><span class="tog-space"></span>{label}</li>'
    kids = "".join(_node_item(c, ids) for c in node.children)
    return (
        f'<li class="lv{level} has-kids"><button type="button" class="tog" '
        f'aria-expanded="true" aria-label="collapse"></button>{label}<ul>{kids}</ul></li>'
    )


def _outline(doc: Document) -> str:
    ids = {id(node): f"n{k}" for k, (_, node) in enumerate(doc.walk())}
    items = []
    for si, sp in enumerate(doc.speeches):
        name = speech_name(sp, si)
        kids = "".join(_node_item(n, ids) for n in sp.sections)
        items.append(
            f'<li class="speech"><a class="node" href="#t-s{si}" data-id="s{si}" '
            f'title="line {sp.span.line}"><span class="ti">{_esc(name)}</span>'
            f'<span class="ln">{sp.span.line}</span></a><ul>{kids}</ul></li>'
        )
    if not items:
        return '<p class="notice">No outline was found in this text.</p>'
    return f'<ul class="tree">{"".join(items)}</ul>'


def _warnings(doc: Document) -> str:
    if not doc.warnings:
        return ""
    rows = []
    for w in doc.warnings:
        where = f'<a href="#L{w.line}">line {w.line}</a> ' if w.line else ""
        rows.append(f"<li>{where}<code>{_esc(w.code)}</code> {_esc(w.message)}</li>")
    return (
        f'<details class="warnings"><summary>{len(doc.warnings)} warning'
        f'{"s" if len(doc.warnings) != 1 else ""}</summary><ul>{"".join(rows)}</ul></details>'
    )


_CSS = """
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{display:grid;grid-template-rows:auto 1fr;font:14px/1.5 system-ui,"Noto Sans CJK SC",
"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#fff}
header{display:flex;gap:1em;align-items:center;padding:.5em 1em;border-bottom:1px solid #d0d7de;
background:#f6f8fa}
header h1{font-size:1.05em;margin:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
header .stats{color:#57606a;white-space:nowrap}
header .tools{margin-left:auto;white-space:nowrap}
header button{font:inherit;padding:.15em .6em;border:1px solid #d0d7de;border-radius:4px;
background:#fff;cursor:pointer}
.panes{display:grid;grid-template-columns:minmax(16em,38%) 1fr;min-height:0}
#outline{overflow:auto;padding:.5em .5em 2em;border-right:1px solid #d0d7de;background:#fbfbfc}
#text{overflow:auto;padding:1em 1.5em 40vh}
.tree,.tree ul{list-style:none;margin:0;padding:0}
.tree ul{padding-left:1.1em}
.tree li{margin:0}
li.collapsed>ul{display:none}
.tog,.tog-space{display:inline-block;width:1.2em;padding:0;border:0;background:none;
color:#57606a;cursor:pointer;font:inherit;text-align:center}
.tog::before{content:"\\25BE"}
li.collapsed>.tog::before{content:"\\25B8"}
a.node{display:inline;color:inherit;text-decoration:none;padding:.05em .25em;border-radius:3px}
a.node:hover{background:#eaeef2}
a.node.active{background:#0969da;color:#fff}
a.node.active .ln{color:#dbe9ff}
.speech>a.node{font-weight:700}
.mk{font-weight:700;margin-right:.15em}
.ln{color:#8c959f;font-size:.8em;margin-left:.5em;font-variant-numeric:tabular-nums}
.lv1>a .mk{color:#8250df}.lv2>a .mk{color:#0a7ea4}.lv3>a .mk{color:#1a7f37}
.lv4>a .mk{color:#9a6700}.lv5>a .mk{color:#0550ae}.lv6>a .mk{color:#cf222e}
a.node.active .mk{color:#fff}
.src{white-space:pre-wrap;overflow-wrap:anywhere;font-family:"Noto Serif CJK SC","Songti SC",
serif;font-size:15px;line-height:1.9}
.row{display:block;position:relative;padding-left:3.5em}
.row::before{content:attr(data-l);position:absolute;left:0;width:3em;text-align:right;
color:#afb8c1;font:11px/2.6 ui-monospace,monospace}
.src .m{color:#8250df;font-weight:700}
.src .t{font-weight:700}
.src .hl{background:#fff1a8;box-shadow:0 0 0 1px #f2cc60}
.src .hl.t,.src .hl.m{background:#ffe066}
.src [data-cover]{cursor:pointer}
.src [data-cover],.anchor{scroll-margin-top:18vh}
.notice{color:#57606a;font-style:italic}
.warnings{margin:1em .3em;color:#57606a}
.warnings code{color:#9a6700}
"""

# Static script: no data is interpolated into it, so nothing in the speech
# can ever be read as code. Node ids are [ns]\\d+, safe inside selectors.
_JS = """
(function () {
  "use strict";
  var textPane = document.getElementById("text");
  var outline = document.getElementById("outline");
  function setCollapsed(li, collapsed) {
    li.classList.toggle("collapsed", collapsed);
    var tog = li.querySelector(":scope > .tog");
    if (tog) {
      tog.setAttribute("aria-expanded", String(!collapsed));
      tog.setAttribute("aria-label", collapsed ? "expand" : "collapse");
    }
  }
  function select(id, scroll) {
    var old = document.querySelectorAll(".hl, a.node.active");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("hl", "active");
    var link = outline.querySelector('a.node[data-id="' + id + '"]');
    if (!link) return;
    link.classList.add("active");
    for (var li = link.parentElement; li && li !== outline; li = li.parentElement) {
      if (li.tagName === "LI" && li.classList.contains("collapsed") && li !== link.parentElement) {
        setCollapsed(li, false);
      }
    }
    var segs = textPane.querySelectorAll('[data-cover~="' + id + '"]');
    for (var j = 0; j < segs.length; j++) segs[j].classList.add("hl");
    if (scroll) {
      var target = segs.length ? segs[0] : document.getElementById("t-" + id);
      if (target) target.scrollIntoView({block: "start"});
      link.scrollIntoView({block: "nearest"});
    }
    if (history.replaceState) history.replaceState(null, "", "#t-" + id);
  }
  outline.addEventListener("click", function (ev) {
    var tog = ev.target.closest(".tog");
    if (tog) {
      var li = tog.parentElement;
      setCollapsed(li, !li.classList.contains("collapsed"));
      return;
    }
    var link = ev.target.closest("a.node");
    if (link) {
      ev.preventDefault();
      select(link.getAttribute("data-id"), true);
    }
  });
  textPane.addEventListener("click", function (ev) {
    var seg = ev.target.closest("[data-cover]");
    if (!seg || (window.getSelection && String(window.getSelection()))) return;
    var ids = seg.getAttribute("data-cover").split(" ");
    select(ids[ids.length - 1], false);
    var link = outline.querySelector("a.node.active");
    if (link) link.scrollIntoView({block: "nearest"});
  });
  function all(collapsed) {
    var lis = outline.querySelectorAll("li.has-kids");
    for (var i = 0; i < lis.length; i++) setCollapsed(lis[i], collapsed);
  }
  document.getElementById("expand-all").addEventListener("click", function () { all(false); });
  document.getElementById("collapse-all").addEventListener("click", function () { all(true); });
  var m = /^#t-([ns][0-9]+)$/.exec(location.hash);
  if (m) select(m[1], true);
})();
"""


def render_html(doc: Document, **_: Any) -> str:
    """A single HTML page with inline CSS and JS, fetching nothing: the
    collapsible outline on the left, the original text on the right; clicking
    a node highlights and scrolls to its span."""
    name = PurePath(doc.source.path).name if doc.source.path else ""
    first = next((sp.title for sp in doc.speeches if sp.title), "")
    heading = name or first or "speechtree outline"
    n_nodes = sum(1 for _ in doc.walk())
    stats = (
        f"{len(doc.speeches)} speech{'es' if len(doc.speeches) != 1 else ''} · "
        f"{n_nodes} node{'s' if n_nodes != 1 else ''}"
    )
    text = doc.original_text
    if text is None:
        pane = (
            '<p class="notice">The original text is not available: this outline was '
            "loaded without it (for example from JSON). Render it from the source file "
            "to see the text beside the outline.</p>"
        )
    else:
        pane = f'<div class="src">{_text_pane(text, doc, _targets(doc))}</div>'
    return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="speechtree">
<title>{_esc(heading)} · outline</title>
<style>{_CSS}</style>
</head>
<body>
<header><h1 title="{_attr(heading)}">{_esc(heading)}</h1><span class="stats">{stats}</span>
<span class="tools"><button type="button" id="expand-all">Expand all</button>
<button type="button" id="collapse-all">Collapse all</button></span></header>
<div class="panes">
<nav id="outline" aria-label="Outline">{_outline(doc)}{_warnings(doc)}</nav>
<main id="text">{pane}</main>
</div>
<script>{_JS}</script>
</body>
</html>
"""


# -- parts of the page, for the web app (speechtree.web) ----------------------

#: The page's stylesheet and script, for a server to send as files (a strict
#: Content-Security-Policy forbids inline ones there).
STYLESHEET = _CSS
SCRIPT = _JS


def outline_fragment(doc: Document) -> str:
    """The outline pane's HTML (the ``#outline`` content, without the
    warnings), every piece of document text escaped."""
    return _outline(doc)


def text_fragment(doc: Document) -> str:
    """The text pane's HTML (the ``#text`` content), as :func:`render_html` lays it out."""
    text = doc.original_text
    if text is None:
        raise ValueError("the text pane needs a Document from parse() (no original text)")
    return f'<div class="src">{_text_pane(text, doc, _targets(doc))}</div>'
