"""Reads of a person's own inbox: nobody reads another person's notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from dissent.notify.models import Notification, Preference
from dissent.people.models import User


def inbox(user: User) -> QuerySet[Notification]:
    """Newest first, with the memo's public id for the link (and no other memo field)."""
    return (
        Notification.objects.filter(user=user)
        .select_related("memo")
        .only("kind", "created_at", "read_at", "memo__public_id")
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def wants_email(user: User) -> bool:
    """E-mail is on until the person turns it off (see Preference)."""
    pref = Preference.objects.filter(user=user).first()
    return True if pref is None else pref.email


def muted_among(user_ids: Iterable[int]) -> set[int]:
    """Those of these people who turned e-mail off."""
    return set(
        Preference.objects.filter(user_id__in=list(user_ids), email=False).values_list("user_id", flat=True)
    )
