"""Notification rows are written in the transaction of their change (an outbox): there with the
change and without any on-commit callback, gone with a rollback; only the hand-off to the
task worker waits for the commit, and a broken queue never fails the request."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from dissent.channel import services
from dissent.channel.models import Memo
from dissent.notify import tasks
from dissent.notify.delivery import deliver_due
from dissent.notify.models import Notification
from dissent.notify.services import mark_read, set_email_preference
from dissent.people.models import User
from dissent.signing import services as signing
from dissent.signing.models import SignatureGoal
from tests.channel.helpers import Api
from tests.conftest import Personas
from tests.signing.helpers import staff
from tests.web.helpers import MEMO, sees, submitted


class RolledBack(Exception):
    pass


def recipients(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__email", flat=True))


def e_mailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_inbox_item_is_written_with_the_change_and_its_e_mail_waits_for_the_worker(
    org: Personas,
) -> None:
    memo_id = submitted(org)
    services.acknowledge_memo(actor=org.office, memo_id=memo_id)
    assert recipients("memo.acknowledged") == ["cosigner@example.org", "drafter@example.org"]
    assert "The office acknowledged a memo you drafted." in sees(org.drafter, "/inbox/")
    assert set(Notification.objects.values_list("email_status", "email_attempts")) == {("pending", 0)}
    assert mail.outbox == [], "no on-commit callback ran, so nothing was handed to the worker"

    assert deliver_due().sent == Notification.objects.count()
    assert e_mailed() == sorted(Notification.objects.values_list("user__email", flat=True))
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_a_change_that_rolls_back_leaves_no_notification_and_sends_nothing(
    org: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    memo_id = submitted(org)
    deliver_due()
    mail.outbox.clear()

    def acknowledge_then_fail() -> None:
        with transaction.atomic():
            services.acknowledge_memo(actor=org.office, memo_id=memo_id)
            assert len(recipients("memo.acknowledged")) == 2, "written inside the transaction"
            raise RolledBack

    with django_capture_on_commit_callbacks(execute=True) as handed_off, pytest.raises(RolledBack):
        acknowledge_then_fail()
    assert handed_off == []
    assert recipients("memo.acknowledged") == []
    assert Memo.objects.get(public_id=memo_id).status == "submitted"
    assert deliver_due().sent == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_broken_task_queue_is_logged_and_never_fails_the_request(
    org: Personas, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    memo = services.create_memo(actor=org.drafter, **MEMO)
    services.submit_memo(actor=org.drafter, memo_id=memo.public_id)  # committed and handed off for real

    def queue_down(notification_ids: list[int]) -> None:
        raise ConnectionError("the task queue is down")

    monkeypatch.setattr(tasks, "email_notifications", queue_down)
    mail.outbox.clear()
    with caplog.at_level(logging.ERROR):
        status, _body = Api(org.office).post(f"/memos/{memo.public_id}/acknowledge")
    assert status == 200
    assert "hand_off_to_worker in on_commit()" in caplog.text
    assert "the task queue is down" in caplog.text
    assert Notification.objects.get(kind="memo.acknowledged").email_status == "pending"
    assert mail.outbox == []

    assert tasks.email_due_notifications.call_local() == 1, "the periodic delivery sends it"
    assert e_mailed() == ["drafter@example.org"]


def test_people_who_turned_e_mail_off_get_none_and_keep_the_inbox_item(org: Personas) -> None:
    set_email_preference(user=org.drafter, email=False)
    submitted(org)
    result = deliver_due()
    assert "drafter@example.org" not in e_mailed()
    assert "cosigner@example.org" in e_mailed(), "the co-drafter kept e-mail on"
    assert result.skipped == 1
    assert Notification.objects.get(user=org.drafter).email_status == "skipped"
    assert "Your memo was submitted" in sees(org.drafter, "/inbox/")


def test_an_item_read_before_its_e_mail_went_out_is_not_e_mailed(org: Personas) -> None:
    submitted(org)
    mark_read(user=org.drafter)
    deliver_due()
    assert "drafter@example.org" not in e_mailed()
    assert Notification.objects.get(user=org.drafter).email_status == "skipped"


def circulating(org: Personas, *, target: int | None) -> str:
    """A memo open for signature by everyone in the Water Bureau."""
    memo = services.create_memo(actor=org.drafter, **MEMO)
    services.circulate_memo(actor=org.drafter, memo_id=memo.public_id)
    signing.invite(actor=org.drafter, memo_id=memo.public_id, unit_codes=["WAT"])
    if target is not None:
        signing.set_target(actor=org.drafter, memo_id=memo.public_id, target=target)
    return memo.public_id


def sign(person: User, memo_id: str) -> int:
    """Sign the current version; how many queries signing ran."""
    version = Memo.objects.select_related("current_version").get(public_id=memo_id).current_version
    assert version is not None
    with CaptureQueriesContext(connection) as captured:
        signing.sign_memo(actor=person, memo_id=memo_id, version_sha256=version.sha256)
    return len(captured)


def milestones(org: Personas) -> list[str]:
    kinds = Notification.objects.filter(user=org.drafter, kind__startswith="signature.").order_by("pk")
    return list(kinds.values_list("kind", flat=True))


def test_a_milestone_missed_by_a_crash_after_the_signature_is_told_at_the_next_signature(
    org: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = staff(4, "WAT")
    memo_id = circulating(org, target=6)
    sign(people[0], memo_id)
    with monkeypatch.context() as crash:  # the process dies after the signature's own commit
        crash.setattr(signing, "reach_milestones", lambda memo_pk, count: None)
        sign(people[1], memo_id)
    assert milestones(org) == []
    sign(people[2], memo_id)
    assert milestones(org) == ["signature.third_of_target"]
    sign(people[3], memo_id)
    assert milestones(org) == ["signature.third_of_target", "signature.two_thirds_of_target"]


@pytest.mark.django_db(transaction=True)
def test_a_milestone_that_cannot_be_told_keeps_the_signature_and_stays_unclaimed(
    org: Personas, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    people = staff(2, "WAT")
    memo_id = circulating(org, target=3)

    def database_fails(**kwargs: Any) -> None:
        raise DatabaseError("the notification insert failed")

    with monkeypatch.context() as failing, caplog.at_level(logging.ERROR):
        failing.setattr(signing, "notify", database_fails)
        sign(people[0], memo_id)
    assert "could not tell the drafters" in caplog.text
    assert Memo.objects.get(public_id=memo_id).signature_count == 1
    goal = SignatureGoal.objects.get(memo__public_id=memo_id)
    assert goal.third_reached_at is None, "the claim rolled back with its notification"
    sign(people[1], memo_id)
    assert milestones(org) == ["signature.third_of_target", "signature.two_thirds_of_target"]


def test_a_signature_that_reaches_no_milestone_costs_no_query_more(org: Personas) -> None:
    people = staff(5, "WAT")
    without_target, with_target = circulating(org, target=None), circulating(org, target=9)
    for person in people[:3]:
        sign(person, without_target)
        sign(person, with_target)  # the third signature reaches a third of 9
    assert sign(people[3], without_target) == sign(people[4], with_target), "at 4 of 9, no milestone"
    assert milestones(org) == ["signature.third_of_target"]
