"""Markdown written by staff, turned into HTML that is safe to show to everyone who reads a memo.

markdown-it-py renders CommonMark (raw HTML allowed, so authors may use a ``<sup>``); nh3 then
keeps only an allow-list of tags and attributes. The sanitiser, not the renderer, is the
guard: scripts, event handlers, ``javascript:`` links and inline styles (which a strict
Content-Security-Policy would refuse anyway) never reach the page. Images become links:
a remote image would tell its server whenever someone opens the memo.

Rendering is bounded. markdown-it tries its inline rules at every character in ``MARKUP``
(its "terminators", plus ``|`` for tables and line ends for blocks), and on hostile text
each can cost 25 to 35 µs ("![" repeated over a 200,000-character body took 6.4 s), against
well under a microsecond for a letter. A text with more than ``MAX_MARKUP`` of them (a
heavily formatted 200,000-character memo has about 9,000) is shown as written, in plain
paragraphs, with a note saying so: at most about 0.3 s of rendering, counted in linear time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

# The memo page's own headings are h1 (title) and h2 (sections): the body's top level is h3.
TOP_HEADING = 3

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
MARKUP = frozenset("\n!#$%&*+-:<=>@[\\]^_`{}~|")
MAX_MARKUP = 10_000

_renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def image_as_link(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """``![alt](url)`` shows as a link to the image, so nothing is fetched when the memo is opened."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    return f'<a href="{escape(src)}">{escape(token.content or src)}</a>'


_renderer.add_render_rule("image", image_as_link)


def markup_count(text: str) -> int:
    """How many characters of ``text`` the renderer stops at: what its work grows with."""
    return sum(text.count(character) for character in MARKUP)


def render_markdown(text: str) -> SafeString:
    """Sanitised HTML for ``text``; safe to put into a template as it is."""
    if markup_count(text) > MAX_MARKUP:
        note = _("This text has too much formatting to show formatted; it is shown as written.")
        return mark_safe(f'<p class="note">{escape(note)}</p>\n{linebreaks(text, autoescape=True)}')  # noqa: S308 - escaped
    tokens = _renderer.parse(text)
    headings = [t for t in tokens if t.type in {"heading_open", "heading_close"}]
    if headings:
        shift = TOP_HEADING - min(int(t.tag[1]) for t in headings)
        for token in headings:
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    html = _renderer.renderer.render(tokens, _renderer.options, {})
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
