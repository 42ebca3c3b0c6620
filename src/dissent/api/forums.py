"""Listening sessions in the JSON API v1 (design/api-contract.md, "Listening sessions")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from dissent.api.auth import actor
from dissent.api.errors import ErrorOut
from dissent.bounds import window
from dissent.errors import NotFound
from dissent.forums import feed, selectors, services
from dissent.forums.models import ListeningSession, Question
from dissent.forums.selectors import Seat
from dissent.live.stream import frame, retry_line
from dissent.people.models import User

router = Router(tags=["sessions"])

MAX_PAGE = 200
SEEN = {404: ErrorOut}
OPEN = {404: ErrorOut, 409: ErrorOut}


class SessionIn(Schema):
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str = Field("", description="A place, or a link to join")
    units: list[str] = Field(
        default_factory=list, description="Unit codes; each brings every unit below it. None: all staff."
    )
    allow_anonymous: bool = True
    premoderate: bool = Field(False, description="Questions wait for a moderator's approval")


class SessionOut(Schema):
    id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    units: list[str]
    allow_anonymous: bool
    premoderate: bool
    open: bool
    registered: bool
    moderator: bool = Field(description="Whether the caller moderates this session")
    highlighted: str | None = Field(description="The question being answered now")


class SessionList(Schema):
    items: list[SessionOut]
    count: int


class AuthorOut(Schema):
    id: str
    name: str


class QuestionIn(Schema):
    body: str = Field(description="At most 2,000 characters")
    anonymous: bool = False


class QuestionOut(Schema):
    id: str
    body: str
    anonymous: bool
    author: AuthorOut | None
    votes: int
    state: str = Field(description="pending, published, hidden, answered or merged")
    answer: str = ""
    hidden_reason: str = ""
    merged_into: str | None = None


class AskedOut(QuestionOut):
    reply_token: str | None = Field(
        None,
        description="For an anonymous question only, shown once: present it to "
        "`POST /sessions/{id}/replies` to read the answer. Only its hash is stored.",
    )


class QuestionList(Schema):
    items: list[QuestionOut]
    count: int


class ModerateIn(Schema):
    action: Literal["approve", "hide", "answered", "highlight", "merge"]
    into: str | None = Field(None, description="merge: the question this one duplicates")
    reason: str = Field("", description="hide: why, shown to the asker")
    answer: str = Field("", description="answered: the written answer")


class ReportIn(Schema):
    reason: str = ""


class RepliesIn(Schema):
    tokens: list[str] = Field(max_length=selectors.MAX_REPLY_TOKENS)


class RegisteredOut(Schema):
    registered: bool


class VoteOut(Schema):
    id: str
    votes: int


class StatisticsOut(Schema):
    questions: int
    voters: int
    votes: int
    answered: int
    answered_share: float


def session_out(seat: Seat) -> SessionOut:
    session = seat.session
    return SessionOut(
        id=session.public_id,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=session.location,
        units=selectors.chosen_units(session),
        allow_anonymous=session.allow_anonymous,
        premoderate=session.premoderate,
        open=session.is_open,
        registered=seat.registered,
        moderator=seat.moderator,
        highlighted=session.highlighted_id,
    )


def question_out(question: Question, *, replies: bool) -> QuestionOut:
    """The contract's question; the answer and reason go to whoever may read replies."""
    return QuestionOut(
        **selectors.question_data(question),  # type: ignore[arg-type]
        answer=question.answer,
        hidden_reason=question.hidden_reason if replies else "",
        merged_into=question.merged_into_id,
    )


def stats_out(stats: selectors.Statistics) -> StatisticsOut:
    return StatisticsOut(
        questions=stats.questions,
        voters=stats.voters,
        votes=stats.votes,
        answered=stats.answered,
        answered_share=round(stats.answered_share, 4),
    )


@router.post(
    "/sessions",
    response={201: SessionOut, 403: ErrorOut, 422: ErrorOut},
    summary="Schedule a listening session (the office and leadership)",
    description="403 `organisers_only` for anyone else; 422 for an empty title, an end not after the "
    "start (or more than 31 days after it), times without an offset, or unknown unit codes.",
)
def schedule(request: HttpRequest, payload: SessionIn) -> Status[SessionOut]:
    me = actor(request)
    session = services.schedule_session(
        actor=me,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        location=payload.location,
        unit_codes=payload.units,
        allow_anonymous=payload.allow_anonymous,
        premoderate=payload.premoderate,
    )
    return Status(201, session_out(selectors.seat_of(me, session.public_id)))


def seats(me: User, sessions: list[ListeningSession]) -> list[SessionOut]:
    return [session_out(selectors.seat_in(me, s)) for s in sessions]


@router.get("/sessions", response=SessionList, summary="Sessions I am invited to or moderate, latest first")
def list_sessions(request: HttpRequest, limit: int = 50, offset: int = 0) -> SessionList:
    me = actor(request)
    sessions = selectors.visible_to(me)
    limit, offset = window(limit, offset, max_limit=MAX_PAGE)
    return SessionList(items=seats(me, list(sessions[offset : offset + limit])), count=sessions.count())


@router.get("/sessions/{session_id}", response={200: SessionOut, **SEEN}, summary="One session")
def get_session(request: HttpRequest, session_id: str) -> SessionOut:
    return session_out(selectors.seat_of(actor(request), session_id))


@router.post(
    "/sessions/{session_id}/registrations",
    response={201: RegisteredOut, 200: RegisteredOut, **OPEN},
    summary="Register for a session (again: 200, no change)",
)
def register(request: HttpRequest, session_id: str) -> Status[RegisteredOut]:
    created = services.register(actor=actor(request), session_id=session_id)
    return Status(201 if created else 200, RegisteredOut(registered=True))


@router.post(
    "/sessions/{session_id}/questions",
    response={201: AskedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Ask a question, attributed or anonymous",
    description="403 `anonymous_not_allowed` when the session takes no anonymous questions; 409 "
    "`session_closed`; 422 for an empty question or one over 2,000 characters; 429 "
    "`too_many_questions` past the hourly limit per person. An anonymous question is stored with "
    "no link to its author; its `reply_token` is the only way to read its answer.",
)
def ask(request: HttpRequest, session_id: str, payload: QuestionIn) -> Status[AskedOut]:
    asked = services.ask(
        actor=actor(request), session_id=session_id, body=payload.body, anonymous=payload.anonymous
    )
    out = question_out(asked.question, replies=True)
    return Status(201, AskedOut(**out.dict(), reply_token=asked.reply_token))


@router.get(
    "/sessions/{session_id}/questions",
    response={200: QuestionList, **SEEN},
    summary="The questions: most votes first, or newest first (order=new)",
    description="Staff see published and answered questions; moderators see all of them.",
)
def list_questions(
    request: HttpRequest,
    session_id: str,
    order: Literal["votes", "new"] = "votes",
    limit: int = 100,
    offset: int = 0,
) -> QuestionList:
    me = actor(request)
    seat = selectors.seat_of(me, session_id)
    rows = selectors.questions(seat, order=order)
    limit, offset = window(limit, offset, max_limit=MAX_PAGE)
    items = [
        question_out(q, replies=seat.moderator or q.author_id == me.pk) for q in rows[offset : offset + limit]
    ]
    return QuestionList(items=items, count=rows.count())


@router.post(
    "/sessions/{session_id}/questions/{question_id}/votes",
    response={201: VoteOut, 403: ErrorOut, **OPEN},
    summary="Vote for a question: one vote per person",
    description="409 `already_voted` the second time, `session_closed`, or `not_votable` for a question "
    "not published; 403 `own_question` for one's own question.",
)
def vote(request: HttpRequest, session_id: str, question_id: str) -> Status[VoteOut]:
    question = services.vote(actor=actor(request), session_id=session_id, question_id=question_id)
    return Status(201, VoteOut(id=question.pk, votes=question.votes))


@router.delete(
    "/sessions/{session_id}/questions/{question_id}/votes/me",
    response={204: None, **OPEN},
    summary="Take my vote back",
    description="409 `not_voted` when there is no vote to take back.",
)
def unvote(request: HttpRequest, session_id: str, question_id: str) -> Status[None]:
    services.unvote(actor=actor(request), session_id=session_id, question_id=question_id)
    return Status(204, None)


@router.post(
    "/sessions/{session_id}/questions/{question_id}/reports",
    response={201: RegisteredOut, 200: RegisteredOut, **OPEN, 422: ErrorOut},
    summary="Report a question to the moderators (again: 200, no change)",
)
def report(
    request: HttpRequest, session_id: str, question_id: str, payload: ReportIn
) -> Status[RegisteredOut]:
    created = services.report(
        actor=actor(request), session_id=session_id, question_id=question_id, reason=payload.reason
    )
    return Status(201 if created else 200, RegisteredOut(registered=True))


@router.post(
    "/sessions/{session_id}/questions/{question_id}/moderate",
    response={200: QuestionOut, 403: ErrorOut, **OPEN, 422: ErrorOut},
    summary="Moderate a question (the session's creator, the office and leadership)",
    description="approve (a pending or hidden question), hide (`reason` required, shown to the asker), "
    "answered (with an optional written `answer`), highlight (answering now), merge (`into`: "
    "the votes join the other question, nobody counted twice). 403 `moderators_only` for "
    "others; 409 `invalid_state` for a move the question's state does not allow.",
)
def moderate(request: HttpRequest, session_id: str, question_id: str, payload: ModerateIn) -> QuestionOut:
    me = actor(request)
    if payload.action == "approve":
        question = services.approve(actor=me, session_id=session_id, question_id=question_id)
    elif payload.action == "hide":
        question = services.hide(
            actor=me, session_id=session_id, question_id=question_id, reason=payload.reason
        )
    elif payload.action == "answered":
        question = services.answer(
            actor=me, session_id=session_id, question_id=question_id, text=payload.answer
        )
    elif payload.action == "highlight":
        question = services.highlight(actor=me, session_id=session_id, question_id=question_id)
    else:
        question = services.merge(
            actor=me, session_id=session_id, question_id=question_id, into=payload.into or ""
        )
    return question_out(question, replies=True)


@router.post(
    "/sessions/{session_id}/replies",
    response={200: QuestionList, **SEEN},
    summary="Replies to my anonymous questions, by the tokens given when asking",
    description="Each token reads its own question's state, answer and reason for hiding; a token "
    "that matches nothing is left out.",
)
def replies(request: HttpRequest, session_id: str, payload: RepliesIn) -> QuestionList:
    seat = selectors.seat_of(actor(request), session_id)
    found = selectors.asked_with(seat.session, payload.tokens)
    return QuestionList(items=[question_out(q, replies=True) for q in found], count=len(found))


@router.post(
    "/sessions/{session_id}/close",
    response={200: StatisticsOut, 403: ErrorOut, **OPEN},
    summary="Close the session: votes folded into counts, pseudonyms and the key destroyed",
    description="409 `session_closed` the second time.",
)
def close(request: HttpRequest, session_id: str) -> StatisticsOut:
    return stats_out(services.close(actor=actor(request), session_id=session_id))


@router.get(
    "/sessions/{session_id}/statistics",
    response={200: StatisticsOut, 403: ErrorOut, **SEEN},
    summary="Questions, voters, votes and the answered share (moderators)",
    description="`voters` is counted when the session closes and is 0 until then.",
)
def statistics(request: HttpRequest, session_id: str) -> StatisticsOut:
    seat = services.moderator_seat(actor(request), session_id)
    return stats_out(selectors.statistics(seat.session))


@router.get(
    "/sessions/{session_id}/events",
    response={200: None, **SEEN},
    summary="Server-Sent Events: the ranking as it changes",
    description="`text/event-stream` of `questions` (JSON) and `ranking` (HTML) events, each a full "
    "snapshot with an `id:`. `dissent serve` keeps the stream open and sends each change; any "
    "other server sends the current snapshot and asks the client to reconnect (`retry:`).",
)
def events(request: HttpRequest, session_id: str) -> HttpResponse:
    who = feed.follower(actor(request), session_id)
    if who is None:
        raise NotFound()
    body = retry_line() + frame(feed.snapshot(session_id, who.view)).data
    return HttpResponse(body, content_type="text/event-stream", headers={"Cache-Control": "no-store"})
