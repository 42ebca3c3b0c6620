"""The in-app inbox and each person's e-mail preference."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dissent.people.models import User


class Notification(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    memo = models.ForeignKey("channel.Memo", on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class Preference(models.Model):
    """E-mail is on by default; it never carries a title or content, only a link."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notify_preference")
    email = models.BooleanField(_("send me an e-mail when there is a new item"), default=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
