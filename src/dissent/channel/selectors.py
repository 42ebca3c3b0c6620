"""Every read of memos, scoped to the actor. What the actor may not see does not exist: NotFound.

One memo (``memo_for``) and every list (``memo_list``: the API's, the pages', the office
queue) are read through the same query, which carries the actor's relations to each memo
as columns (``visibility.with_access``); lists are narrowed by the same rule
(``Memo.objects.visible_to``), and orderings are defined once, here.

Reads of content are audited here (``memo.read``), in the same place they are decrypted.
A list shows each memo's title or whole text, which is content: one event per memo shown,
written in a single insert, so a page costs the same for few or many rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Case, DateTimeField, F, When
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext as _

from dissent.audit.services import record, record_many
from dissent.channel import clock, deadlines
from dissent.channel.content import MemoContent, open_content
from dissent.channel.models import ChannelSettings, Memo, MemoQuerySet, MemoVersion
from dissent.channel.policy import Access, can_view
from dissent.channel.status import OFFICE_DEADLINE, OPEN_FOR_OFFICE, MemoStatus
from dissent.channel.visibility import Standing, access_of, standing_of, with_party_columns
from dissent.errors import InvalidInput, NotFound
from dissent.people.models import User
from dissent.vault import services as vault


class Ordering(StrEnum):
    NEWEST = "newest"  # what the actor drafted or may see, newest first
    DEADLINE = "deadline"  # the office's queue: the nearest deadline it works to first


# The deadline the office works to now, as SQL; ``current_deadline`` reads the same table in Python.
DUE = Case(
    *(When(status=status, then=F(f"{kind}_due")) for status, kind in OFFICE_DEADLINE.items()),
    output_field=DateTimeField(),
)
ORDERINGS: dict[Ordering, tuple[OrderBy, ...]] = {
    Ordering.NEWEST: (F("created_at").desc(), F("pk").desc()),
    Ordering.DEADLINE: (DUE.asc(nulls_last=True), F("pk").asc()),
}


def scoped(actor: User, standing: Standing) -> MemoQuerySet:
    """Memos with the actor's relations to each as columns: the one base of every read here."""
    return Memo.objects.with_access(actor, standing).select_related("current_version", "data_key")


def memo_for(
    actor: User, memo_id: str, *, lock: bool = False, standing: Standing | None = None
) -> tuple[Memo, Access]:
    """The memo and the actor's access to it, or NotFound — the same for hidden and missing.

    The relation columns are asked in the WHERE clause too, so a hidden memo, like a missing
    id, comes back as no row: the same statement, nothing loaded, the same NotFound after, and
    no difference in time to probe ids with. ``can_view`` then asks the rule of the row read.
    """
    memos = with_party_columns(scoped(actor, standing or standing_of(actor))).filter(public_id=memo_id)
    if lock:
        memos = memos.select_for_update(of=("self",))
    memo = memos.first()
    if memo is None:
        raise NotFound()
    access = access_of(memo, actor)
    if not can_view(access):
        raise NotFound()
    return memo, access


def memo_list(
    actor: User,
    *,
    standing: Standing | None = None,
    statuses: Collection[str] | None = None,
    ordering: Ordering = Ordering.NEWEST,
) -> MemoQuerySet:
    """The memos the actor may see, each with its ``access_of``; optionally only some statuses.

    Unknown statuses are InvalidInput naming the known ones, never an empty list.
    """
    standing = standing or standing_of(actor)
    memos = scoped(actor, standing).visible_to(actor, standing)
    if statuses is not None:
        unknown = sorted(set(statuses) - set(MemoStatus.values))
        if unknown:
            raise InvalidInput(
                _("status must be one of: %(choices)s") % {"choices": ", ".join(MemoStatus.values)}
            )
        memos = memos.filter(status__in=sorted(statuses))
    return memos.order_by(*ORDERINGS[ordering])


def office_queue(actor: User, standing: Standing | None = None) -> MemoQuerySet:
    """Memos awaiting the office, the most urgent deadline first. A 404 for anyone outside the
    office: the queue's existence is nobody else's business."""
    standing = standing or standing_of(actor)
    if not standing.is_office:
        raise NotFound()
    return memo_list(actor, standing=standing, statuses=OPEN_FOR_OFFICE, ordering=Ordering.DEADLINE)


def current_deadline(memo: Memo) -> datetime | None:
    """The deadline the office works to now (``DUE`` in SQL); None when it has nothing to do."""
    kind = OFFICE_DEADLINE.get(MemoStatus(memo.status))
    due: datetime | None = None if kind is None else getattr(memo, f"{kind}_due")
    return due


def content_of(memo: Memo, version: MemoVersion | None = None) -> MemoContent:
    version = version or memo.current_version
    assert version is not None, "every memo is created with its first version"
    return open_content(memo.data_key, bytes(version.content), aad=memo.aad(f"v{version.number}"))


def read_details(via: str, version: int) -> dict[str, object]:
    """What every ``memo.read`` of a whole version records, whether one memo is read or a list."""
    return {"via": via, "version": version}


def read_content(actor: User, memo: Memo, *, via: str, version: MemoVersion | None = None) -> MemoContent:
    """Decrypt a version for the actor and record that they read it."""
    content = content_of(memo, version)
    number = (version or memo.current_version).number  # type: ignore[union-attr]
    record(
        actor=actor,
        action="memo.read",
        target=memo,
        memo_id=memo.public_id,
        details=read_details(via, number),
    )
    return content


def read_contents(actor: User, memos: Sequence[Memo], *, via: str) -> list[MemoContent]:
    """Decrypt the current version of each memo and record one read of each, as read_content
    would, in one insert."""
    contents = [content_of(memo) for memo in memos]
    record_many(
        actor=actor,
        action="memo.read",
        items=[
            (memo, memo.public_id, read_details(via, memo.current_version.number))  # type: ignore[union-attr]
            for memo in memos
        ],
    )
    return contents


def open_text(memo: Memo, sealed: bytes | memoryview | None, place: str) -> str:
    if sealed is None:
        return ""
    return vault.open_text(memo.data_key, bytes(sealed), aad=memo.aad(place))


@dataclass(frozen=True)
class MemoRow:
    """One line of a memo list on a page: enough to choose what to open, nothing more."""

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


def rows(actor: User, memos: Sequence[Memo], *, via: str) -> list[MemoRow]:
    """Open the titles of ``memos`` (read through ``memo_for`` or ``memo_list``) and record that
    they were shown."""
    if not memos:
        return []
    now = timezone.now()
    calendar = None
    if any(m.status in OPEN_FOR_OFFICE for m in memos):
        calendar = clock.organisation_calendar(ChannelSettings.current(), now)
    result = []
    for memo in memos:
        due = current_deadline(memo)
        result.append(
            MemoRow(
                public_id=memo.public_id,
                title=content_of(memo).title,
                status=memo.status,
                status_label=str(MemoStatus(memo.status).label),
                version=memo.current_version.number,  # type: ignore[union-attr]
                drafted=access_of(memo, actor).is_drafter,
                created_at=memo.created_at,
                submitted_at=memo.submitted_at,
                due=due,
                due_kind=OFFICE_DEADLINE.get(MemoStatus(memo.status), ""),
                days_left=None
                if due is None or calendar is None
                else deadlines.working_days_left(calendar, now, due),
            )
        )
    shown = {"via": via, "shown": "title"}
    record_many(actor=actor, action="memo.read", items=[(m, m.public_id, shown) for m in memos])
    return result


@dataclass(frozen=True)
class VersionRow:
    number: int
    sha256: str
    created_at: datetime
    author: str


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
