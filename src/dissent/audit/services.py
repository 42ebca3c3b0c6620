"""``record()``: the one function through which every change and every read is audited."""

from __future__ import annotations

import atexit
from collections.abc import Sequence
from functools import partial
from typing import Any, TypedDict, Unpack

from django.db import connection, models, transaction
from django.utils import timezone

from dissent import rows
from dissent.audit import sql
from dissent.audit.actions import AUDIT_EXPORTED, AUDIT_READ
from dissent.audit.models import AuditEvent
from dissent.audit.sealer import Sealer
from dissent.proof.canonical import canonical_json
from dissent.proof.chain import link_hash, stored_payload

SEAL_BATCH = 1_000
# Keys that would put what a memo says in front of auditors; record() refuses them.
CONTENT_KEYS = frozenset(
    {"title", "body", "text", "content", "summary", "recommendation", "message", "subject", "comment"}
)


def refuse_content(details: Any) -> None:
    """Auditors see details, so a key that names memo content is a programming error, caught early."""
    if isinstance(details, dict):
        for key, value in details.items():
            if str(key).lower() in CONTENT_KEYS:
                raise ValueError(f"audit details must not carry content: key {key!r}")
            refuse_content(value)
    elif isinstance(details, list | tuple):
        for value in details:
            refuse_content(value)


class EventFields(TypedDict, total=False):
    """What an event says besides who did what; ``new_event`` documents each."""

    target: models.Model | None
    memo_id: str
    details: dict[str, Any] | None


def record(*, actor: Any, action: str, **fields: Unpack[EventFields]) -> AuditEvent:
    """Append one event inside the caller's transaction: it commits or rolls back with the change.

    ``actor`` is a person (or None for the system); ``target`` the object acted on;
    ``memo_id`` the memo concerned, so that "who read memo X" is one indexed query.

    ``details`` is metadata for auditors, who must never learn what a memo says: ids,
    states, versions, counts, digests, filters, yes; titles, bodies, recommendations,
    messages, names of attachments, never (keys in CONTENT_KEYS are refused). It is
    canonical JSON (str, int, bool, None, lists, dicts; no floats), hashed into the
    chain and kept for good.

    The event is inserted unsealed, which locks nothing shared, so writers do not queue
    behind one another's commits; ``seal_pending`` chains it right after the commit
    (docs/audit.md; figures in docs/benchmarks.md). On SQLite, where writers queue for the one
    write lock anyway, it is sealed at once inside the caller's transaction.
    """
    return append(new_event(actor=actor, action=action, **fields))


def new_event(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    memo_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event ``record`` appends, checked (no content, hashable details) but not yet written.

    For the one statement that writes a change and its event together (signing on
    PostgreSQL, ``signing/sql.py``), which then hands the event to ``appended``. A target
    without a primary key yet leaves ``object_id`` for that statement to fill in.
    """
    payload_details = details or {}
    refuse_content(payload_details)
    canonical_json(payload_details)  # refuse what cannot be hashed now, not later in the sealer
    return AuditEvent(
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        memo_id=memo_id,
        details=payload_details,
    )


def append(event: AuditEvent) -> AuditEvent:
    """Insert a ``new_event`` in the caller's transaction, then see that it is sealed."""
    rows.insert(event)  # every audited request runs this: no ORM compiler (dissent/rows.py)
    return appended(event)


def appended(event: AuditEvent) -> AuditEvent:
    """A ``new_event`` its caller's own statement inserted: see that it is sealed, as ``append`` does."""
    seal_soon(event)
    return event


def record_many(
    *,
    actor: Any,
    action: str,
    items: Sequence[tuple[models.Model, str, dict[str, Any]]],
) -> int:
    """One event per (target, memo_id, details) in a single insert, for reads of many memos at once.

    A list that shows titles or text reads each memo it lists: one event each keeps "who
    read memo X" a single indexed query, and one insert keeps the list's cost flat.
    """
    if not items:
        return 0
    checked: set[int] = set()
    for _target, _memo_id, details in items:
        if id(details) not in checked:  # a list usually shares one details dict among its items
            refuse_content(details)
            canonical_json(details)
            checked.add(id(details))
    now, actor_id = timezone.now(), getattr(actor, "pk", None)
    events = AuditEvent.objects.bulk_create(
        AuditEvent(
            at=now,
            actor_id=actor_id,
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            memo_id=memo_id,
            details=details,
        )
        for target, memo_id, details in items
    )
    seal_soon(events[-1])
    return len(events)


def seal_soon(last: AuditEvent) -> None:
    """SQLite: seal now, inside the caller's transaction (writers queue for its one lock anyway).
    PostgreSQL: seal after the commit, so writers never wait on the chain head."""
    if connection.vendor == "sqlite":
        sealed = {event_id: (seq, prev, digest) for seq, prev, digest, event_id in seal_pending()}
        last.seq, last.prev_hash, last.hash = sealed[last.pk]
    else:
        transaction.on_commit(seal_after_commit, robust=True)


def seal_after_commit() -> None:
    """In a web worker, poke the process's sealer thread, which seals many commits in one batch
    (``audit/sealer.py``). Elsewhere (commands, the task worker, tests) seal here and now, so
    a short-lived process leaves nothing it wrote for someone else to seal."""
    if SEAL_IN_BACKGROUND:
        SEALER.poke()
    else:
        seal_pending(durable=False)


def seal_in_background() -> None:
    """Called once by the web server's entry point (``dissent/wsgi.py``); at a clean exit the
    process makes its last seal before it goes."""
    global SEAL_IN_BACKGROUND
    SEAL_IN_BACKGROUND = True
    atexit.register(SEALER.close)


def seal_pending(*, durable: bool = True) -> list[tuple[int, str, str, int]]:
    """Chain every committed unsealed event, oldest insert first; return (seq, prev_hash, hash, id) each.

    Idempotent, so anyone may call it: each writer's commit does, and so do verify and
    checkpoint before they look at the chain.

    ``durable=False`` (after a writer's commit, on PostgreSQL) commits the seal without
    waiting for the disk. A seal is derived from events already committed durably, so one
    lost in a crash is simply made again by the next seal; nothing signed can depend on
    it, because ``checkpoints.sign_head`` flushes every earlier seal first.
    """
    sealed: list[tuple[int, str, str, int]] = []
    while True:
        batch = seal_batch(batch=SEAL_BATCH, durable=durable)
        sealed += batch
        if len(batch) < SEAL_BATCH:
            return sealed


SEALER = Sealer(partial(seal_pending, durable=False))
SEAL_IN_BACKGROUND = False


def seal_batch(*, batch: int, durable: bool = True) -> list[tuple[int, str, str, int]]:
    """Seal up to ``batch`` events in one short transaction that holds the sealing lock.

    Writers never wait for this lock; sealers wait only for each other, and each finds
    the work of those before it done (then it returns at once, having written nothing).
    Returns (seq, prev_hash, hash, id) per event sealed. The statements are audit/sql.py's.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if not sql.pending(cursor, limit=1):
            return []
        if not durable:
            sql.commit_without_flush(cursor)
        seq, prev = sql.locked_head(cursor)
        sealed = []
        for event_id, *stored in sql.pending(cursor, limit=batch):
            seq += 1
            digest = link_hash(prev, stored_payload((seq, *stored)))
            sealed.append((seq, prev, digest, event_id))
            prev = digest
        if sealed:
            sql.write_seals(cursor, sealed)
            sql.move_head(cursor, seq=seq, digest=prev)
    return sealed


def note_trail_read(*, reader: Any, filters: dict[str, Any], exported: bool = False) -> AuditEvent:
    """Reading the audit trail is itself audited: who looked, with which filters, and whether
    they took a copy away (CSV export)."""
    return record(
        actor=reader, action=AUDIT_EXPORTED if exported else AUDIT_READ, details={"filters": filters}
    )
