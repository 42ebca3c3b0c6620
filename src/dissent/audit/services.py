"""``record()``: the one function through which every change and every read is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from dissent.audit.models import AuditEvent, ChainHead
from dissent.signing.canonical import canonical_json, sha256_hex

# The columns the hash covers, in the order ``payload()`` takes them; verify reads rows in this order.
PAYLOAD_FIELDS = ("seq", "at", "actor_id", "action", "object_type", "object_id", "memo_id", "details")


def payload(
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    memo_id: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    """The event as hashed. Positional, so that verify can pass a database row straight in."""
    return {
        "seq": seq,
        "at": at.isoformat(),
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "memo_id": memo_id,
        "details": details,
    }


def event_payload(event: AuditEvent) -> dict[str, Any]:
    return payload(*(getattr(event, field) for field in PAYLOAD_FIELDS))


def link_hash(prev_hash: str, canonical_event: bytes) -> str:
    """SHA-256 over the previous hash (64 ASCII hex digits) followed by the canonical event."""
    return sha256_hex(prev_hash.encode("ascii") + canonical_event)


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return link_hash(prev_hash, canonical_json(event_payload(event)))


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    memo_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction: it commits or rolls back with the change.

    ``actor`` is a person (or None for the system); ``target`` the object acted on;
    ``memo_id`` the memo concerned, so that "who read memo X" is one indexed query.

    ``details`` is metadata for auditors, who must never learn what a memo says: ids,
    states, versions, counts, digests, filters, yes; titles, bodies, recommendations,
    messages, names of attachments, never. It is canonical JSON (str, int, bool, None,
    lists, dicts; no floats), hashed into the chain and kept for good.

    The chain head row is locked until the caller commits, so keep the rest of the
    transaction short: docs/audit.md has the measured cost.
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
