"""The Memos section of the JSON API v1 (design/api-contract.md)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from dissent.api.auth import actor
from dissent.bounds import window
from dissent.channel import policy, selectors, services
from dissent.channel.content import MAX_RECOMMENDATIONS
from dissent.channel.models import ChannelSettings, Memo
from dissent.channel.status import OFFICE_DEADLINE, MemoStatus
from dissent.channel.views_data import MemoView, memo_view, memo_views, thread
from dissent.channel.visibility import standing_of
from dissent.errors import NotFound

router = Router(tags=["memos"])

MAX_PAGE = 200


class PersonRef(Schema):
    id: str
    name: str


class RecommendationOut(Schema):
    number: int
    text: str


class VersionOut(Schema):
    number: int
    sha256: str


class ReaderOut(Schema):
    name: str
    reason: str
    added_at: datetime


class OutcomeOut(Schema):
    number: int
    outcome: str
    text: str


class ResponseOut(Schema):
    author: str
    body: str
    created_at: datetime
    recommendations: list[OutcomeOut]


class MemoOut(Schema):
    id: str
    title: str
    summary: str
    body: str
    recommendations: list[RecommendationOut]
    policy_area: str
    status: str
    version: VersionOut
    drafters: list[PersonRef]
    created_at: datetime
    submitted_at: datetime | None
    acknowledge_due: datetime | None
    response_due: datetime | None
    acknowledged_at: datetime | None
    responded_at: datetime | None
    closed_at: datetime | None
    withdrawn_at: datetime | None
    extended: bool
    extension_reason: str
    rerouted_to: str
    reroute_note: str
    readers: list[ReaderOut]
    response: ResponseOut | None
    working_days_left: int | None
    signature_count: int
    signatures_by_unit: dict[str, int]


class MemoList(Schema):
    items: list[MemoOut]
    count: int


class MemoIn(Schema):
    title: str
    summary: str = ""
    body: str
    recommendations: list[str] = Field(default_factory=list)
    policy_area: str = ""


class MemoPatch(Schema):
    title: str | None = None
    summary: str | None = None
    body: str | None = None
    recommendations: list[str] | None = None
    policy_area: str | None = None


class EmailIn(Schema):
    email: str


class ReasonIn(Schema):
    reason: str


class RerouteIn(Schema):
    channel: str
    note: str


class ReaderIn(Schema):
    email: str
    reason: str


class OutcomeIn(Schema):
    number: int
    outcome: str
    text: str


class ResponseIn(Schema):
    body: str
    # One item per recommendation; checked before the items are (each costs tens of µs to validate).
    recommendations: list[OutcomeIn] = Field(max_length=MAX_RECOMMENDATIONS)


class MessageIn(Schema):
    body: str
    meeting_times: list[datetime] = Field(default_factory=list)


class MessageOut(Schema):
    id: str
    author: PersonRef
    kind: str
    body: str
    created_at: datetime


class MessageList(Schema):
    items: list[MessageOut]
    count: int


class QueueItem(MemoOut):
    due: datetime
    due_kind: str
    overdue: bool


class QueueOut(Schema):
    items: list[QueueItem]
    count: int


def memo_out(view: MemoView) -> MemoOut:
    memo, content = view.memo, view.content
    version = memo.current_version
    assert version is not None
    return MemoOut(
        id=memo.public_id,
        title=content.title,
        summary=content.summary,
        body=content.body,
        recommendations=[
            RecommendationOut(number=i, text=t) for i, t in enumerate(content.recommendations, 1)
        ],
        policy_area=content.policy_area,
        status=memo.status,
        version=VersionOut(number=version.number, sha256=version.sha256),
        drafters=[PersonRef(id=str(u.pk), name=u.name) for u in view.drafters],
        created_at=memo.created_at,
        submitted_at=memo.submitted_at,
        acknowledge_due=memo.acknowledge_due,
        response_due=memo.response_due,
        acknowledged_at=memo.acknowledged_at,
        responded_at=memo.responded_at,
        closed_at=memo.closed_at,
        withdrawn_at=memo.withdrawn_at,
        extended=memo.extended_at is not None,
        extension_reason=view.extension_reason,
        rerouted_to=memo.rerouted_to,
        reroute_note=view.reroute_note,
        readers=[ReaderOut(name=r.name, reason=r.reason, added_at=r.added_at) for r in view.readers],
        response=None
        if view.response is None
        else ResponseOut(
            author=view.response.author,
            body=view.response.body,
            created_at=view.response.created_at,
            recommendations=[
                OutcomeOut(number=i.number, outcome=i.outcome, text=i.text) for i in view.response.items
            ],
        ),
        working_days_left=view.days_left,
        signature_count=memo.signature_count,
        signatures_by_unit=view.signatures_by_unit,
    )


def fresh(request: HttpRequest, memo: Memo, via: str) -> MemoOut:
    memo, access = selectors.memo_for(actor(request), memo.public_id)
    return memo_out(memo_view(actor(request), memo, access, via=via))


@router.post("/memos", response={201: MemoOut}, summary="Start a memo (a private draft, version 1)")
def create_memo(request: HttpRequest, payload: MemoIn) -> Status[MemoOut]:
    memo = services.create_memo(actor=actor(request), **payload.dict())
    return Status(201, fresh(request, memo, "api.create"))


@router.get("/memos", response=MemoList, summary="The memos the caller may see, newest first")
def list_memos(request: HttpRequest, status: str | None = None, limit: int = 50, offset: int = 0) -> MemoList:
    me = actor(request)
    config = ChannelSettings.current()
    standing = standing_of(me, config)
    memos = selectors.memo_list(me, standing=standing, statuses=[status] if status else None)
    limit, offset = window(limit, offset, max_limit=MAX_PAGE)
    page = list(memos[offset : offset + limit])
    views = memo_views(me, page, via="api.list", config=config)
    return MemoList(items=[memo_out(view) for view in views], count=memos.count())


@router.get("/memos/{memo_id}", response=MemoOut, summary="One memo")
def get_memo(request: HttpRequest, memo_id: str) -> MemoOut:
    memo, access = selectors.memo_for(actor(request), memo_id)
    return memo_out(memo_view(actor(request), memo, access, via="api"))


@router.patch("/memos/{memo_id}", response=MemoOut, summary="Edit before submission: a new version")
def edit_memo(request: HttpRequest, memo_id: str, payload: MemoPatch) -> MemoOut:
    memo = services.edit_memo(actor=actor(request), memo_id=memo_id, **payload.dict(exclude_unset=True))
    return fresh(request, memo, "api.edit")


@router.post("/memos/{memo_id}/drafters", response={201: PersonRef}, summary="Add a co-drafter")
def add_drafter(request: HttpRequest, memo_id: str, payload: EmailIn) -> Status[PersonRef]:
    drafter = services.add_drafter(actor=actor(request), memo_id=memo_id, email=payload.email)
    return Status(201, PersonRef(id=str(drafter.user.pk), name=drafter.user.name))


@router.post("/memos/{memo_id}/circulate", response=MemoOut, summary="Open for co-signatures")
def circulate(request: HttpRequest, memo_id: str) -> MemoOut:
    return fresh(request, services.circulate_memo(actor=actor(request), memo_id=memo_id), "api.circulate")


@router.post(
    "/memos/{memo_id}/submit",
    response=MemoOut,
    summary="Submit to the receiving office; deadline clocks start",
)
def submit(request: HttpRequest, memo_id: str) -> MemoOut:
    return fresh(request, services.submit_memo(actor=actor(request), memo_id=memo_id), "api.submit")


@router.post(
    "/memos/{memo_id}/withdraw", response=MemoOut, summary="Withdraw (drafters, before the response)"
)
def withdraw(request: HttpRequest, memo_id: str) -> MemoOut:
    return fresh(request, services.withdraw_memo(actor=actor(request), memo_id=memo_id), "api.withdraw")


@router.post("/memos/{memo_id}/acknowledge", response=MemoOut, summary="Acknowledge receipt (office)")
def acknowledge(request: HttpRequest, memo_id: str) -> MemoOut:
    return fresh(request, services.acknowledge_memo(actor=actor(request), memo_id=memo_id), "api.acknowledge")


@router.post("/memos/{memo_id}/close", response=MemoOut, summary="Close after the response (office)")
def close(request: HttpRequest, memo_id: str) -> MemoOut:
    return fresh(request, services.close_memo(actor=actor(request), memo_id=memo_id), "api.close")


@router.post(
    "/memos/{memo_id}/extend", response=MemoOut, summary="Extend the response deadline once (office)"
)
def extend(request: HttpRequest, memo_id: str, payload: ReasonIn) -> MemoOut:
    memo = services.extend_deadline(actor=actor(request), memo_id=memo_id, reason=payload.reason)
    return fresh(request, memo, "api.extend")


@router.post("/memos/{memo_id}/reroute", response=MemoOut, summary="Re-route out-of-scope items (office)")
def reroute(request: HttpRequest, memo_id: str, payload: RerouteIn) -> MemoOut:
    memo = services.reroute_memo(
        actor=actor(request), memo_id=memo_id, channel=payload.channel, note=payload.note
    )
    return fresh(request, memo, "api.reroute")


@router.post(
    "/memos/{memo_id}/readers", response={201: MemoOut}, summary="Add a reader with a reason (office head)"
)
def add_reader(request: HttpRequest, memo_id: str, payload: ReaderIn) -> Status[MemoOut]:
    reader = services.add_reader(
        actor=actor(request), memo_id=memo_id, email=payload.email, reason=payload.reason
    )
    return Status(201, fresh(request, reader.memo, "api.readers"))


@router.post(
    "/memos/{memo_id}/response", response=MemoOut, summary="Respond to every recommendation (office)"
)
def respond(request: HttpRequest, memo_id: str, payload: ResponseIn) -> MemoOut:
    items = [
        services.OutcomeIn(number=i.number, outcome=i.outcome, text=i.text) for i in payload.recommendations
    ]
    memo = services.respond_to_memo(actor=actor(request), memo_id=memo_id, body=payload.body, items=items)
    return fresh(request, memo, "api.response")


@router.post(
    "/memos/{memo_id}/reply", response=MemoOut, summary="The drafters' one reply to the response; closes"
)
def reply(request: HttpRequest, memo_id: str, payload: MessageIn) -> MemoOut:
    memo = services.reply_to_response(actor=actor(request), memo_id=memo_id, body=payload.body)
    return fresh(request, memo, "api.reply")


@router.get(
    "/memos/{memo_id}/messages", response=MessageList, summary="The thread between drafters and office"
)
def list_messages(request: HttpRequest, memo_id: str) -> MessageList:
    me = actor(request)
    memo, access = selectors.memo_for(me, memo_id)
    if not policy.can_read_thread(access):
        raise NotFound()
    items = [
        MessageOut(
            id=str(m.id),
            author=PersonRef(id=str(m.author_id), name=m.author),
            kind=m.kind,
            body=m.body,
            created_at=m.created_at,
        )
        for m in thread(me, memo, access)
    ]
    return MessageList(items=items, count=len(items))


@router.post("/memos/{memo_id}/messages", response={201: MessageOut}, summary="Post to the thread")
def post_message(request: HttpRequest, memo_id: str, payload: MessageIn) -> Status[MessageOut]:
    me = actor(request)
    message = services.post_message(
        actor=me, memo_id=memo_id, body=payload.body, meeting_times=payload.meeting_times
    )
    body = selectors.open_text(message.memo, message.body, f"message:{message.pk}")
    out = MessageOut(
        id=str(message.pk),
        author=PersonRef(id=str(me.pk), name=me.name),
        kind=message.kind,
        body=body,
        created_at=message.created_at,
    )
    return Status(201, out)


@router.get(
    "/office/queue", response=QueueOut, summary="Memos awaiting the office, most urgent deadline first"
)
def office_queue(request: HttpRequest) -> QueueOut:
    me = actor(request)
    config = ChannelSettings.current()
    now = timezone.now()
    memos = list(selectors.office_queue(me, standing_of(me, config)))
    items = []
    for view in memo_views(me, memos, via="api.queue", config=config):
        due = selectors.current_deadline(view.memo)
        assert due is not None, "the queue holds memos the office must act on"
        kind = OFFICE_DEADLINE[MemoStatus(view.memo.status)]
        items.append(QueueItem(**memo_out(view).dict(), due=due, due_kind=kind, overdue=due < now))
    return QueueOut(items=items, count=len(items))
