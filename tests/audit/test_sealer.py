"""The web worker's sealer thread: commits are sealed soon, in batches, and a failed seal is retried."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest
from django.db import connection, transaction

from dissent.audit import sealer as sealer_module
from dissent.audit import services
from dissent.audit.models import AuditEvent
from dissent.audit.sealer import Sealer
from dissent.audit.verify import verify_chain


class CountingSeal:
    """A seal that records how often it ran; it may fail the first ``failures`` times."""

    def __init__(self, failures: int = 0) -> None:
        self.calls = 0
        self.failures = failures
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            self.calls += 1
            if self.calls <= self.failures:
                raise RuntimeError("database restarting")


def test_many_commits_in_a_moment_are_sealed_in_a_few_batches() -> None:
    seal = CountingSeal()
    sealer = Sealer(seal)
    for _ in range(200):
        sealer.poke()
    assert sealer.wait_idle(10)
    assert 1 <= seal.calls <= 3


def test_a_commit_after_a_seal_is_sealed_again() -> None:
    seal = CountingSeal()
    sealer = Sealer(seal)
    sealer.poke()
    assert sealer.wait_idle(10)
    sealer.poke()
    assert sealer.wait_idle(10)
    assert seal.calls == 2


def test_a_failed_seal_is_tried_again_until_it_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sealer_module, "RETRY_AFTER", 0.01)
    seal = CountingSeal(failures=2)
    sealer = Sealer(seal)
    sealer.poke()
    assert sealer.wait_idle(10)
    assert seal.calls == 3


def test_a_forked_process_seals_with_a_thread_of_its_own() -> None:
    seal = CountingSeal()
    sealer = Sealer(seal)
    sealer.poke()
    assert sealer.wait_idle(10)
    child = os.fork()
    if child == 0:  # the parent's sealer thread does not exist here
        sealer.poke()
        os._exit(0 if sealer.wait_idle(10) and seal.calls == 2 else 1)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_closing_seals_what_is_pending_and_ends_the_thread() -> None:
    seal = CountingSeal()
    sealer = Sealer(seal)
    sealer.poke()
    thread = sealer.thread
    assert thread is not None
    sealer.close()
    assert seal.calls == 1
    assert not thread.is_alive()


@pytest.mark.parametrize("entry_point", ["dissent.wsgi", "dissent.asgi"])
def test_web_processes_seal_in_the_background_and_commands_do_not(entry_point: str, tmp_path: Path) -> None:
    check = "from dissent.audit import services; print(services.SEAL_IN_BACKGROUND)"
    env = {**os.environ, "DISSENT_HOME": str(tmp_path)}
    web = subprocess.run(
        [sys.executable, "-c", f"import {entry_point}; {check}"], env=env, capture_output=True, text=True
    )
    assert web.stdout.split() == ["True"], web.stderr
    assert services.SEAL_IN_BACKGROUND is False  # this process (tests, like commands) seals inline


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite seals inside the writer's transaction")
@pytest.mark.django_db(transaction=True)
def test_a_web_worker_seals_its_writers_commits_in_its_sealer_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    sealer = Sealer(partial(services.seal_pending, durable=False))
    monkeypatch.setattr(services, "SEALER", sealer)
    monkeypatch.setattr(services, "SEAL_IN_BACKGROUND", True)
    for n in range(30):
        with transaction.atomic():
            services.record(actor=None, action="test.request", details={"n": n})
    assert sealer.wait_idle(10)
    sealed = list(AuditEvent.objects.order_by("seq").values_list("seq", "details"))
    assert sealed == [(n + 1, {"n": n}) for n in range(30)]
    assert verify_chain().ok
    sealer.close()
