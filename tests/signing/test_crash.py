"""A server killed (SIGKILL, its whole process group) in the middle of 2,000 signatures loses
none that it answered 201 to, counts none twice, and its audit trail verifies after the restart."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from dissent.audit.models import AuditEvent
from tests.conftest import process_environment, run_module, start_in_own_group, stop_process_group
from tests.test_cli import free_port

SIGNERS = 2_000
KILL_AFTER = 800  # 201s answered before the kill
ALREADY_SIGNED_AGAIN = 100  # people answered 201 before the kill who sign again after it
CLIENTS = 16
FAILED = 0  # the status recorded for a request that got no answer (the server was killed)


def helper(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_module(env, "tests.signing.crash_process", *args, timeout=300)


@contextmanager
def serving(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``dissent serve`` (its default workers) in a process group of its own, waited for until it
    answers; SIGTERMed at the end unless the test killed it first."""
    port = free_port()
    proc = start_in_own_group(env, "serve", "--port", str(port))
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None, "dissent serve exited at start"
                assert time.monotonic() < deadline, "dissent serve did not answer within 120 s"
                time.sleep(0.25)
        yield proc, port
    finally:
        if proc.poll() is None:
            stop_process_group(proc, timeout=30)


def unsealed_events(home: Path, database_url: str | None) -> int:
    """Audit events committed but not sealed, read straight from the server's database."""
    query = f"SELECT count(*) FROM {AuditEvent._meta.db_table} WHERE seq IS NULL"  # noqa: S608 - no input
    if database_url is None:
        with closing(sqlite3.connect(home / "dissent.sqlite3")) as db:
            return int(db.execute(query).fetchone()[0])
    import psycopg

    with psycopg.connect(database_url) as db:
        row = db.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def sign(port: int, world: dict[str, Any], token: str) -> tuple[int, str]:
    """One signature over HTTP: the status and the error code, or FAILED when no answer came."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/memos/{world['memo']}/signatures",
        data=json.dumps({"version_sha256": world["sha256"]}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - the test's own http URL
            return answer.status, ""
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read()).get("code", "")
    except OSError:
        return FAILED, ""


def sign_until_killed(proc: subprocess.Popen[bytes], port: int, world: dict[str, Any]) -> dict[str, int]:
    """Every person signs at once from CLIENTS threads; the server's process group is killed as
    the KILL_AFTER-th 201 arrives. Returns each person's status (FAILED: no answer)."""
    statuses: dict[str, int] = {}
    lock, enough = threading.Lock(), threading.Event()

    def one(email: str, token: str) -> None:
        status, _code = sign(port, world, token)
        with lock:
            statuses[email] = status
            if status == 201 and list(statuses.values()).count(201) == KILL_AFTER:
                enough.set()

    with ThreadPoolExecutor(CLIENTS) as pool:
        for email, token in world["tokens"]:
            pool.submit(one, email, token)
        assert enough.wait(timeout=120), f"only {list(statuses.values()).count(201)} signatures in 120 s"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    return statuses


def test_a_server_killed_under_signing_load_loses_no_answered_signature_and_counts_none_twice(
    tmp_path: Path, scratch_database_url: str | None
) -> None:
    env = process_environment(tmp_path, scratch_database_url)
    made = helper(env, "world", str(SIGNERS))
    assert made.returncode == 0, made.stderr
    world = json.loads(made.stdout)
    tokens = dict(world["tokens"])

    with serving(env) as (proc, port):
        before = sign_until_killed(proc, port, world)
    signed = {email for email, status in before.items() if status == 201}
    assert set(before.values()) <= {201, FAILED}, "before the kill every request was signed or cut off"
    assert len(signed) >= KILL_AFTER
    assert len(signed) < SIGNERS, "the kill came while signatures were still being made"

    with serving(env) as (_proc, port):
        # On PostgreSQL the kill leaves the events of the last moments unsealed (those of a
        # worker's pending batch); SQLite seals inside each writer's transaction.
        assert unsealed_events(tmp_path, scratch_database_url) == 0, "the restart sealed what the kill left"
        again = sorted(signed)[:ALREADY_SIGNED_AGAIN]
        rest = sorted(tokens.keys() - signed)
        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = pool.map(lambda email: sign(port, world, tokens[email]), again + rest)
            after = dict(zip(again + rest, answers, strict=True))
    assert {after[email] for email in again} == {(409, "already_signed")}, "a 201 is not signed twice"
    cut_off = {email for email, status in before.items() if status == FAILED}
    for email in rest:
        # A request cut off by the kill may have committed before its answer was lost.
        allowed = {(201, ""), (409, "already_signed")} if email in cut_off else {(201, "")}
        assert after[email] in allowed, (email, after[email])

    final = helper(env, "state", world["memo"])
    assert final.returncode == 0, final.stderr  # the memo's count and every unit's tally equal COUNT(*)
    facts = json.loads(final.stdout)
    assert set(facts["signers"]) >= signed, "every 201 survived the kill"
    assert sorted(facts["signers"]) == sorted(tokens), "everyone signed exactly once"
    assert facts["signed_twice"] == []
    assert facts["signature_events"] == SIGNERS, "one audit event per signature"
    assert facts["unsealed_events"] == 0
    verified = run_module(env, "dissent.cli", "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "left unsealed" not in verified.stdout + verified.stderr, "the server sealed every event itself"
