"""The moderators' side of a session page: the buttons on each question, statistics, the CSV
export and closing. Whoever is not a moderator of the session gets the services' refusal
(or a 404 when they may not see the session at all); the pages are 404s for them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dissent.errors import InvalidInput, NotFound
from dissent.forums import selectors, services
from dissent.forums.models import Question
from dissent.forums.selectors import Seat
from dissent.web.audit import formula_safe
from dissent.web.pages import me, page
from dissent.web.session_forms import AnswerForm, MergeForm, ReasonForm
from dissent.web.sessions import back, button

CSV_COLUMNS = ("id", "state", "votes", "anonymous", "author", "asked_at", "answered", "body", "answer")


def moderator(request: HttpRequest, session_id: str) -> Seat:
    """The session for one of its moderators; a 404 for anyone else, as for a missing session."""
    seat = selectors.seat_of(me(request), session_id)
    if not seat.moderator:
        raise NotFound()
    return seat


def moderation(
    call: Callable[[HttpRequest, str, str], object], done: Callable[[], str]
) -> Callable[..., HttpResponse]:
    @require_POST
    @page
    def view(request: HttpRequest, session_id: str, question_id: str) -> HttpResponse:
        button(request, session_id, lambda: call(request, session_id, question_id), done())
        return back(session_id, question_id)

    return view


def reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


def written(request: HttpRequest) -> str:
    form = AnswerForm(request.POST)
    return form.cleaned_data["text"] if form.is_valid() else ""


def target(request: HttpRequest, seat: Seat) -> str:
    """The question to merge into, by the short id the page shows (or the full one); a form
    error, not a 404, when it names no question of the session or more than one."""
    form = MergeForm(request.POST)
    ref = form.cleaned_data["into"].strip().lstrip("#").lower() if form.is_valid() else ""
    found = selectors.questions(seat).filter(pk__startswith=ref) if ref else None
    matches = list(found.values_list("pk", flat=True)[:2]) if found is not None else []
    if len(matches) != 1:
        raise InvalidInput(_("Name the question to merge into by its number, such as #a1b2c3."))
    return matches[0]


approve = moderation(
    lambda r, s, q: services.approve(actor=me(r), session_id=s, question_id=q),
    lambda: _("The question is published."),
)
hide = moderation(
    lambda r, s, q: services.hide(actor=me(r), session_id=s, question_id=q, reason=reason(r)),
    lambda: _("The question is hidden; its author sees your reason."),
)
highlight = moderation(
    lambda r, s, q: services.highlight(actor=me(r), session_id=s, question_id=q),
    lambda: _("The question is marked as being answered now."),
)
answer = moderation(
    lambda r, s, q: services.answer(actor=me(r), session_id=s, question_id=q, text=written(r)),
    lambda: _("The question is marked answered."),
)
merge = moderation(
    lambda r, s, q: services.merge(
        actor=me(r), session_id=s, question_id=q, into=target(r, selectors.seat_of(me(r), s))
    ),
    lambda: _("The question is merged; its votes joined the other question."),
)


@page
def statistics(request: HttpRequest, session_id: str) -> HttpResponse:
    seat = moderator(request, session_id)
    stats = selectors.statistics(seat.session)
    context = {"session": seat.session, "stats": stats, "percent": round(stats.answered_share * 100)}
    return render(request, "web/sessions/statistics.html", context)


@page
def export_csv(request: HttpRequest, session_id: str) -> HttpResponse:
    """Every question of the session, one row each; cells a spreadsheet would run are defused.
    A session holds hundreds of questions at most, so the file is built in memory."""
    questions = services.export_questions(actor=me(request), session_id=session_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session_id}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for question in questions.iterator(chunk_size=500):
        writer.writerow([formula_safe(cell) for cell in csv_row(question)])
    return response


def csv_row(q: Question) -> list[object]:
    author = "" if q.anonymous or q.author is None else q.author.name
    answered = "yes" if q.state == "answered" else "no"
    asked = q.asked_at.strftime("%Y-%m-%dT%H:%MZ")
    return [q.pk, q.state, q.votes, "yes" if q.anonymous else "no", author, asked, answered, q.body, q.answer]


@page
def close(request: HttpRequest, session_id: str) -> HttpResponse:
    """A confirmation page saying what closing does; its form closes the session."""
    seat = moderator(request, session_id)
    if request.method == "POST":
        button(
            request,
            session_id,
            lambda: services.close(actor=me(request), session_id=session_id),
            _("The session is closed. Votes are counted and nothing ties them to anyone any more."),
        )
        return redirect("session_statistics", session_id=session_id)
    return render(request, "web/sessions/close.html", {"session": seat.session})
