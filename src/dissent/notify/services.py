"""Notifying people: an inbox row each, then (after commit) a content-free e-mail."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dissent.notify.models import Notification, Preference
from dissent.people.models import User


def notify(
    *, users: Iterable[User], kind: str, memo: object | None = None, exclude: User | None = None
) -> None:
    """Inbox items for each person (once each, never the actor), and e-mails once committed."""
    recipients = {u.pk: u for u in users if u.is_active and (exclude is None or u.pk != exclude.pk)}
    if not recipients:
        return
    created = Notification.objects.bulk_create(
        [Notification(user_id=pk, kind=kind, memo=memo) for pk in recipients]  # type: ignore[misc]
    )
    ids = [n.pk for n in created]  # PostgreSQL and SQLite ≥ 3.35 return the new keys
    from dissent.notify.tasks import email_notifications

    transaction.on_commit(lambda: email_notifications(ids))


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def set_email_preference(*, user: User, email: bool) -> Preference:
    pref, _created = Preference.objects.update_or_create(user=user, defaults={"email": email})
    return pref
