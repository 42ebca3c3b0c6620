"""Listening sessions as staff use them: the list, scheduling, one session, asking and voting.

The ranking on a session page is the live fragment (``forums/_ranking.html``), the same bytes
for everyone who sees the session the same way, so it holds nothing personal: its forms carry
no CSRF token and do not know whether you voted. The page around it does: a CSRF token and
the ids of the questions you voted for or asked (``#me``), which ``sessions.js`` applies to
each fragment the live stream swaps in. On the first render (and without JavaScript, on every
reload) the same template is rendered with those marks and tokens in place.

Replies to anonymous questions are read with a capability, not a login: the browser that asked
keeps it in a cookie scoped to the session's replies page (``REPLY_COOKIE``), one per question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dissent.channel.models import ChannelSettings
from dissent.errors import DomainError, NotFound
from dissent.forums import feed, policy, selectors, services
from dissent.forums.models import Question
from dissent.forums.selectors import Seat
from dissent.people.models import User
from dissent.people.selectors import roles_of
from dissent.web.errors import attempt
from dissent.web.forms import codes_in
from dissent.web.pages import me, page
from dissent.web.session_forms import QuestionForm, ReasonForm, SessionForm
from dissent.web.session_themes import themes_of

REPLY_COOKIE = "reply-"  # + question id; the value is the capability
REPLY_COOKIE_DAYS = 180  # an answer may be written after the session


@page
def session_list(request: HttpRequest) -> HttpResponse:
    """Open sessions first, soonest first; closed ones after, latest first."""
    actor = me(request)
    sessions = list(selectors.visible_to(actor)[:200])
    current = sorted((s for s in sessions if s.is_open), key=lambda s: s.starts_at)
    closed = [s for s in sessions if not s.is_open]
    context = {"current": current, "closed": closed, "organiser": policy.can_schedule(roles_of(actor))}
    return render(request, "web/sessions/list.html", context)


def organisation_zone() -> ZoneInfo:
    return ZoneInfo(ChannelSettings.current().time_zone)


@page
def new_session(request: HttpRequest) -> HttpResponse:
    """Schedule a session; the times typed are in the organisation's zone. A 404 for staff."""
    actor = me(request)
    if not policy.can_schedule(roles_of(actor)):
        raise NotFound()
    zone = organisation_zone()
    with timezone.override(zone):
        form = SessionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            scheduled = attempt(
                form,
                lambda: services.schedule_session(
                    actor=actor,
                    title=form.cleaned_data["title"],
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    location=form.cleaned_data["location"],
                    unit_codes=codes_in(form.cleaned_data["units"]),
                    allow_anonymous=form.cleaned_data["allow_anonymous"],
                    premoderate=form.cleaned_data["premoderate"],
                ),
            )
            if scheduled is not None:
                flash.success(request, _("The session is scheduled. Invited staff find it under Sessions."))
                return redirect("session", session_id=scheduled.public_id)
        context = {"form": form, "zone": str(zone)}
        return render(request, "web/sessions/new.html", context, status=form.status)


def ranking_context(seat: Seat, actor: User) -> dict[str, object]:
    """The fragment as the live view renders it (a seat without a person: their own held or
    hidden questions are listed apart, under ``withheld``), and the person's marks and stream."""
    questions = list(selectors.questions(replace(seat, person=None))[: feed.SNAPSHOT_QUESTIONS])
    who = feed.follower(actor, seat.session.public_id)
    stream = ""
    if who is not None and seat.session.is_open:
        stream = reverse("api-v1:events", kwargs={"session_id": seat.session.public_id})
        stream += "?token=" + feed.issue_token(who)
    return {
        "questions": questions,
        "moderator": seat.moderator,
        "mine": selectors.mine(seat, actor),
        "stream": stream,
    }


def session_page(
    request: HttpRequest, session_id: str, form: QuestionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = me(request)
    seat = selectors.seat_of(actor, session_id)
    session = seat.session
    context = {
        "seat": seat,
        "session": session,
        "units": selectors.chosen_units(session),
        "form": form or QuestionForm(),
        "withheld": list(selectors.withheld(seat, actor)),
        "themes": themes_of(seat) if seat.moderator else None,
        **ranking_context(seat, actor),
    }
    return render(request, "web/sessions/detail.html", context, status=status)


@page
def session_detail(request: HttpRequest, session_id: str) -> HttpResponse:
    return session_page(request, session_id)


def back(session_id: str, question_id: str = "") -> HttpResponse:
    url = reverse("session", args=[session_id])
    return redirect(url + (f"#q-{question_id}" if question_id else ""))


def button(request: HttpRequest, session_id: str, call: Callable[[], object], done: str) -> None:
    """A button with nothing to type: call the service, and say what happened or why not."""
    try:
        call()
    except NotFound:
        raise
    except DomainError as exc:
        flash.error(request, exc.detail)
        return
    flash.success(request, done)


@require_POST
@page
def register(request: HttpRequest, session_id: str) -> HttpResponse:
    button(
        request,
        session_id,
        lambda: services.register(actor=me(request), session_id=session_id),
        _("You are registered for this session."),
    )
    return back(session_id)


@require_POST
@page
def ask(request: HttpRequest, session_id: str) -> HttpResponse:
    """A question; an error shows on the form with the question as typed."""
    form = QuestionForm(request.POST)
    asked = attempt(
        form,
        lambda: services.ask(
            actor=me(request),
            session_id=session_id,
            body=form.cleaned_data["body"],
            anonymous=form.cleaned_data["anonymous"],
        ),
    )
    if asked is None:
        return session_page(request, session_id, form, form.status)
    question = asked.question
    if question.state == "pending":
        flash.success(request, _("Your question is waiting for a moderator's approval."))
    else:
        flash.success(request, _("Your question is on the board."))
    response = back(session_id, question.pk)
    if asked.reply_token is not None:
        replies = reverse("session_replies", args=[session_id])
        flash.info(
            request,
            format_html(
                _('You can read the answer at <a href="{url}">the replies page</a> from this browser.'),
                url=replies,
            ),
        )
        response.set_cookie(
            REPLY_COOKIE + question.pk,
            asked.reply_token,
            max_age=REPLY_COOKIE_DAYS * 86_400,
            path=replies,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
    return response


def question_button(service: Callable[..., object], done: Callable[[], str]) -> Callable[..., HttpResponse]:
    """A per-question button of staff: call ``service`` for the question, back to it."""

    @require_POST
    @page
    def view(request: HttpRequest, session_id: str, question_id: str) -> HttpResponse:
        button(
            request,
            session_id,
            lambda: service(actor=me(request), session_id=session_id, question_id=question_id),
            done(),
        )
        return back(session_id, question_id)

    return view


vote = question_button(services.vote, lambda: _("Your vote is counted."))
unvote = question_button(services.unvote, lambda: _("Your vote is taken back."))


@require_POST
@page
def report(request: HttpRequest, session_id: str, question_id: str) -> HttpResponse:
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        first = services.report(
            actor=me(request), session_id=session_id, question_id=question_id, reason=reason
        )
    except NotFound:
        raise
    except DomainError as exc:
        flash.error(request, exc.detail)
        return back(session_id, question_id)
    if first:
        flash.success(request, _("Thank you. The moderators will look at the question."))
    else:
        flash.info(request, _("You had already reported this question."))
    return back(session_id, question_id)


def reply_tokens(request: HttpRequest) -> list[str]:
    return [value for name, value in request.COOKIES.items() if name.startswith(REPLY_COOKIE)]


@page
def replies(request: HttpRequest, session_id: str) -> HttpResponse:
    """The anonymous questions this browser asked in the session: state, answer or reason."""
    seat = selectors.seat_of(me(request), session_id)
    asked: list[Question] = selectors.asked_with(seat.session, reply_tokens(request))
    return render(request, "web/sessions/replies.html", {"session": seat.session, "asked": asked})
