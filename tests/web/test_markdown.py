"""Memo bodies are Markdown written by staff: shown formatted, never able to run anything."""

from __future__ import annotations

from dissent.web.markdown import render_markdown


def test_markdown_becomes_headings_emphasis_lists_and_links() -> None:
    html = render_markdown(
        "# Heading\n\nSome **bold** and *italic*.\n\n- one\n- two\n\n[site](https://example.org)"
    )
    assert "<h3>Heading</h3>" in html, "body headings sit below the page's own h1 and h2"
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_the_bodys_top_heading_level_becomes_h3_whatever_the_author_started_with() -> None:
    html = render_markdown("## Background\n\ntext\n\n### Detail\n\nmore")
    assert "<h3>Background</h3>" in html
    assert "<h4>Detail</h4>" in html


def test_script_tags_are_removed_with_their_content() -> None:
    html = render_markdown("Before <script>alert('x')</script> after\n\n<script>\nsteal()\n</script>")
    assert "<script" not in html
    assert "alert" not in html
    assert "steal" not in html
    assert "Before" in html


def test_event_handler_attributes_are_removed() -> None:
    html = render_markdown('<b onmouseover="alert(1)">hover</b> <img src=x onerror=alert(1)>')
    assert "onerror=" not in html
    assert "onmouseover" not in html
    assert "<b>hover</b>" in html


def test_javascript_links_are_removed() -> None:
    html = render_markdown(
        '[click](javascript:alert(1)) <a href="javascript:alert(2)">raw</a> <a href="JaVaScRiPt:x()">y</a>'
    )
    assert "href" not in html, "no link keeps a javascript: target"
    assert "<a" in html, "the raw links stay, without their target"
    assert "raw" in html


def test_inline_styles_and_unknown_tags_are_removed() -> None:
    html = render_markdown(
        '<span style="position:fixed">styled</span> <iframe src="https://x.test"></iframe>'
    )
    assert "style=" not in html
    assert "<iframe" not in html
    assert "styled" in html


def test_an_image_becomes_a_link_so_opening_the_memo_fetches_nothing() -> None:
    html = render_markdown("![The chart](https://tracker.example/pixel.png)")
    assert "<img" not in html
    assert '<a href="https://tracker.example/pixel.png"' in html
    assert "The chart" in html
