"""The audit trail's hash chain as a definition: which bytes each event hashes, how links join.

The sealer, ``dissent audit verify`` and anyone holding a copy of the rows must compute
the same hashes (docs/audit.md, "The hash"), so the definition lives apart from the
database code in ``dissent.audit``, which stores, seals and walks the events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from dissent.proof.canonical import canonical_json, sha256_hex

GENESIS_HASH = "0" * 64
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


def stored_payload(row: Sequence[Any]) -> bytes:
    """The canonical event from raw database values in PAYLOAD_FIELDS order, as the sealer and
    verify read them.

    Raw rows skip the ORM's converters (most of the cost of reading): SQLite gives naive
    UTC times, and both databases give ``details`` as JSON text.
    """
    seq, at, actor_id, action, object_type, object_id, memo_id, details = row
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if not isinstance(details, dict):
        details = json.loads(details)
    return canonical_json(payload(seq, at, actor_id, action, object_type, object_id, memo_id, details))


def link_hash(prev_hash: str, canonical_event: bytes) -> str:
    """SHA-256 over the previous hash (64 ASCII hex digits) followed by the canonical event."""
    return sha256_hex(prev_hash.encode("ascii") + canonical_event)


def chain_hash(prev_hash: str, event: Any) -> str:
    """The hash a sealed event must carry, from anything with the PAYLOAD_FIELDS as attributes."""
    return link_hash(prev_hash, canonical_json(payload(*(getattr(event, field) for field in PAYLOAD_FIELDS))))


def checkpoint_statement(*, seq: int, hash: str, at: str) -> dict[str, Any]:
    """What a checkpoint's Ed25519 signature covers, as canonical JSON: this head at this time."""
    return {"seq": seq, "hash": hash, "at": at}
