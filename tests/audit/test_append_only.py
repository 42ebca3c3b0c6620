"""The database itself refuses to change or remove audit events, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dissent.audit.models import AuditEvent, ChainHead
from dissent.audit.services import record


def assert_refused(sql: str, params: list[int | str] | None = None) -> None:
    with (
        pytest.raises(IntegrityError, match=r"append-only|chain head"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_an_event_cannot_be_updated_with_raw_sql(chain: list[AuditEvent]) -> None:
    assert_refused("UPDATE audit_auditevent SET action = 'memo.ignored' WHERE seq = 2")
    assert AuditEvent.objects.get(seq=2).action == "memo.read"


def test_an_event_cannot_be_deleted_with_raw_sql(chain: list[AuditEvent]) -> None:
    assert_refused("DELETE FROM audit_auditevent WHERE seq = 5")
    assert AuditEvent.objects.count() == 5


def test_the_orm_cannot_delete_or_update_events_either(chain: list[AuditEvent]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(memo_id="42")
    assert set(AuditEvent.objects.values_list("memo_id", flat=True)) == {"41"}


def test_the_chain_head_only_moves_forward_and_stays(chain: list[AuditEvent]) -> None:
    assert_refused("UPDATE audit_chainhead SET seq = 3")
    assert_refused("DELETE FROM audit_chainhead")
    assert ChainHead.objects.get().seq == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_a_table_with_events_cannot_be_truncated(chain: list[AuditEvent]) -> None:
    assert_refused("TRUNCATE audit_auditevent")
    assert_refused("TRUNCATE audit_chainhead")
    assert AuditEvent.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_events_still_leaves_a_clean_database() -> None:
    """tests/conftest.py erases committed events, which the runner's flush could not."""
    record(actor=None, action="test.committed")
    assert AuditEvent.objects.count() == 1


def test_an_unsealed_event_may_be_sealed_once_and_changed_in_no_other_way(db: None) -> None:
    event = AuditEvent.objects.create(at=timezone.now(), action="memo.read", memo_id="41")
    assert_refused("UPDATE audit_auditevent SET memo_id = '42' WHERE id = %s", [event.pk])
    seal = "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(seal, [1, "0" * 64, "1" * 64, event.pk])
    assert_refused(seal, [2, "0" * 64, "1" * 64, event.pk])
    assert AuditEvent.objects.get().seq == 1
