"""A memo as its reader sees it: content opened, metadata gathered, in few queries.

Shared by the API and the pages so that both show the same thing and audit the same read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from dissent.audit.services import record
from dissent.channel import clock, policy, selectors
from dissent.channel.content import MemoContent
from dissent.channel.models import ChannelSettings, Memo, Message, Outcome
from dissent.channel.policy import Access
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


def memo_view(actor: User, memo: Memo, access: Access, *, via: str) -> MemoView:
    """Open everything the actor may read of this memo and record the read once."""
    content = selectors.read_content(actor, memo, via=via)
    view = MemoView(
        memo=memo,
        access=access,
        content=content,
        drafters=[d.user for d in memo.drafters.select_related("user")],
        extension_reason=selectors.open_text(memo, memo.extension_reason, "extension_reason"),
        reroute_note=selectors.open_text(memo, memo.reroute_note, "reroute_note"),
        signatures_by_unit=signing.counts_by_unit(memo),
    )
    if memo.submitted_at is not None:
        view.readers = [
            ReaderView(
                name=r.user.name,
                reason=selectors.open_text(memo, r.reason, f"reader:{r.user_id}"),
                added_at=r.added_at,
            )
            for r in memo.readers.select_related("user")
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
    due = memo.acknowledge_due if memo.status == "submitted" else memo.response_due
    if due is not None and memo.status in {"submitted", "acknowledged"}:
        view.days_left = clock.days_left(ChannelSettings.current(), timezone.now(), due)
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
