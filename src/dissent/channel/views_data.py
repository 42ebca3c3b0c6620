"""A memo as its reader sees it: content opened, metadata gathered, in few queries.

Shared by the API and the pages so that both show the same thing and audit the same read.
One memo or a list go through the same ``assemble``; ``gather`` reads what the views show
for all of them at once, so a list costs the same number of queries for 3 memos or 30.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from dissent.audit.services import record
from dissent.channel import clock, deadlines, policy, selectors
from dissent.channel.content import MemoContent
from dissent.channel.models import ChannelSettings, Drafter, Memo, Message, Outcome, Reader, Response
from dissent.channel.policy import Access
from dissent.channel.status import OPEN_FOR_OFFICE
from dissent.channel.visibility import access_of
from dissent.people.models import User
from dissent.signing import selectors as signing


@dataclass(frozen=True)
class ReaderView:
    name: str
    reason: str
    added_at: datetime


@dataclass(frozen=True)
class OutcomeView:
    number: int
    outcome: str
    outcome_label: str
    text: str


@dataclass(frozen=True)
class ResponseView:
    author: str
    body: str
    created_at: datetime
    items: list[OutcomeView]


@dataclass(frozen=True)
class MessageView:
    id: int
    author: str
    author_id: int
    kind: str
    body: str
    created_at: datetime


@dataclass
class MemoView:
    memo: Memo
    access: Access
    content: MemoContent
    drafters: list[User]
    readers: list[ReaderView] = field(default_factory=list)
    response: ResponseView | None = None
    extension_reason: str = ""
    reroute_note: str = ""
    days_left: int | None = None
    signatures_by_unit: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Gathered:
    """What memo views show beyond the memo rows, read once for any number of memos."""

    now: datetime
    calendar: deadlines.Calendar | None  # only when some memo's deadline clock runs
    tallies: dict[int, dict[str, int]]  # by memo pk


RELATED = (Prefetch("drafters", queryset=Drafter.objects.select_related("user")),)
RELATED_ONCE_SUBMITTED = (
    Prefetch("readers", queryset=Reader.objects.select_related("user").order_by("added_at", "pk")),
    Prefetch("response", queryset=Response.objects.select_related("author")),
    "response__items",
)


def gather(memos: Sequence[Memo], config: ChannelSettings | None = None) -> Gathered:
    """Prefetch onto ``memos`` what their views show, and read the rest, in a fixed number of queries."""
    prefetch_related_objects(list(memos), *RELATED)
    prefetch_related_objects([m for m in memos if m.submitted_at is not None], *RELATED_ONCE_SUBMITTED)
    now = timezone.now()
    calendar = None
    if any(m.status in OPEN_FOR_OFFICE for m in memos):
        calendar = clock.organisation_calendar(config or ChannelSettings.current(), now)
    return Gathered(now=now, calendar=calendar, tallies=signing.counts_by_unit_of(memos))


def memo_view(actor: User, memo: Memo, access: Access, *, via: str) -> MemoView:
    """Open everything the actor may read of this memo and record the read once."""
    content = selectors.read_content(actor, memo, via=via)
    return assemble(memo, access, content, gather([memo]))


def memo_views(actor: User, memos: Sequence[Memo], *, via: str, config: ChannelSettings) -> list[MemoView]:
    """memo_view for a list read through ``selectors.memo_list``: the same views and one read
    event per memo, in a fixed number of queries."""
    contents = selectors.read_contents(actor, memos, via=via)
    gathered = gather(memos, config)
    return [
        assemble(memo, access_of(memo, actor), content, gathered)
        for memo, content in zip(memos, contents, strict=True)
    ]


def assemble(memo: Memo, access: Access, content: MemoContent, gathered: Gathered) -> MemoView:
    """The view of one memo whose content is open and whose related rows ``gather`` fetched."""
    view = MemoView(
        memo=memo,
        access=access,
        content=content,
        drafters=[d.user for d in memo.drafters.all()],
        extension_reason=selectors.open_text(memo, memo.extension_reason, "extension_reason"),
        reroute_note=selectors.open_text(memo, memo.reroute_note, "reroute_note"),
        signatures_by_unit=gathered.tallies[memo.pk],
    )
    if memo.submitted_at is None:
        return view
    view.readers = [
        ReaderView(
            name=r.user.name,
            reason=selectors.open_text(memo, r.reason, f"reader:{r.user_id}"),
            added_at=r.added_at,
        )
        for r in memo.readers.all()
    ]
    response = getattr(memo, "response", None)
    if response is not None:
        view.response = ResponseView(
            author=response.author.name,
            body=selectors.open_text(memo, response.body, "response"),
            created_at=response.created_at,
            items=[
                OutcomeView(
                    number=i.number,
                    outcome=i.outcome,
                    outcome_label=str(Outcome(i.outcome).label),
                    text=selectors.open_text(memo, i.text, f"response:{i.number}"),
                )
                for i in response.items.all()
            ],
        )
    due = selectors.current_deadline(memo)
    if due is not None:
        assert gathered.calendar is not None, "gather reads the calendar when a clock runs"
        view.days_left = deadlines.working_days_left(gathered.calendar, gathered.now, due)
    return view


def thread(actor: User, memo: Memo, access: Access) -> list[MessageView]:
    """The conversation, for those who take part in it or signed; reading it is audited."""
    if not policy.can_read_thread(access):
        return []
    messages = list(Message.objects.filter(memo=memo).select_related("author"))
    if messages:
        record(
            actor=actor,
            action="memo.thread_read",
            target=memo,
            memo_id=memo.public_id,
            details={"messages": len(messages)},
        )
    return [
        MessageView(
            id=m.pk,
            author=m.author.name,
            author_id=m.author_id,
            kind=m.kind,
            body=selectors.open_text(memo, m.body, f"message:{m.pk}"),
            created_at=m.created_at,
        )
        for m in messages
    ]
