"""Leadership's messages to staff: one row per message, its audience as units, reads per person.

A message to 80,000 people is one ``Broadcast`` row and a few ``Audience`` rows, written in
the request; nobody gets a row of their own when it is sent. "Addressed to me" is a join of
the audience with my memberships (``selectors.addressed_to``), and the e-mails go out from
the task worker in batches, following a cursor on the message (``delivery.py``).

Bodies are stored in the clear, unlike memos: a message is written to everyone it names, by
people speaking for the organisation, and goes out by e-mail in full, so sealing it would
protect nothing the e-mails do not already show.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dissent.channel.models import Memo, new_public_id
from dissent.people.models import Unit, User


class Broadcast(models.Model):
    """One message. ``to_all`` addresses every active person; otherwise its ``Audience`` does.

    The e-mail fan-out keeps its place here: ``email_through`` is the last person (by id)
    handled, ``email_due_at`` when the next batch is due or a worker's lease on it ends, and
    it is empty once everyone was reached (``emailed_at``) or the mail server failed
    ``email_failures`` runs in a row (delivery.MAX_FAILURES).
    """

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"))
    to_all = models.BooleanField(default=False)
    memos: models.ManyToManyField[Memo, MemoLink] = models.ManyToManyField(
        Memo, through="MemoLink", related_name="+", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    email_through = models.BigIntegerField(default=0)
    email_due_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    email_failures = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["to_all", "created_at"]),
            # The periodic delivery reads only messages still being e-mailed.
            models.Index(
                fields=["email_due_at"], condition=Q(email_due_at__isnull=False), name="broadcast_email_due"
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.public_id}"


class Audience(models.Model):
    """A unit the message is addressed to: one the author chose (``chosen``), or one below it.

    Units below are resolved when the message is sent, so the audience is what the tree was
    then; people are not: whoever is a member of these units when they look sees the message.
    """

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="audience")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    chosen = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["broadcast", "unit"], name="audience_unit_once")]
        indexes = [models.Index(fields=["unit", "broadcast"])]

    def __str__(self) -> str:
        return f"{self.broadcast_id} to {self.unit_id}"


class MemoLink(models.Model):
    """A memo the message refers to; each reader sees it only if they may see the memo."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="memo_links")
    memo = models.ForeignKey(Memo, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["broadcast", "memo"], name="memo_link_once")]

    def __str__(self) -> str:
        return f"{self.broadcast_id} links {self.memo_id}"


class Read(models.Model):
    """That a person opened a message, and under which unit it counts.

    The person is kept so that reading twice counts once and so that each person sees what
    they have not read yet; nothing shows it to anyone else. Leadership sees only counts per
    ``unit``: the reader's first unit (by position) among those addressed, or their primary
    unit for a message to everyone, as it was when they read it.
    """

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["broadcast", "user"], name="broadcast_read_once")]
        indexes = [models.Index(fields=["user", "broadcast"])]

    def __str__(self) -> str:
        return f"{self.broadcast_id} read by {self.user_id}"
