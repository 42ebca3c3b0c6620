"""What every browser test shares: a real ``dissent demo`` server, Debian's Chromium, logging in,
screenshots kept as artefacts.

The server runs in its own process group on a fresh SQLite data dir (the demo organisation,
its memos and town hall), so a browser test sees what ``make run`` shows. Chromium is Debian's
``/usr/bin/chromium`` driven by Playwright for Python; a browser build of Playwright's own is
never downloaded (.ci/run installs Debian's package when it is missing).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dissent.demo.organisation import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.conftest import stop_process_group, totp_code
from tests.test_cli import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
UNSAFE_IN_NAMES = re.compile(r"[^\w.-]+")
ROOT = Path(__file__).resolve().parents[2]
# Screenshots of each step, kept after the run for people to look at (CI keeps var/).
SCREENSHOTS = Path(os.environ.get("DISSENT_SCREENSHOTS", ROOT / "var" / "screenshots"))
# The logins that must give a second factor in the demo organisation.
SECOND_FACTOR = {
    "office@demo.example",
    "office.head@demo.example",
    "leader@demo.example",
    "deputy@demo.example",
    "dca.head@demo.example",
    "auditor@demo.example",
    "admin@demo.example",
}

# .ci/run sets DISSENT_BROWSER_TESTS=required: there a missing browser fails the run, never skips it.
REQUIRED = os.environ.get("DISSENT_BROWSER_TESTS") == "required"

needs_chromium = [
    pytest.mark.skipif(
        not CHROMIUM.exists() and not REQUIRED,
        reason="Debian's chromium is not at /usr/bin/chromium (.ci/run installs it)",
    ),
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="a browser test serves its own SQLite data dir: it runs once, in the SQLite run",
    ),
]


class Server:
    """``dissent demo`` on a free port, with a JSON API client for setting the scene quickly."""

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


@pytest.fixture
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


class Shots:
    """Numbered screenshots of one test's steps, under var/screenshots/<test name>/."""

    def __init__(self, name: str) -> None:
        self.folder = SCREENSHOTS / UNSAFE_IN_NAMES.sub("_", name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, page: Page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{UNSAFE_IN_NAMES.sub('-', step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


def log_in(page: Page, url: str, email: str) -> None:
    """Log in as a demo person from the login page, giving the second factor when the login needs
    one. Enter submits: the first button on every page is the language switcher's."""
    page.goto(f"{url}/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")
    if email in SECOND_FACTOR:
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


def wait_for_text(page: Page, selector: str, text: str, tries: int = 50) -> None:
    """Poll until ``text`` shows in ``selector``: the pages' CSP refuses wait_for_function's eval."""
    for _ in range(tries):
        if text in page.inner_text(selector):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{text!r} did not appear in {selector}")
