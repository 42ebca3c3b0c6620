"""E-mails for inbox items, sent by the task worker. Claiming by conditional UPDATE means a
retried or duplicated task never sends the same item twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from dissent.notify.models import Notification, Preference


@db_task()
def email_notifications(notification_ids: list[int]) -> int:
    sent = 0
    muted = set(Preference.objects.filter(email=False).values_list("user_id", flat=True))
    for note in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        if note.user_id in muted:
            continue
        claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        with translation.override(note.user.language):
            send_mail(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("You have a new item"),
                message=_(
                    "There is a new item for you in Dissent Channel.\n\n"
                    "For your protection this e-mail never says what it is about. Open your inbox:\n{url}\n"
                ).format(url=f"{settings.BASE_URL}/inbox/"),
                from_email=None,
                recipient_list=[note.user.email],
            )
        sent += 1
    return sent
