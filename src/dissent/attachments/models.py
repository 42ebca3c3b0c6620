"""Files attached to a memo or to a message. Name and bytes are sealed under the memo's data key."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from dissent.channel.models import Memo, Message
from dissent.people.models import User


def new_attachment_id() -> str:
    return secrets.token_hex(8)


class Attachment(models.Model):
    public_id = models.CharField(max_length=24, unique=True, default=new_attachment_id, editable=False)
    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, related_name="attachments")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    filename = models.BinaryField()
    content = models.BinaryField()

    class Meta:
        ordering = ("memo", "created_at", "pk")

    def __str__(self) -> str:
        return f"attachment {self.public_id} of {self.memo_id}"

    def aad(self, part: str) -> str:
        return self.memo.aad(f"attachment:{self.public_id}:{part}")
