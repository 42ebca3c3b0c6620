"""``record()``: the one function through which every change and every read is audited."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from dissent.audit.models import AuditEvent, ChainHead
from dissent.signing.canonical import canonical_json, sha256_hex


def event_payload(event: AuditEvent) -> dict[str, Any]:
    """The fields the hash covers, in canonical-JSON-ready form."""
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "memo_id": event.memo_id,
        "details": event.details,
    }


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return sha256_hex(prev_hash.encode("ascii") + canonical_json(event_payload(event)))


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    memo_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction: it commits or rolls back with the change.

    ``actor`` is a person (or None for the system); ``target`` the object acted on.
    """
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            memo_id=memo_id,
            details=details or {},
            prev_hash=head.hash,
        )
        event.hash = chain_hash(head.hash, event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event
