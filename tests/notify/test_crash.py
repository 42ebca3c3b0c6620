"""A process killed right after a submission commits loses no e-mail: the restarted worker
sends each one exactly once, and delivering again sends nothing more."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import process_environment, run_module, start_in_own_group, stop_process_group
from tests.notify import smtp

EXPECTED = [
    ("drafter@example.org", "memo.submitted_receipt"),
    ("leader@example.org", "memo.submitted"),
    ("office.head@example.org", "memo.submitted"),
    ("office@example.org", "memo.submitted"),
]


@pytest.fixture
def outside_mail_server() -> Iterator[tuple[smtp.FakeSmtp, int]]:
    fake = smtp.FakeSmtp()
    server = smtp.start(fake)
    yield fake, server.port
    server.shutdown()
    server.server_close()


def environment(home: Path, database_url: str | None, mail_port: int) -> dict[str, str]:
    return process_environment(home, database_url) | {"EMAIL_URL": f"smtp://127.0.0.1:{mail_port}"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_module(env, "tests.notify.outbox_process", *args)


def rows(env: dict[str, str]) -> list[dict[str, Any]]:
    result = run(env, "state")
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def test_a_process_killed_after_the_commit_loses_no_e_mail_and_sends_none_twice(
    tmp_path: Path, scratch_database_url: str | None, outside_mail_server: tuple[smtp.FakeSmtp, int]
) -> None:
    mail, port = outside_mail_server
    env = environment(tmp_path, scratch_database_url, port)

    crashed = run(env, "submit-and-die")
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    before = rows(env)
    assert sorted((r["email"], r["kind"]) for r in before) == EXPECTED, "committed with the submission"
    assert {r["email_status"] for r in before} == {"pending"}
    assert mail.recipients() == [], "the process died before any hand-off"

    worker = start_in_own_group(env, "worker", "--workers", "1")
    try:
        deadline = time.monotonic() + 60
        while len(mail.recipients()) < len(EXPECTED) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # room for a second send, were there one
    finally:
        stop_process_group(worker, timeout=30)
    assert mail.recipients() == sorted(email for email, _kind in EXPECTED), "each e-mailed exactly once"

    again = run(env, "deliver")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "0"
    assert mail.recipients() == sorted(email for email, _kind in EXPECTED), "nothing sent twice"
    after = rows(env)
    assert [(r["email_status"], r["email_attempts"]) for r in after] == [("sent", 1)] * len(EXPECTED)
