"""A real browser opens the pages that show the hostile corpus: no payload runs.

The HTML checks (test_hostile_corpus.py) look for executable markup; this test asks the browser.
Every payload would set ``window.__pwned``; it must stay undefined on every page, no dialog may
open, and the console reports no script or style the Content-Security-Policy had to refuse (a
refusal means a payload reached the page in executable form, even if the CSP then saved it).

The server is ``dissent demo`` in its own process on a fresh SQLite data dir; Debian's chromium
drives it through Playwright (never ``playwright install``: .ci/run installs chromium).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dissent.demo.organisation import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.conftest import stop_process_group, totp_code
from tests.test_cli import free_port
from tests.web.hostile import MARKUP

CHROMIUM = Path("/usr/bin/chromium")
JOINED = "\n\n".join(MARKUP)
# The elements that reach past the window's right edge, for the message when a page is too wide.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 4)
  .map(e => [e, e.parentElement].map(x => x.tagName + '.' + x.className).join(' in ')
    + ': ' + e.parentElement.textContent.slice(0, 60))"""

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium (.ci/run installs it)"
    ),
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="the browser test serves its own SQLite data dir: it runs once, in the SQLite run",
    ),
]


class Server:
    def __init__(self, home: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DISSENT_HOME": str(home)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dissent.cli", "demo", "--port", str(self.port), "--workers", "1"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait(self) -> None:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2).read()  # noqa: S310 - own URL
                return
            except OSError:
                time.sleep(0.25)
        raise AssertionError("the server did not answer within 60 s")

    def tokens(self, *emails: str) -> list[str]:
        made = subprocess.run(
            [sys.executable, "-m", "dissent.cli", "tokens", "create", *emails],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return [line.split()[1] for line in made.stdout.splitlines()]

    def call(self, token: str, method: str, path: str, data: Any = None, ok: bool = True) -> Any:
        body: bytes | None
        if isinstance(data, tuple):  # a multipart upload
            body, content_type = data
        elif data is None:
            body, content_type = None, "application/json"
        else:
            body, content_type = json.dumps(data).encode(), "application/json"
        request = urllib.request.Request(  # noqa: S310 - the test's own http URL
            f"{self.url}/api/v1{path}",
            data=body,
            method=method.upper(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            status, detail = refused.code, refused.read()
        assert status < 500, (method, path, status)
        assert not ok, (method, path, status, detail)
        return None


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    quoted = name.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
            f"Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    try:
        running.wait()
        yield running
    finally:
        stop_process_group(running.proc, timeout=30)


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


def test_no_payload_runs_in_a_browser(server: Server) -> None:
    from playwright.sync_api import ConsoleMessage, Dialog, Error, Page, sync_playwright

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

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            drafter = browser.new_page()
            watch(drafter)
            log_in(drafter, server.url, "drafter@demo.example")
            for path in ["/memos/", main, main + "versions/", main + "signers/", "/inbox/", memos["session"]]:
                visit(drafter, path)
            visit(drafter, f"/memos/{memos['draft']}/edit/")
            office = browser.new_page()
            watch(office)
            log_in(office, server.url, "office@demo.example", second_factor=True)
            for path in ["/office/", main, "/inbox/", memos["session"]]:
                visit(office, path)
            # A question asked now reaches both open pages through the live stream, as text.
            for page in (drafter, office):
                visit(page, memos["session"])
            token = server.tokens("cosigner@demo.example")[0]
            marker = f"live-{uuid.uuid4().hex}"
            server.call(token, "post", memos["session"] + "questions", {"body": f"{MARKUP[2]} {marker}"})
            for page in (drafter, office):
                for _ in range(50):  # polled from here: the page's CSP refuses wait_for_function's eval
                    if marker in page.inner_text("#ranking"):
                        break
                    page.wait_for_timeout(200)
                assert marker in page.inner_text("#ranking"), "the live stream did not bring the question"
                assert page.evaluate("typeof window.__pwned") == "undefined"
        finally:
            browser.close()
    assert fired == []


def log_in(page: Any, url: str, email: str, second_factor: bool = False) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")
    if second_factor:
        page.fill('input[name="code"]', code_with_time_left(DEMO_TOTP_SECRET))
        with page.expect_navigation():
            page.press('input[name="code"]', "Enter")
    assert "/accounts/" not in page.url, page.content()[-3000:]


def code_with_time_left(secret: str) -> str:
    """The authenticator code, from a 30-second step with at least five seconds left: the server
    accepts the current step only, and on a loaded machine a code read in a step's last moment
    reached it in the next (CI saw "Incorrect code")."""
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.1)
    return totp_code(secret)
