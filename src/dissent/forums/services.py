"""Every write of listening sessions: scheduling, registering, asking, voting, moderating, closing.

What is audited and what is not follows from anonymity (docs/security.md, "Listening
sessions"): scheduling, registering, attributed questions, reports, moderation and closing are
events with their actor; anonymous questions and every vote are not, since an event would put
in the trail exactly what anonymity withholds. An anonymous question is written in a
transaction of its own, with nothing else.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dissent.audit import services as audit
from dissent.channel.content import MAX_MESSAGE, clean_codes, clean_text, one_line_title
from dissent.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from dissent.forums import feed, keys, policy, selectors
from dissent.forums.models import (
    ListeningSession,
    Question,
    QuestionState,
    Registration,
    Report,
    SessionUnit,
    Vote,
    now_to_minute,
)
from dissent.forums.selectors import Seat
from dissent.people import selectors as people
from dissent.people.models import User

MAX_QUESTION = 2000
MAX_LOCATION = 500
MAX_REASON = 500
MAX_UNITS = 200
MAX_LENGTH = timedelta(days=31)  # from start to end: a session, not a standing forum
VOTABLE = (QuestionState.PUBLISHED, QuestionState.ANSWERED)


class OrganisersOnly(PermissionDenied):
    code = "organisers_only"
    default_detail = gettext_lazy("Only the receiving office and leadership may schedule a session.")


class ModeratorsOnly(PermissionDenied):
    code = "moderators_only"
    default_detail = gettext_lazy("Only the session's moderators may do this.")


class SessionClosed(Conflict):
    code = "session_closed"
    default_detail = gettext_lazy("This session is closed.")


class AnonymousNotAllowed(PermissionDenied):
    code = "anonymous_not_allowed"
    default_detail = gettext_lazy("This session does not take anonymous questions.")


class TooManyQuestions(DomainError):
    code = "too_many_questions"
    status = 429
    default_detail = gettext_lazy("You have asked as many questions as one person may in an hour.")


class AlreadyVoted(Conflict):
    code = "already_voted"
    default_detail = gettext_lazy("You have already voted for this question.")


class NotVoted(Conflict):
    code = "not_voted"
    default_detail = gettext_lazy("You have not voted for this question.")


class OwnQuestion(PermissionDenied):
    code = "own_question"
    default_detail = gettext_lazy("You may not vote for your own question.")


class NotVotable(Conflict):
    code = "not_votable"
    default_detail = gettext_lazy("This question is not open for votes.")


class BadMove(Conflict):
    code = "invalid_state"


def announce(session: ListeningSession) -> None:
    """After the commit, tell the live path that what the session shows changed."""
    transaction.on_commit(lambda: feed.changed(session.public_id))


def open_seat(actor: User, session_id: str) -> Seat:
    """The session for ``actor`` (NotFound if not theirs to see); SessionClosed once it closed."""
    seat = selectors.seat_of(actor, session_id)
    if not seat.session.is_open:
        raise SessionClosed()
    return seat


def moderator_seat(actor: User, session_id: str) -> Seat:
    seat = selectors.seat_of(actor, session_id)
    if not seat.moderator:
        raise ModeratorsOnly()
    return seat


def schedule_session(
    *,
    actor: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    unit_codes: Sequence[str] = (),
    allow_anonymous: bool = True,
    premoderate: bool = False,
) -> ListeningSession:
    """A session for all staff (no units named) or for the units named and every unit below."""
    if not policy.can_schedule(people.roles_of(actor)):
        raise OrganisersOnly()
    clean_title = one_line_title(title)
    place = clean_text(location, field="location", limit=MAX_LOCATION, required=False)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise InvalidInput(_("Give the start and end with a time zone offset."))
    if not starts_at < ends_at <= starts_at + MAX_LENGTH:
        raise InvalidInput(_("A session ends after it starts, and within 31 days."))
    codes = clean_codes(unit_codes, limit=MAX_UNITS, too_many=_("Name at most %(n)d units."))
    chosen, invited = people.resolve_units(codes) if codes else (set(), set())
    with transaction.atomic():
        session = ListeningSession.objects.create(
            creator=actor,
            title=clean_title,
            starts_at=starts_at,
            ends_at=ends_at,
            location=place,
            to_all=not codes,
            allow_anonymous=allow_anonymous,
            premoderate=premoderate,
        )
        SessionUnit.objects.bulk_create(
            SessionUnit(session=session, unit_id=unit_id, chosen=unit_id in chosen)
            for unit_id in sorted(invited)
        )
        audit.record(
            actor=actor,
            action="forum.scheduled",
            target=session,
            details={
                "session": session.public_id,
                "units": sorted(codes),
                "allow_anonymous": allow_anonymous,
                "premoderate": premoderate,
            },
        )
    return session


def register(*, actor: User, session_id: str) -> bool:
    """Sign ``actor`` up for the session; False when they already were."""
    seat = open_seat(actor, session_id)
    with transaction.atomic():
        if seat.registered:
            return False
        Registration.objects.bulk_create(
            [Registration(session=seat.session, user=actor)], ignore_conflicts=True
        )
        audit.record(
            actor=actor, action="forum.registered", target=seat.session, details={"session": session_id}
        )
    return True


@dataclass(frozen=True)
class Asked:
    """A new question, and for an anonymous one the capability to read its replies (shown once)."""

    question: Question
    reply_token: str | None


def ask(*, actor: User, session_id: str, body: str, anonymous: bool) -> Asked:
    """A question, published at once or awaiting approval when the session asks for that.

    One person may ask ``DISSENT_QUESTIONS_PER_HOUR`` questions an hour in a session, counted
    by author for attributed questions and by pseudonym for anonymous ones.
    """
    seat = open_seat(actor, session_id)
    session = seat.session
    text = clean_text(body, field=_("question"), limit=MAX_QUESTION, required=True)
    if anonymous and not session.allow_anonymous:
        raise AnonymousNotAllowed()
    tag = keys.pseudonym(session.public_id, actor.pk)
    recent = Question.objects.filter(session=session, asked_at__gte=now_to_minute() - timedelta(hours=1))
    if recent.filter(Q(author=actor) | Q(asker=tag)).count() >= settings.DISSENT_QUESTIONS_PER_HOUR:
        raise TooManyQuestions()
    state = QuestionState.PENDING if session.premoderate else QuestionState.PUBLISHED
    if anonymous:
        token = secrets.token_urlsafe(24)
        with transaction.atomic():
            question = Question.objects.create(
                session=session,
                body=text,
                anonymous=True,
                asker=tag,
                reply_key=selectors.reply_key(token),
                state=state,
            )
            announce(session)
        return Asked(question=question, reply_token=token)
    with transaction.atomic():
        question = Question.objects.create(session=session, body=text, author=actor, state=state)
        audit.record(
            actor=actor,
            action="forum.question_asked",
            target=session,
            details={"session": session.public_id, "question": question.pk},
        )
        announce(session)
    return Asked(question=question, reply_token=None)


def is_own(question: Question, actor: User, tag: str) -> bool:
    return question.author_id == actor.pk or (bool(question.asker) and question.asker == tag)


def vote(*, actor: User, session_id: str, question_id: str) -> Question:
    """One vote by ``actor``, stored under their pseudonym; AlreadyVoted the second time."""
    seat = open_seat(actor, session_id)
    question = selectors.question_in(seat, question_id)
    if question.state not in VOTABLE:
        raise NotVotable()
    tag = keys.pseudonym(seat.session.public_id, actor.pk)
    if is_own(question, actor, tag):
        raise OwnQuestion()
    try:
        with transaction.atomic():
            Vote.objects.create(question=question, voter=tag)
            Question.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
            announce(seat.session)
    except IntegrityError:
        raise AlreadyVoted() from None
    question.refresh_from_db(fields=["votes"])
    return question


def unvote(*, actor: User, session_id: str, question_id: str) -> None:
    seat = open_seat(actor, session_id)
    question = selectors.question_in(seat, question_id)
    tag = keys.pseudonym(seat.session.public_id, actor.pk)
    with transaction.atomic():
        removed, _rows = Vote.objects.filter(question=question, voter=tag).delete()
        if not removed:
            raise NotVoted()
        Question.objects.filter(pk=question.pk).update(votes=F("votes") - 1)
        announce(seat.session)


def report(*, actor: User, session_id: str, question_id: str, reason: str = "") -> bool:
    """Point a question out to the moderators, once per person; False when already reported."""
    seat = open_seat(actor, session_id)
    question = selectors.question_in(seat, question_id)
    why = clean_text(reason, field=_("reason"), limit=MAX_REASON, required=False)
    with transaction.atomic():
        if Report.objects.filter(question=question, reporter=actor).exists():
            return False
        Report.objects.create(question=question, reporter=actor, reason=why)
        Question.objects.filter(pk=question.pk).update(reports=F("reports") + 1)
        audit.record(
            actor=actor,
            action="forum.question_reported",
            target=seat.session,
            details={"session": session_id, "question": question.pk},
        )
        announce(seat.session)
    return True


def record_moderation(actor: User, seat: Seat, question: Question, action: str, **extra: str) -> None:
    audit.record(
        actor=actor,
        action="forum.question_moderated",
        target=seat.session,
        details={"session": seat.session.public_id, "question": question.pk, "action": action, **extra},
    )
    announce(seat.session)


def approve(*, actor: User, session_id: str, question_id: str) -> Question:
    """Publish a question awaiting approval, or one hidden by mistake."""
    seat = moderator_seat(actor, session_id)
    question = selectors.question_in(seat, question_id)
    if question.state not in (QuestionState.PENDING, QuestionState.HIDDEN):
        raise BadMove(_("Only a question awaiting approval or hidden can be approved."))
    with transaction.atomic():
        question.state = QuestionState.PUBLISHED
        question.hidden_reason = ""
        question.save(update_fields=["state", "hidden_reason"])
        record_moderation(actor, seat, question, "approve")
    return question


def unhighlight(session: ListeningSession, question: Question) -> None:
    if session.highlighted_id == question.pk:
        session.highlighted = None
        session.save(update_fields=["highlighted"])


def hide(*, actor: User, session_id: str, question_id: str, reason: str) -> Question:
    """Take a question off the board; its author (or anonymous asker) sees ``reason``."""
    seat = moderator_seat(actor, session_id)
    question = selectors.question_in(seat, question_id)
    why = clean_text(reason, field=_("reason"), limit=MAX_REASON, required=True)
    if question.state == QuestionState.MERGED:
        raise BadMove(_("A merged question cannot be hidden; hide the one it was merged into."))
    with transaction.atomic():
        question.state = QuestionState.HIDDEN
        question.hidden_reason = why
        question.save(update_fields=["state", "hidden_reason"])
        unhighlight(seat.session, question)
        record_moderation(actor, seat, question, "hide")
    return question


def highlight(*, actor: User, session_id: str, question_id: str) -> Question:
    """Mark the question being answered now (one at a time); it shows at the top for everyone."""
    seat = moderator_seat(actor, session_id)
    if not seat.session.is_open:
        raise SessionClosed()
    question = selectors.question_in(seat, question_id)
    if question.state not in VOTABLE:
        raise BadMove(_("Only a published question can be answered now."))
    with transaction.atomic():
        seat.session.highlighted = question
        seat.session.save(update_fields=["highlighted"])
        record_moderation(actor, seat, question, "highlight")
    return question


def answer(*, actor: User, session_id: str, question_id: str, text: str = "") -> Question:
    """Mark a question answered, with a written answer if given; also after the session closed."""
    seat = moderator_seat(actor, session_id)
    question = selectors.question_in(seat, question_id)
    written = clean_text(text, field=_("answer"), limit=MAX_MESSAGE, required=False)
    if question.state not in VOTABLE:
        raise BadMove(_("Only a published question can be marked answered."))
    with transaction.atomic():
        question.state = QuestionState.ANSWERED
        if written:
            question.answer = written
        question.save(update_fields=["state", "answer"])
        unhighlight(seat.session, question)
        record_moderation(actor, seat, question, "answered")
    return question


def merge(*, actor: User, session_id: str, question_id: str, into: str) -> Question:
    """Fold a duplicate into another question: its votes join the other's, nobody counted twice.

    A voter of both keeps one vote; a vote of the other question's own asker is dropped, as
    they may not vote for their own question. Questions merged into the duplicate earlier
    now point at the other question.
    """
    seat = moderator_seat(actor, session_id)
    if not seat.session.is_open:
        raise SessionClosed()
    source = selectors.question_in(seat, question_id)
    target = selectors.question_in(seat, into)
    if source.pk == target.pk or QuestionState.MERGED in (source.state, target.state):
        raise BadMove(_("Merge a question into another question that was not merged itself."))
    session_key = seat.session.public_id
    owner = target.asker or (keys.pseudonym(session_key, target.author_id) if target.author_id else "")
    with transaction.atomic():
        on_target = Vote.objects.filter(question=target).values("voter")
        Vote.objects.filter(question=source).filter(Q(voter__in=on_target) | Q(voter=owner)).delete()
        Vote.objects.filter(question=source).update(question=target)
        Question.objects.filter(merged_into=source).update(merged_into=target)
        target.votes = Vote.objects.filter(question=target).count()
        target.save(update_fields=["votes"])
        source.state = QuestionState.MERGED
        source.merged_into = target
        source.votes = 0
        source.save(update_fields=["state", "merged_into", "votes"])
        unhighlight(seat.session, source)
        record_moderation(actor, seat, source, "merge", into=target.pk)
    return source


def close(*, actor: User, session_id: str) -> selectors.Statistics:
    """End the session and make anonymity permanent.

    In one transaction: the voters are counted, every vote row is deleted (the counts stay on
    the questions), the anonymous askers' pseudonyms are cleared, and the questions are
    written anew in random order, so that neither a row's place nor its position in the table
    hints at who asked or when. After the commit the session's key is destroyed: from then on
    nothing, not even the operator, can tie a vote or an anonymous question to a person. On
    SQLite the deleted bytes are overwritten (``secure_delete``) and the write-ahead log is
    truncated.
    """
    seat = moderator_seat(actor, session_id)
    session = seat.session
    with transaction.atomic():
        locked = ListeningSession.objects.select_for_update().get(pk=session.pk)
        if locked.closed_at is not None:
            raise SessionClosed()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = ON")
        votes = Vote.objects.filter(question__session=session)
        voters = votes.values("voter").distinct().count()
        votes.delete()
        rewrite_in_random_order(session)
        locked.closed_at = now_to_minute()
        locked.voters = voters
        locked.highlighted = None
        locked.save(update_fields=["closed_at", "voters", "highlighted"])
        stats = selectors.statistics(locked)
        audit.record(
            actor=actor,
            action="forum.closed",
            target=session,
            details={
                "session": session.public_id,
                "questions": stats.questions,
                "voters": stats.voters,
                "votes": stats.votes,
                "answered": stats.answered,
            },
        )
        transaction.on_commit(lambda: forget(session.public_id))
    return stats


def rewrite_in_random_order(session: ListeningSession) -> None:
    """Delete the session's questions and insert them again, shuffled, without pseudonyms."""
    rows = list(Question.objects.filter(session=session))
    secrets.SystemRandom().shuffle(rows)
    merged = [(row.pk, row.merged_into_id) for row in rows if row.merged_into_id]
    Question.objects.filter(session=session).delete()
    for row in rows:
        row.asker = ""
        row.merged_into_id = None
    Question.objects.bulk_create(rows)
    for pk, target in merged:
        Question.objects.filter(pk=pk).update(merged_into_id=target)


def forget(session_id: str) -> None:
    """Destroy the key, and on SQLite empty the write-ahead log the deleted rows passed through."""
    keys.destroy(session_id)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = OFF")
            if not connection.in_atomic_block:  # a checkpoint cannot run inside a transaction
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    feed.changed(session_id)


def export_questions(*, actor: User, session_id: str) -> QuerySet[Question]:
    """Every question of the session for a moderator's export, newest first; the export is an
    audit event, as it carries the names of those who asked by name."""
    seat = moderator_seat(actor, session_id)
    audit.record(
        actor=actor, action="forum.exported", target=seat.session, details={"session": seat.session.public_id}
    )
    return selectors.questions(seat, order="new")
