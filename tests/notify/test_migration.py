"""The outbox migration keeps older rows meaningful: e-mailed ones stay sent, the others are
"not sent" rather than e-mailed now as if they were new (notify/migrations/0002_outbox.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dissent.notify.models import Notification
from tests.conftest import Personas

BEFORE = [("notify", "0001_initial")]
EMAILED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_from_before_the_outbox_stay_sent_or_become_not_sent(org: Personas) -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("notify", "Notification")
        old.objects.create(user_id=org.drafter.pk, kind="memo.acknowledged", emailed_at=EMAILED)
        old.objects.create(user_id=org.drafter.pk, kind="memo.closed")
    finally:
        migrate(latest)
    rows = Notification.objects.order_by("pk").values_list(
        "kind", "email_status", "email_due_at", "email_attempts", "emailed_at"
    )
    assert list(rows) == [
        ("memo.acknowledged", "sent", None, 1, EMAILED),
        ("memo.closed", "skipped", None, 0, None),
    ]
