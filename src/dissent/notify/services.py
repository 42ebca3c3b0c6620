"""Notifying people: an inbox row each, which is also the e-mail waiting to be sent (an outbox)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dissent.notify.models import Notification, Preference
from dissent.people.models import User


def notify(
    *, users: Iterable[User], kind: str, memo: object | None = None, exclude: User | None = None
) -> None:
    """Inbox items for each person (once each, never the actor), e-mail due at once.

    Call it inside the transaction of the change it reports: the rows commit or roll back
    with the change, so a crash after the commit loses no e-mail and a failure here fails
    the change, never a change already committed. Only the hand-off to the task worker
    waits for the commit, and a broken queue is logged, not raised (``robust``): the
    periodic delivery (notify/tasks.py) sends whatever a lost hand-off left.
    """
    recipients = {u.pk: u for u in users if u.is_active and (exclude is None or u.pk != exclude.pk)}
    if not recipients:
        return
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(user_id=pk, kind=kind, memo=memo, created_at=now, email_due_at=now)  # type: ignore[misc]
            for pk in recipients
        ]
    )
    ids = [n.pk for n in created]  # PostgreSQL and SQLite ≥ 3.35 return the new keys

    def hand_off_to_worker() -> None:  # a named function: Django logs a robust callback's __qualname__
        from dissent.notify.tasks import email_notifications

        email_notifications(ids)

    transaction.on_commit(hand_off_to_worker, robust=True)


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def set_email_preference(*, user: User, email: bool) -> Preference:
    pref, _created = Preference.objects.update_or_create(user=user, defaults={"email": email})
    return pref
