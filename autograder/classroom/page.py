"""One self-contained HTML page: styles inline, images as data URLs, nothing fetched.

The class report and the similarity report are built with it. Each page carries a Content
Security Policy that forbids every request (images only from ``data:``), so a page that works
offline here works offline anywhere, and a tiny inline script marks the ``<body>`` with what a
browser test reads back: ``data-errors`` (script errors and blocked requests seen) and
``data-images`` (how many of the page's images were decoded).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["bar", "page", "table"]

_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 78em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: .8em; background: #4a7ebb; vertical-align: middle; }
.barbox { display: inline-block; width: 8em; background: #eee; margin-right: .4em; }
.muted { color: #777; } .nowrap { white-space: nowrap; } .bad { color: #a40000; }
pre { margin: 0; font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; }
mark.a { background: #ffd26b; } mark.b { background: #9fd7ff; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.side > div { border: 1px solid #ddd; padding: .5em; overflow-x: auto; }
details { margin: .6em 0; } summary { cursor: pointer; }
"""

# Runs first: counts errors and blocked requests, then the decoded images once all has loaded.
_PROBE = """
(function () {
  var errors = [];
  window.addEventListener("error", function (e) { errors.push(String(e.message || e)); });
  document.addEventListener("securitypolicyviolation", function (e) {
    errors.push("blocked " + e.blockedURI);
  });
  window.addEventListener("load", function () {
    var images = Array.prototype.filter.call(document.images, function (i) {
      return i.complete && i.naturalWidth > 0;
    });
    document.body.setAttribute("data-images", String(images.length));
    document.body.setAttribute("data-errors", errors.join(" | "));
    document.body.setAttribute("data-loaded", "1");
  });
})();
"""


def page(title: str, body: Iterable[str]) -> str:
    """A whole HTML document: ``body`` is HTML already escaped by the caller."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{_STYLE}</style>",
            f"<script>{_PROBE}</script>",
            "</head><body>",
            *body,
            "</body></html>",
            "",
        ]
    )


def table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """An HTML table; cells are HTML (escape text first); columns in ``numeric`` align right."""
    lines = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = [
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        ]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join([*lines, "</table>"])


def bar(fraction: float, text: str) -> str:
    """A small horizontal bar for a fraction in [0, 1], followed by ``text``."""
    width = max(0.0, min(1.0, fraction)) * 100
    return (
        '<span class="nowrap"><span class="barbox">'
        f'<span class="bar" style="width:{width:.1f}%"></span></span>'
        f"{html.escape(text)}</span>"
    )
