"""Leadership messages by e-mail: sent by the task worker in batches after the commit, with the
message in full, to each person addressed who wants e-mail, resumed after a failing server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from dissent.broadcasts import delivery, services, tasks
from dissent.broadcasts.models import Broadcast
from dissent.notify.models import Notification
from dissent.notify.services import set_email_preference
from dissent.people import services as people
from tests.conftest import Personas, queries_for
from tests.notify.smtp import FakeSmtp

TITLE = "Forums on the consolidation plan"
BODY = "We heard the memo. Forums open next week."
MINISTRY = ["drafter@example.org", "office.head@example.org", "office@example.org", "outsider@example.org"]


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.django_db
def test_the_message_goes_by_e_mail_in_full_to_the_people_addressed_but_its_author(
    org: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_broadcast(actor=org.leader, title=TITLE, body=BODY, unit_codes=["MIN"])
    assert sent_to() == MINISTRY
    email = mail.outbox[0]
    assert email.subject == f"[Dissent Channel] {TITLE}"
    assert BODY in email.body
    assert f"/messages/{message.public_id}/" in email.body
    message.refresh_from_db()
    assert (message.email_due_at, message.emailed_at is not None) == (None, True)
    assert not Notification.objects.exists(), "no row per person is written"


@pytest.mark.django_db
def test_each_person_gets_it_in_their_language_and_those_who_turned_e_mail_off_get_none(
    org: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    set_email_preference(user=org.drafter, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_broadcast(actor=org.leader, title=TITLE, body=BODY)
    assert org.drafter.email not in sent_to()
    assert org.leader.email not in sent_to()
    assert len(sent_to()) == 7
    (to_cosigner,) = [m for m in mail.outbox if m.to == [org.cosigner.email]]
    assert "领导层" in to_cosigner.body
    assert BODY in to_cosigner.body


@pytest.mark.django_db
def test_batches_follow_a_cursor_and_a_second_run_sends_nothing_twice(
    org: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "BATCH", 2)
    message = services.send_broadcast(actor=org.leader, title=TITLE, body=BODY)  # hand-off not run
    assert tasks.email_due_broadcasts.call_local() == 8
    assert len(sent_to()) == len(set(sent_to())) == 8
    assert tasks.email_due_broadcasts.call_local() == 0
    assert delivery.deliver(message.pk) == 0
    assert len(mail.outbox) == 8


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_never_fails_the_request_and_the_next_run_resumes(
    org: Personas, mail_server: FakeSmtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    mail_server.answer = "busy"
    message = services.send_broadcast(actor=org.leader, title=TITLE, body=BODY, unit_codes=["MIN"])
    message.refresh_from_db()
    assert message.email_failures == 1
    assert message.email_due_at is not None
    assert mail_server.recipients() == []

    mail_server.answer = "accept"
    Broadcast.objects.update(email_due_at=message.created_at)  # the retry's time has come
    assert tasks.email_due_broadcasts.call_local() == 4
    assert mail_server.recipients() == MINISTRY
    message.refresh_from_db()
    assert (message.email_due_at, message.email_failures) == (None, 0)


@pytest.mark.django_db
def test_sending_to_all_staff_costs_the_same_queries_for_ten_people_or_two_hundred(org: Personas) -> None:
    def send() -> None:
        with transaction.atomic():
            services.send_broadcast(actor=org.leader, title=TITLE, body=BODY)

    send()  # the first message of a process also reads what is cached afterwards
    few = queries_for(send)
    rows = "\n".join(f"staff{n}@example.org,Staff {n},NOR,staff,true,en" for n in range(200))
    people.import_people(data=f"email,name,units,roles,eligible,language\n{rows}\n".encode())
    many = queries_for(send)
    assert many == few


@pytest.mark.django_db
def test_someone_who_read_the_message_before_its_e_mail_went_out_gets_none(org: Personas) -> None:
    message = services.send_broadcast(actor=org.leader, title=TITLE, body=BODY, unit_codes=["MIN"])
    services.mark_read(actor=org.drafter, broadcast_id=message.public_id)
    assert tasks.email_due_broadcasts.call_local() == 3
    assert org.drafter.email not in sent_to()
