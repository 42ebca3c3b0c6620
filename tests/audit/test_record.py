"""record(): events append in order, chain their hashes, and never make writers wait for each other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from dissent.audit.models import AuditEvent
from dissent.audit.services import record, seal_pending
from dissent.audit.verify import verify_chain
from dissent.proof.chain import GENESIS_HASH, chain_hash
from tests.conftest import Personas


def test_events_chain_from_the_genesis_hash(org: Personas) -> None:
    record(actor=org.drafter, action="memo.read", target=org.drafter, memo_id="m1")
    record(actor=None, action="system.tick", details={"n": 1})
    seal_pending()
    first, second = AuditEvent.objects.order_by("seq")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert chain_hash(first.hash, second) == second.hash
    assert (first.object_type, first.object_id) == ("people.user", str(org.drafter.pk))


def test_an_event_rolls_back_with_the_change_it_records(org: Personas) -> None:
    def submit_and_fail() -> None:
        with transaction.atomic():
            record(actor=org.drafter, action="memo.submitted")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        submit_and_fail()
    assert AuditEvent.objects.count() == 0
    record(actor=org.drafter, action="memo.submitted")
    seal_pending()
    assert AuditEvent.objects.get().seq == 1


def test_an_event_is_sealed_once_its_transaction_commits(
    org: Personas, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = record(actor=org.auditor, action="audit.read")
    event.refresh_from_db()
    assert event.seq == 1
    assert event.hash == chain_hash(GENESIS_HASH, event)


def test_details_that_cannot_be_hashed_are_refused_before_anything_is_written(org: Personas) -> None:
    with pytest.raises(TypeError, match="not float"):
        record(actor=org.drafter, action="memo.read", details={"score": 0.5})
    assert AuditEvent.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time anyway")
@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_writers_open_transaction() -> None:
    """The head lock is taken only by the sealer, after commit: an open transaction holds up no one."""
    recorded, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with transaction.atomic():
            record(actor=None, action="test.slow")
            recorded.set()
            release.wait(10)
        connections.close_all()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert recorded.wait(10)
    with transaction.atomic():
        connection.cursor().execute("SET LOCAL lock_timeout = '2s'")
        record(actor=None, action="test.quick")
    assert AuditEvent.objects.get(action="test.quick").seq == 1
    release.set()
    slow.join()
    assert AuditEvent.objects.get(action="test.slow").seq == 2


def test_a_backlog_longer_than_one_batch_is_sealed_in_insertion_order(db: None) -> None:
    AuditEvent.objects.bulk_create(
        [AuditEvent(at=timezone.now(), action="test.backlog", details={"n": n}) for n in range(1_001)]
    )
    event = record(actor=None, action="test.after")
    seal_pending()
    event.refresh_from_db()
    assert event.seq == 1_002
    assert AuditEvent.objects.get(details__n=1_000).seq == 1_001
    assert verify_chain().ok
