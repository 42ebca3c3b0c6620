"""Helpers for audit tests: a chain of events, and tampering that gets past the triggers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from dissent.audit import triggers
from dissent.audit.models import AuditEvent
from dissent.audit.services import record, seal_pending
from tests.conftest import Personas

Tamper = Callable[..., None]


def tamper_with(sql: str, params: list[Any] | None = None) -> None:
    """What an attacker with database access does: lift the triggers, change rows, put them back."""
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    finally:
        triggers.install(connection)


@pytest.fixture
def tamper() -> Tamper:
    return tamper_with


@pytest.fixture
def chain(org: Personas) -> list[AuditEvent]:
    """Five sealed events: the drafter submits and reads a memo, the office reads it, and so on.

    On PostgreSQL events are sealed after their transaction commits, which a test's never does.
    """
    events = [
        record(actor=org.drafter, action="memo.submitted", memo_id="41", details={"version": 1}),
        record(actor=org.drafter, action="memo.read", memo_id="41"),
        record(actor=org.office, action="memo.read", memo_id="41"),
        record(actor=org.cosigner, action="signature.added", memo_id="41", details={"signature": "7"}),
        record(actor=org.leader, action="memo.read", memo_id="41"),
    ]
    seal_pending()
    return [AuditEvent.objects.get(pk=event.pk) for event in events]
