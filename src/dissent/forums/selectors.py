"""Every read of listening sessions, scoped to the person asking.

A session is visible to the people it invites and to its moderators (its creator, the office
and leadership); to anyone else it is a 404 identical to a missing id. Staff see published
and answered questions; moderators see every question, pending and hidden ones too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from dissent.errors import NotFound
from dissent.forums import keys, policy, sql
from dissent.forums.models import ListeningSession, Question, QuestionState, Registration, SessionUnit, Vote
from dissent.people import selectors as people
from dissent.people.models import User

SHOWN_TO_STAFF = (QuestionState.PUBLISHED, QuestionState.ANSWERED)
MAX_REPLY_TOKENS = 50  # capabilities one browser presents at once


def invited(actor: User) -> Q:
    """The condition "``actor`` is invited": to everyone, or to a unit they are a member of."""
    mine = SessionUnit.objects.filter(session=OuterRef("pk"), unit_id__in=people.unit_ids_query(actor))
    return Q(to_all=True) | Q(Exists(mine))


def visible_to(actor: User) -> QuerySet[ListeningSession]:
    """What ``actor`` may open: sessions they are invited to or created, and all for organisers."""
    sessions = ListeningSession.objects.all()
    if not policy.can_schedule(people.roles_of(actor)):
        sessions = sessions.filter(invited(actor) | Q(creator=actor))
    registered = Registration.objects.filter(session=OuterRef("pk"), user=actor)
    return sessions.annotate(is_registered=Exists(registered)).select_related("creator")


@dataclass(frozen=True)
class Seat:
    """A session as one person sees it: whether they moderate it and have registered."""

    session: ListeningSession
    moderator: bool
    registered: bool
    person: int | None = None  # whose own questions show in every state; None for the live view


def seat_of(actor: User, public_id: str) -> Seat:
    """The session ``public_id`` for ``actor``; NotFound when it is missing or not theirs to see.

    Missing and hidden do the same work: the roles, then one statement (``forums/sql.py``).
    """
    roles = people.roles_of(actor)
    found = sql.session_with_standing(actor.pk, public_id)
    if found is None:
        raise NotFound()
    session, invited, registered = found
    moderator = policy.can_moderate(roles, is_creator=session.creator_id == actor.pk)
    if not (invited or moderator):  # the creator is invited by the statement itself
        raise NotFound()
    return Seat(session=session, moderator=moderator, registered=registered, person=actor.pk)


def seat_in(actor: User, session: ListeningSession) -> Seat:
    """The seat of ``actor`` at a session read through ``visible_to``."""
    moderator = policy.can_moderate(people.roles_of(actor), is_creator=session.creator_id == actor.pk)
    registered = bool(getattr(session, "is_registered", False))
    return Seat(session=session, moderator=moderator, registered=registered, person=actor.pk)


def questions(seat: Seat, *, order: str = "votes") -> QuerySet[Question]:
    """The questions ``seat`` may see: most votes first (then oldest), or newest first.

    Staff see published and answered questions, and their own attributed ones in any state
    (so the author of a hidden question reads why); moderators see all.
    """
    rows = Question.objects.filter(session=seat.session).select_related("author")
    if not seat.moderator:
        shown = Q(state__in=SHOWN_TO_STAFF)
        rows = rows.filter(shown if seat.person is None else shown | Q(author_id=seat.person))
    if order == "new":
        return rows.order_by("-asked_at", "id")
    return rows.order_by("-votes", "asked_at", "id")


def question_in(seat: Seat, question_id: str) -> Question:
    """One question of the session that ``seat`` may see; NotFound otherwise."""
    question = questions(seat).filter(pk=question_id).first()
    if question is None:
        raise NotFound()
    return question


@dataclass(frozen=True)
class Mine:
    """What one person's page marks on the ranking: the questions they voted for and their own.

    Read through the session's key, so only while the session is open; afterwards nothing ties
    a vote or an anonymous question to anyone, and both sets are empty.
    """

    voted: frozenset[str]
    own: frozenset[str]


def mine(seat: Seat, actor: User) -> Mine:
    if not seat.session.is_open:
        return Mine(voted=frozenset(), own=frozenset())
    tag = keys.pseudonym(seat.session.public_id, actor.pk)
    voted = Vote.objects.filter(question__session=seat.session, voter=tag).values_list(
        "question_id", flat=True
    )
    own = Question.objects.filter(Q(author=actor) | Q(asker=tag), session=seat.session)
    return Mine(voted=frozenset(voted), own=frozenset(own.values_list("id", flat=True)))


def withheld(seat: Seat, actor: User) -> QuerySet[Question]:
    """The person's own attributed questions that staff do not see: awaiting approval or hidden,
    so they learn the state and the moderators' reason."""
    rows = Question.objects.filter(session=seat.session, author=actor)
    return rows.exclude(state__in=(*SHOWN_TO_STAFF, QuestionState.MERGED)).order_by("-asked_at", "id")


def chosen_units(session: ListeningSession) -> list[str]:
    return list(
        SessionUnit.objects.filter(session=session, chosen=True)
        .order_by("unit__code")
        .values_list("unit__code", flat=True)
    )


@dataclass(frozen=True)
class Statistics:
    questions: int
    voters: int
    votes: int
    answered: int

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


def statistics(session: ListeningSession) -> Statistics:
    """Questions (merged duplicates not counted), votes, voters and answered questions.

    ``voters`` is known only once the session closed (counted from the votes closing deletes).
    """
    rows = Question.objects.filter(session=session).exclude(state=QuestionState.MERGED)
    totals = rows.aggregate(votes=Sum("votes"))
    return Statistics(
        questions=rows.count(),
        voters=session.voters or 0,
        votes=totals["votes"] or 0,
        answered=rows.filter(state=QuestionState.ANSWERED).count(),
    )


def reply_key(token: str) -> str:
    """What is stored of an anonymous asker's capability: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def asked_with(session: ListeningSession, tokens: Sequence[str]) -> list[Question]:
    """The anonymous questions whose capabilities a browser holds, for their answers and reasons.

    No person is involved: whoever holds a token reads that question's replies, and only those.
    """
    keys = [reply_key(token) for token in tokens[:MAX_REPLY_TOKENS] if token]
    return list(Question.objects.filter(session=session, anonymous=True, reply_key__in=keys).order_by("id"))


def question_data(question: Question) -> dict[str, object]:
    """A question as the API and the live stream give it: an anonymous one names nobody."""
    author = question.author
    return {
        "id": question.pk,
        "body": question.body,
        "anonymous": question.anonymous,
        "author": None if author is None else {"id": str(author.pk), "name": author.name},
        "votes": question.votes,
        "state": question.state,
    }
