"""Every read of leadership messages, scoped to the person asking.

A message is visible to the people it is addressed to and to leadership; to anyone else it
is a 404 identical to a missing id. Who read it is never returned: only counts per unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dissent.broadcasts import policy
from dissent.broadcasts.models import Audience, Broadcast, MemoLink, Read
from dissent.channel.models import Memo
from dissent.errors import NotFound
from dissent.people import selectors as people
from dissent.people.models import User


def addressed(actor: User) -> Q:
    """The condition "addressed to ``actor``": to everyone, or to a unit they are a member of."""
    mine = Audience.objects.filter(broadcast=OuterRef("pk"), unit_id__in=people.unit_ids_query(actor))
    return Q(to_all=True) | Q(Exists(mine))


def read_by(actor: User) -> Exists:
    """The condition "``actor`` has opened the message"."""
    return Exists(Read.objects.filter(broadcast=OuterRef("pk"), user=actor))


def with_read(messages: QuerySet[Broadcast], actor: User) -> QuerySet[Broadcast]:
    """Each message with ``is_read``: whether ``actor`` has opened it."""
    return messages.annotate(is_read=read_by(actor))


def was_read(message: Broadcast) -> bool:
    """``is_read`` of a message read through ``with_read``."""
    return bool(getattr(message, "is_read", False))


def addressed_to(actor: User) -> QuerySet[Broadcast]:
    """The messages addressed to ``actor``, newest first, with the author: one query."""
    return with_read(Broadcast.objects.filter(addressed(actor)), actor).select_related("author")


def visible_to(actor: User) -> QuerySet[Broadcast]:
    """What ``actor`` may open: what is addressed to them, and everything for leadership."""
    messages = Broadcast.objects.all()
    if not policy.can_see_all(people.roles_of(actor)):
        messages = messages.filter(addressed(actor))
    return with_read(messages, actor).select_related("author")


def broadcast_for(actor: User, public_id: str) -> Broadcast:
    message = visible_to(actor).filter(public_id=public_id).first()
    if message is None:
        raise NotFound()
    return message


def unread(actor: User) -> QuerySet[Broadcast]:
    """The messages addressed to ``actor`` that they have not opened, newest first."""
    return Broadcast.objects.filter(addressed(actor)).exclude(read_by(actor)).select_related("author")


def unread_count(actor: User) -> int:
    return unread(actor).count()


def linked_memo_ids(actor: User, messages: Sequence[Broadcast]) -> dict[int, list[str]]:
    """The memos each message links that ``actor`` may see (through the one visibility rule),
    by message: a memo they may not see is left out, leaving no trace of it."""
    links = MemoLink.objects.filter(
        broadcast__in=[m.pk for m in messages], memo__in=Memo.objects.visible_to(actor)
    ).order_by("pk")
    found: dict[int, list[str]] = defaultdict(list)
    for broadcast_id, memo_id in links.values_list("broadcast_id", "memo__public_id"):
        found[broadcast_id].append(memo_id)
    return found


def chosen_units(messages: Sequence[Broadcast]) -> dict[int, list[str]]:
    """The unit codes each message's author named (units below them are addressed too)."""
    rows = Audience.objects.filter(broadcast__in=[m.pk for m in messages], chosen=True).order_by("unit__code")
    found: dict[int, list[str]] = defaultdict(list)
    for broadcast_id, code in rows.values_list("broadcast_id", "unit__code"):
        found[broadcast_id].append(code)
    return found


@dataclass(frozen=True)
class UnitReads:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class ReadCounts:
    total: int
    units: list[UnitReads]


def read_counts(actor: User, messages: Sequence[Broadcast]) -> dict[int, ReadCounts]:
    """How many people read each message, per unit, for leadership only: counts, never names.

    One query for the whole page of messages. Reads by people in no unit count in ``total``
    only.
    """
    if not policy.can_see_all(people.roles_of(actor)):
        return {}
    rows = (
        Read.objects.filter(broadcast__in=[m.pk for m in messages])
        .values("broadcast_id", "unit__code", "unit__name")
        .annotate(count=Count("pk"))
        .order_by("broadcast_id", "unit__code")
    )
    units: dict[int, list[UnitReads]] = defaultdict(list)
    totals: dict[int, int] = defaultdict(int)
    for row in rows:
        totals[row["broadcast_id"]] += row["count"]
        if row["unit__code"] is not None:
            units[row["broadcast_id"]].append(UnitReads(row["unit__code"], row["unit__name"], row["count"]))
    return {m.pk: ReadCounts(total=totals[m.pk], units=units[m.pk]) for m in messages}
