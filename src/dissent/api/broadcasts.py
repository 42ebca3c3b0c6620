"""Leadership messages in the JSON API v1 (design/api-contract.md, "Leadership messages")."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from dissent.api.auth import actor
from dissent.api.errors import ErrorOut
from dissent.bounds import window
from dissent.broadcasts import policy, selectors, services
from dissent.broadcasts.models import Broadcast
from dissent.errors import NotFound
from dissent.people.models import User
from dissent.people.selectors import roles_of

router = Router(tags=["broadcasts"])

MAX_PAGE = 200
REFUSED = {404: ErrorOut, 422: ErrorOut}


class BroadcastIn(Schema):
    title: str
    body: str = Field(description="Markdown, as in memos")
    units: list[str] = Field(
        default_factory=list, description="Unit codes; each brings every unit below it. None: all staff."
    )
    memo_ids: list[str] = Field(default_factory=list, description="Memos to link; the author must see each.")


class AuthorOut(Schema):
    id: str
    name: str


class BroadcastOut(Schema):
    id: str
    title: str
    body: str
    author: AuthorOut
    to_all: bool
    units: list[str] = Field(description="The unit codes named; units below them are addressed too.")
    memo_ids: list[str] = Field(description="Linked memos the caller may see; others are left out.")
    created_at: datetime
    read: bool


class BroadcastList(Schema):
    items: list[BroadcastOut]
    count: int


class ReadOut(Schema):
    id: str
    read_at: datetime


class UnitReadsOut(Schema):
    code: str
    name: str
    count: int


class ReadCountsOut(Schema):
    total: int
    units: list[UnitReadsOut]


def outs(me: User, messages: list[Broadcast]) -> list[BroadcastOut]:
    """A page of messages in three queries, whatever its length."""
    memos = selectors.linked_memo_ids(me, messages)
    units = selectors.chosen_units(messages)
    return [
        BroadcastOut(
            id=m.public_id,
            title=m.title,
            body=m.body,
            author=AuthorOut(id=str(m.author.pk), name=m.author.name),
            to_all=m.to_all,
            units=units.get(m.pk, []),
            memo_ids=memos.get(m.pk, []),
            created_at=m.created_at,
            read=selectors.was_read(m),
        )
        for m in messages
    ]


@router.post(
    "/broadcasts",
    response={201: BroadcastOut, 403: ErrorOut, 422: ErrorOut},
    summary="Write to all staff or to units (leadership)",
    description="403 `leadership_only` for anyone else. 422 `invalid` or `too_long` for an empty or "
    "over-long title or body, unknown unit codes, or memo ids the author cannot see (named, "
    "whether they exist or not).",
)
def send(request: HttpRequest, payload: BroadcastIn) -> Status[BroadcastOut]:
    me = actor(request)
    message = services.send_broadcast(
        actor=me, title=payload.title, body=payload.body, unit_codes=payload.units, memo_ids=payload.memo_ids
    )
    return Status(201, outs(me, [selectors.broadcast_for(me, message.public_id)])[0])


@router.get("/broadcasts", response=BroadcastList, summary="Messages addressed to me, newest first")
def list_broadcasts(request: HttpRequest, limit: int = 50, offset: int = 0) -> BroadcastList:
    me = actor(request)
    messages = selectors.addressed_to(me)
    limit, offset = window(limit, offset, max_limit=MAX_PAGE)
    return BroadcastList(items=outs(me, list(messages[offset : offset + limit])), count=messages.count())


@router.get("/broadcasts/{broadcast_id}", response={200: BroadcastOut, 404: ErrorOut}, summary="One message")
def get_broadcast(request: HttpRequest, broadcast_id: str) -> BroadcastOut:
    me = actor(request)
    return outs(me, [selectors.broadcast_for(me, broadcast_id)])[0]


@router.post(
    "/broadcasts/{broadcast_id}/read",
    response={200: ReadOut, **REFUSED},
    summary="Mark a message as read (again: no change)",
    description="404 for a message not addressed to the caller (422 `invalid` for leadership, who see it).",
)
def mark_read(request: HttpRequest, broadcast_id: str) -> ReadOut:
    read = services.mark_read(actor=actor(request), broadcast_id=broadcast_id)
    return ReadOut(id=broadcast_id, read_at=read.read_at)


@router.get(
    "/broadcasts/{broadcast_id}/reads",
    response={200: ReadCountsOut, 404: ErrorOut},
    summary="How many read a message, per unit (leadership): counts, never names",
)
def read_counts(request: HttpRequest, broadcast_id: str) -> ReadCountsOut:
    me = actor(request)
    if not policy.can_see_all(roles_of(me)):
        raise NotFound()
    counts = selectors.read_counts(me, [selectors.broadcast_for(me, broadcast_id)])
    (result,) = counts.values()
    return ReadCountsOut(
        total=result.total,
        units=[UnitReadsOut(code=u.code, name=u.name, count=u.count) for u in result.units],
    )
