"""The audit trail: one append-only table whose rows form a SHA-256 hash chain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dissent.proof.chain import GENESIS_HASH


class AuditEvent(models.Model):
    """Who did what to which object, when. ``hash`` = SHA-256(prev_hash ‖ canonical event).

    People and memos are referred to by plain ids, not foreign keys, so that nothing can
    cascade into this table. A row is inserted unsealed (``seq`` null, no hashes); sealing
    gives it its place in the chain once, and nothing may change it after that.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True, null=True)
    at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor"), null=True, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    memo_id = models.CharField(_("memo"), max_length=40, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("id",)
        indexes = [models.Index(fields=["id"], condition=models.Q(seq=None), name="audit_unsealed")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class ChainHead(models.Model):
    """One row (pk=1): the last sealed sequence number and hash, moved only by the sealer."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.seq}"
