"""The audit trail in the API: ``GET /audit``, for auditors; every read is itself recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from dissent.audit import selectors, services
from dissent.audit.models import AuditEvent
from dissent.bounds import MAX_ID, window

router = Router(tags=["audit"])

MAX_LIMIT = 500


class TrailQuery(Schema):
    memo: str = ""
    actor: int | None = Field(None, ge=1, le=MAX_ID)
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0


class ObjectOut(Schema):
    type: str
    id: str


class EventOut(Schema):
    seq: int | None
    at: datetime
    actor_id: str | None
    action: str
    object: ObjectOut | None
    memo_id: str | None
    details: dict[str, Any]
    hash: str | None


class TrailOut(Schema):
    items: list[EventOut]
    count: int


def event_out(event: AuditEvent) -> EventOut:
    return EventOut(
        seq=event.seq,
        at=event.at,
        actor_id=str(event.actor_id) if event.actor_id is not None else None,
        action=event.action,
        object=ObjectOut(type=event.object_type, id=event.object_id) if event.object_type else None,
        memo_id=event.memo_id or None,
        details=event.details,
        hash=event.hash or None,
    )


@router.get(
    "/audit",
    response=TrailOut,
    summary="Audit events, newest first (auditors only; the read is recorded as audit.read)",
)
def audit_trail(request: HttpRequest, query: Query[TrailQuery]) -> TrailOut:
    """Who read memo X and when (``memo``), everything person Y did (``actor``), by action and time.

    ``seq`` and ``hash`` are null for the moment between an event's commit and its seal.
    """
    limit, offset = window(query.limit, query.offset, max_limit=MAX_LIMIT)
    filters = selectors.TrailFilters(
        memo=query.memo, actor=query.actor, action=query.action, since=query.since, until=query.until
    )
    with transaction.atomic():
        events = selectors.trail(reader=request.user, filters=filters)  # type: ignore[arg-type]
        page = [event_out(event) for event in events[offset : offset + limit]]
        count = events.count()
        services.note_trail_read(
            reader=request.user, filters=filters.details() | {"limit": limit, "offset": offset}
        )
    return TrailOut(items=page, count=count)
