"""A real browser opens the pages that show the hostile corpus: no payload runs.

The HTML checks (test_hostile_corpus.py) look for executable markup; this test asks the browser.
Every payload would set ``window.__pwned``; it must stay undefined on every page, no dialog may
open, and the console reports no script or style the Content-Security-Policy had to refuse (a
refusal means a payload reached the page in executable form, even if the CSP then saved it).

The server and browser come from tests/browser/harness.py.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tests.browser.harness import Server, log_in, multipart, needs_chromium, wait_for_text
from tests.web.hostile import MARKUP

if TYPE_CHECKING:
    from playwright.sync_api import Browser

JOINED = "\n\n".join(MARKUP)
# The elements that reach past the window's right edge, for the message when a page is too wide.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 4)
  .map(e => [e, e.parentElement].map(x => x.tagName + '.' + x.className).join(' in ')
    + ': ' + e.parentElement.textContent.slice(0, 60))"""

pytestmark = needs_chromium


def fill(server: Server) -> dict[str, str]:
    """The corpus in every text field the drafter's and the office's pages show."""
    drafter, office = server.tokens("drafter@demo.example", "office@demo.example")
    drafts = [
        server.call(
            drafter, "post", "/memos", {"title": t[:300], "body": t, "recommendations": [t]}, ok=False
        )
        for t in MARKUP
    ]
    memo = server.call(
        drafter,
        "post",
        "/memos",
        {"title": MARKUP[0], "summary": MARKUP[1], "body": JOINED, "recommendations": MARKUP},
    )
    main = memo["id"]
    for text in MARKUP[:10]:
        server.call(
            drafter, "post", f"/memos/{main}/attachments", multipart(text + ".txt", b"text"), ok=False
        )
    server.call(drafter, "post", f"/memos/{main}/submit", {})
    server.call(office, "post", f"/memos/{main}/acknowledge", {})
    for n in range(0, len(MARKUP), 4):
        server.call(office, "post", f"/memos/{main}/messages", {"body": "\n\n".join(MARKUP[n : n + 4])})
    server.call(office, "post", f"/memos/{main}/extend", {"reason": JOINED})
    outcomes = [{"number": n, "outcome": "declined", "text": t} for n, t in enumerate(MARKUP, start=1)]
    server.call(office, "post", f"/memos/{main}/response", {"body": JOINED, "recommendations": outcomes})
    draft = next(d["id"] for d in drafts if d)
    town_hall = server.call(drafter, "get", "/sessions")["items"][0]["id"]
    for n, text in enumerate(MARKUP):
        asked = server.call(
            drafter if n % 2 else office,
            "post",
            f"/sessions/{town_hall}/questions",
            {"body": text, "anonymous": bool(n % 3)},
            ok=False,
        )
        if asked and n % 5 == 0:  # each asker's first ten get in; the hourly limit refuses the rest
            server.call(
                office,
                "post",
                f"/sessions/{town_hall}/questions/{asked['id']}/moderate",
                {"action": "answered", "answer": text},
            )
    return {"main": main, "draft": draft, "session": f"/sessions/{town_hall}/"}


def test_no_payload_runs_in_a_browser(server: Server, browser: Browser) -> None:
    from playwright.sync_api import ConsoleMessage, Dialog, Error, Page

    memos = fill(server)
    main = f"/memos/{memos['main']}/"
    fired: list[str] = []

    def visit(page: Page, path: str) -> None:
        page.goto(server.url + path, wait_until="load")
        page.wait_for_timeout(150)  # an onfocus, ontoggle or onload runs by then
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert "Not found" not in page.title(), path
        width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert width <= 0, f"{path} is {width} px wider than the window: {page.evaluate(WIDEST)}"
        if path == main:
            assert "window.__pwned=1" in page.inner_text("body"), "the corpus shows, as text"

    def on_dialog(dialog: Dialog) -> None:
        fired.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if "pwned" in message.text or "Content Security Policy" in message.text:
            fired.append(message.text)

    def on_error(error: Error) -> None:
        fired.append(f"page error: {error}")

    def watch(page: Page) -> None:
        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", on_error)

    drafter = browser.new_page()
    watch(drafter)
    log_in(drafter, server.url, "drafter@demo.example")
    for path in ["/memos/", main, main + "versions/", main + "signers/", "/inbox/", memos["session"]]:
        visit(drafter, path)
    visit(drafter, f"/memos/{memos['draft']}/edit/")
    office = browser.new_page()
    watch(office)
    log_in(office, server.url, "office@demo.example")
    for path in ["/office/", main, "/inbox/", memos["session"]]:
        visit(office, path)
    # A question asked now reaches both open pages through the live stream, as text.
    for page in (drafter, office):
        visit(page, memos["session"])
    token = server.tokens("cosigner@demo.example")[0]
    marker = f"live-{uuid.uuid4().hex}"
    server.call(token, "post", memos["session"] + "questions", {"body": f"{MARKUP[2]} {marker}"})
    for page in (drafter, office):
        wait_for_text(page, "#ranking", marker)
        assert page.evaluate("typeof window.__pwned") == "undefined"
    assert fired == []
