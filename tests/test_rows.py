"""Rows written and read without the ORM's compiler (dissent/rows.py) are exactly the ORM's rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from dissent import rows
from dissent.audit.models import AuditEvent
from dissent.people.models import ApiToken, User
from dissent.people.services import authenticate_token, revoke_tokens
from tests.conftest import Personas, token_for


def fields_of(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_token_reads_its_person_exactly_as_the_orm_does(org: Personas) -> None:
    org.cosigner.last_login = timezone.now()
    org.cosigner.save()
    person = authenticate_token(token_for(org.cosigner))
    assert person is not None
    assert fields_of(person) == fields_of(User.objects.get(pk=org.cosigner.pk))
    assert person.last_login is not None
    assert person.last_login.tzinfo is not None
    assert not person._state.adding


def test_a_revoked_token_or_an_inactive_person_reads_nobody(org: Personas) -> None:
    token = token_for(org.drafter)
    revoke_tokens(tokens=ApiToken.objects.filter(user=org.drafter))
    assert authenticate_token(token) is None
    token = token_for(org.outsider)
    User.objects.filter(pk=org.outsider.pk).update(is_active=False)
    assert authenticate_token(token) is None


def test_an_inserted_row_reads_back_as_written(org: Personas) -> None:
    at = timezone.now()
    event = AuditEvent(
        at=at, actor_id=org.drafter.pk, action="test.row", memo_id="7", details={"a": [1, "b"]}
    )
    rows.insert(event)
    assert event.pk is not None
    assert not event._state.adding
    stored = AuditEvent.objects.get(pk=event.pk)
    assert fields_of(stored) == fields_of(event) | {
        "seq": stored.seq,
        "prev_hash": stored.prev_hash,
        "hash": stored.hash,
    }
    assert stored.at == at
    assert stored.details == {"a": [1, "b"]}


def test_an_insert_that_breaks_a_constraint_raises_and_writes_nothing(org: Personas) -> None:
    taken = User(email=org.drafter.email, name="Someone else")
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(taken)
    assert User.objects.filter(email=org.drafter.email).count() == 1
