"""The in-app inbox, which is also the e-mail outbox, and each person's e-mail preference."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dissent.people.models import User


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("to be sent")
    SENT = "sent", _("sent")
    GIVEN_UP = "given_up", _("given up")
    SKIPPED = "skipped", _("not sent")


class Notification(models.Model):
    """One inbox item, and the e-mail that tells its person about it (notify/delivery.py).

    The row is written in the transaction of the change it reports, so the item and its
    pending e-mail exist exactly when the change does. ``email_due_at`` is set while the
    e-mail is pending: the time of the next attempt, or the end of a worker's lease on it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    memo = models.ForeignKey("channel.Memo", on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_due_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=200, blank=True, default="")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["user", "read_at"]),
            # Delivery reads only the due rows; sent and skipped ones never enter this index.
            models.Index(
                fields=["email_due_at"], condition=Q(email_due_at__isnull=False), name="notify_email_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(email_status=EmailStatus.PENDING, email_due_at__isnull=False)
                | (~Q(email_status=EmailStatus.PENDING) & Q(email_due_at__isnull=True)),
                name="notify_due_when_pending",
            ),
            models.CheckConstraint(
                condition=Q(email_status=EmailStatus.SENT, emailed_at__isnull=False)
                | (~Q(email_status=EmailStatus.SENT) & Q(emailed_at__isnull=True)),
                name="notify_emailed_when_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class Preference(models.Model):
    """E-mail is on by default; it never carries a title or content, only a link."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notify_preference")
    email = models.BooleanField(_("send me an e-mail when there is a new item"), default=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
