"""Reads the pages need beyond selectors.py: list rows with titles, the version history, one version.

Functions take the actor, or a memo the caller obtained through ``selectors.memo_for(actor, …)``,
so everything stays scoped to what the actor may see.

A list shows each memo's title, which is content: opening them is audited here, in the same
place they are decrypted: one ``memo.read`` event per memo shown (``shown: title``), written
in a single insert so the page costs the same for few or many rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from dissent.audit.services import record_many
from dissent.channel import clock, deadlines, selectors
from dissent.channel.models import ChannelSettings, Drafter, Memo, MemoVersion
from dissent.channel.status import OPEN_FOR_OFFICE, MemoStatus
from dissent.errors import NotFound
from dissent.people.models import User


@dataclass(frozen=True)
class MemoRow:
    """One line of a memo list: enough to choose what to open, nothing more."""

    public_id: str
    title: str
    status: str
    status_label: str
    version: int
    drafted: bool
    created_at: datetime
    submitted_at: datetime | None
    due: datetime | None
    due_kind: str
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass(frozen=True)
class VersionRow:
    number: int
    sha256: str
    created_at: datetime
    author: str


def memo_list(actor: User) -> QuerySet[Memo]:
    """What the actor drafted or may see, newest first, marked ``drafted`` for their own."""
    return (
        selectors.visible_memos(actor)
        .select_related("current_version", "data_key")
        .annotate(drafted=Exists(Drafter.objects.filter(memo=OuterRef("pk"), user=actor)))
        .order_by("-created_at", "-pk")
    )


def rows(actor: User, memos: Sequence[Memo], *, via: str) -> list[MemoRow]:
    """Open the titles of ``memos`` (from memo_list or office_queue) and record that they were shown."""
    if not memos:
        return []
    config = ChannelSettings.current()
    now = timezone.now()
    calendar = clock.organisation_calendar(config, now)
    result = []
    for memo in memos:
        due = selectors.current_deadline(memo) if memo.status in OPEN_FOR_OFFICE else None
        result.append(
            MemoRow(
                public_id=memo.public_id,
                title=selectors.content_of(memo).title,
                status=memo.status,
                status_label=str(MemoStatus(memo.status).label),
                version=memo.current_version.number,  # type: ignore[union-attr]
                drafted=bool(getattr(memo, "drafted", False)),
                created_at=memo.created_at,
                submitted_at=memo.submitted_at,
                due=due,
                due_kind=""
                if due is None
                else ("acknowledge" if memo.status == MemoStatus.SUBMITTED else "response"),
                days_left=None if due is None else deadlines.working_days_left(calendar, now, due),
            )
        )
    shown = {"via": via, "shown": "title"}
    record_many(actor=actor, action="memo.read", items=[(m, m.public_id, shown) for m in memos])
    return result


def navigation_roles(actor: User) -> frozenset[str]:
    """For the navigation only; what the actor may do with a memo is policy.py's question."""
    return frozenset(actor.role_assignments.values_list("role", flat=True))


def office_rows(actor: User) -> list[MemoRow]:
    """The office's queue, most urgent deadline first; a 404 for anyone outside the office."""
    if not selectors.standing_of(actor).is_office:
        raise NotFound()
    return rows(actor, selectors.office_queue(actor), via="page.office")


def history(memo: Memo) -> list[VersionRow]:
    """Every version's number, hash, time and author; the sealed text is not even loaded."""
    versions = MemoVersion.objects.filter(memo=memo).select_related("created_by").defer("content")
    return [
        VersionRow(number=v.number, sha256=v.sha256, created_at=v.created_at, author=v.created_by.name)
        for v in versions
    ]


def version_of(memo: Memo, number: int) -> MemoVersion:
    version = MemoVersion.objects.filter(memo=memo, number=number).first()
    if version is None:
        raise NotFound()
    return version
