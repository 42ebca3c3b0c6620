"""record(): events append in order and chain their hashes."""

from __future__ import annotations

from django.db import transaction

from dissent.audit.models import GENESIS_HASH, AuditEvent
from dissent.audit.services import chain_hash, record
from tests.conftest import Personas


def test_events_chain_from_the_genesis_hash(org: Personas) -> None:
    first = record(actor=org.drafter, action="memo.read", target=org.drafter, memo_id="m1")
    second = record(actor=None, action="system.tick", details={"n": 1})
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    stored = AuditEvent.objects.get(seq=2)
    assert chain_hash(first.hash, stored) == stored.hash


def test_an_event_rolls_back_with_the_change_it_records(org: Personas) -> None:
    try:
        with transaction.atomic():
            record(actor=org.drafter, action="memo.submitted")
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert AuditEvent.objects.count() == 0
    assert record(actor=org.drafter, action="memo.submitted").seq == 1
