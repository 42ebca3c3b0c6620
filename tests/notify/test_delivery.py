"""E-mail delivery against a real mail server on 127.0.0.1 (tests/notify/smtp.py): claimed under
a lease, retried with back-off when the server fails, given up after the last attempt, and
never sent twice."""

from __future__ import annotations

import smtplib
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction

from dissent import cli
from dissent.channel import services
from dissent.notify import delivery, tasks
from dissent.notify.models import Notification
from dissent.notify.services import notify
from tests.channel.helpers import Api
from tests.conftest import Personas
from tests.notify.smtp import FakeSmtp
from tests.signing.helpers import staff
from tests.web.helpers import MEMO, sees

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def one_pending(org: Personas) -> Notification:
    """An inbox item for the drafter whose e-mail is due (its hand-off never ran)."""
    with transaction.atomic():
        notify(users=[org.drafter], kind="memo.acknowledged")
    return Notification.objects.get(user=org.drafter)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("busy", "The mail server answered 421 (SMTPConnectError)."),
        ("greylist", "The mail server refused the recipient (451)."),
    ],
)
def test_a_failing_mail_server_delays_the_e_mail_and_never_fails_the_request(
    org: Personas, mail_server: FakeSmtp, answer: str, error: str
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        memo = services.create_memo(actor=org.drafter, **MEMO)
        services.submit_memo(actor=org.drafter, memo_id=memo.public_id)  # handed off and sent at once
        before = mail_server.recipients()
        mail_server.answer = answer

        status, _body = Api(org.office).post(f"/memos/{memo.public_id}/acknowledge")
        assert status == 200
        assert "The office acknowledged a memo you drafted." in sees(org.drafter, "/inbox/")
        note = Notification.objects.get(kind="memo.acknowledged")
        assert (note.email_status, note.email_attempts, note.email_error) == ("pending", 1, error)
        assert note.email_due_at == START + timedelta(minutes=1)
        assert mail_server.recipients() == before

        clock.shift(timedelta(seconds=30))
        assert tasks.email_due_notifications.call_local() == 0
        assert Notification.objects.get(pk=note.pk).email_attempts == 1, "not due yet"

        mail_server.answer = "accept"
        clock.shift(timedelta(seconds=31))
        assert tasks.email_due_notifications.call_local() == 1
        assert mail_server.recipients() == sorted([*before, "drafter@example.org"])
        note.refresh_from_db()
        assert (note.email_status, note.email_attempts, note.email_error) == ("sent", 2, "")
        assert note.emailed_at == START + timedelta(seconds=61)

        assert tasks.email_due_notifications.call_local() == 0
        assert mail_server.recipients() == sorted([*before, "drafter@example.org"]), "sent once"


@pytest.mark.parametrize(("answer", "attempted"), [("busy", 1), ("greylist", 3)])
def test_a_server_that_takes_no_mail_ends_the_run_and_the_rest_wait_without_an_attempt(
    org: Personas, mail_server: FakeSmtp, answer: str, attempted: int
) -> None:
    mail_server.answer = answer
    with transaction.atomic():
        notify(users=[org.drafter, org.cosigner, org.office], kind="memo.acknowledged")
    result = delivery.deliver_due()
    attempts = sorted(Notification.objects.values_list("email_attempts", flat=True), reverse=True)
    assert attempts == [1] * attempted + [0] * (3 - attempted)
    assert (result.sent, result.failed) == (0, attempted)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"pending"}


def test_a_row_is_given_up_after_the_last_attempt_and_stays_in_the_inbox(
    org: Personas, mail_server: FakeSmtp, caplog: pytest.LogCaptureFixture
) -> None:
    mail_server.answer = "greylist"
    with time_machine.travel(START, tick=False) as clock:
        note = one_pending(org)
        waits = []
        for _attempt in range(delivery.MAX_ATTEMPTS):
            delivery.deliver_due()
            note.refresh_from_db()
            if note.email_due_at is not None:
                waits.append(note.email_due_at - datetime.now(UTC))
                clock.move_to(note.email_due_at)
        assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64, 128, 240, 240, 240)]
        assert (note.email_status, note.email_attempts) == ("given_up", 12)
        assert note.email_error == "The mail server refused the recipient (451)."
        assert "gave up e-mailing notification" in caplog.text

        mail_server.answer = "accept"
        clock.shift(timedelta(days=1))
        assert delivery.deliver_due().sent == 0
    assert mail_server.recipients() == []
    assert "The office acknowledged a memo you drafted." in sees(org.drafter, "/inbox/")


def test_a_worker_that_died_mid_delivery_leaves_the_row_to_others_once_its_lease_ends(
    org: Personas, mail_server: FakeSmtp
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        note = one_pending(org)
        assert delivery.claim(note) == 1  # a worker claims the row, then dies before sending
        assert delivery.deliver_due().sent == 0, "the lease holds it"
        clock.shift(delivery.LEASE - timedelta(seconds=1))
        assert delivery.deliver_due().sent == 0
        clock.shift(timedelta(seconds=1))
        assert delivery.deliver_due().sent == 1
    assert mail_server.recipients() == ["drafter@example.org"]
    assert Notification.objects.get(pk=note.pk).email_attempts == 2


def test_a_late_worker_cannot_overwrite_the_outcome_of_the_next_one(
    org: Personas, mail_server: FakeSmtp, caplog: pytest.LogCaptureFixture
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        note = one_pending(org)
        assert delivery.claim(note) == 1  # a worker stalls past its lease with the row
        clock.shift(delivery.LEASE)
        assert delivery.deliver_due().sent == 1  # another sends it
        delivery.record(note, 1, email_due_at=START + timedelta(hours=1), email_error="late")
    note.refresh_from_db()
    assert (note.email_status, note.email_attempts, note.email_error) == ("sent", 2, "")
    assert "may get the e-mail twice" in caplog.text


def test_a_row_read_before_the_claim_is_claimed_once(org: Personas) -> None:
    note = one_pending(org)
    other_workers_copy = Notification.objects.get(pk=note.pk)
    assert delivery.claim(note) == 1
    assert delivery.claim(other_workers_copy) is None


@pytest.mark.django_db(transaction=True)
def test_four_workers_at_once_send_each_row_exactly_once(
    org: Personas, mail_server: FakeSmtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = staff(10, "WAT")
    monkeypatch.setattr(tasks, "email_notifications", lambda notification_ids: None)  # hand-offs lost
    for kind in ("memo.invited", "memo.message", "memo.closed", "memo.reply"):
        with transaction.atomic():
            notify(users=people, kind=kind)
    go = threading.Event()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            go.wait()
            delivery.deliver_due()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert mail_server.recipients() == sorted(p.email for p in people for _kind in range(4))
    assert set(Notification.objects.values_list("email_status", "email_attempts")) == {("sent", 1)}


def test_delivery_reads_the_due_rows_through_the_partial_index(db: None) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small is read whole otherwise
    plan = delivery.due(now=datetime.now(UTC))[: delivery.BATCH].explain()
    assert "notify_email_due" in plan


def test_the_worker_sends_what_is_due_as_it_starts(
    org: Personas, mail_server: FakeSmtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_pending(org)
    sent_when_the_consumer_started: list[list[str]] = []
    monkeypatch.setattr(
        "django.core.management.call_command",
        lambda *args, **kwargs: sent_when_the_consumer_started.append(mail_server.recipients()),
    )
    assert cli.main(["worker"]) == 0
    assert sent_when_the_consumer_started == [["drafter@example.org"]]


def test_an_error_is_one_sentence_without_the_servers_words() -> None:
    refused = smtplib.SMTPRecipientsRefused({"someone@example.org": (550, b"no such user someone")})
    assert delivery.describe(refused) == "The mail server refused the recipient (550)."
    assert delivery.describe(TimeoutError()) == "The mail server did not answer within 10 seconds."
    assert delivery.describe(ConnectionRefusedError(111, "Connection refused")) == (
        "Could not reach the mail server: Connection refused."
    )
