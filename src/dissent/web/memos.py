"""The memo pages: the list, writing and editing, one memo, its versions, and every action on it.

Views parse forms and call services; reads go through the channel's selectors; refusals
are mapped in web/errors.py. Every action is a POST that redirects back to the memo page
(post/redirect/get), or shows the page again with the refused form and its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dissent.bounds import parse_id
from dissent.channel import policy, selectors, services
from dissent.channel.models import Memo
from dissent.errors import NotFound, PermissionDenied
from dissent.web.diff import compare
from dissent.web.errors import PageForm, attempt
from dissent.web.forms import (
    CoDrafterForm,
    ExtendForm,
    MemoForm,
    MessageForm,
    ReaderForm,
    ReplyForm,
    RerouteForm,
    RespondForm,
)
from dissent.web.memo_page import render_memo_page, thread_block
from dissent.web.pages import is_htmx, me, page

MEMOS_PER_PAGE = 25
T = TypeVar("T")


def done(request: HttpRequest, memo_id: str, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("memo", kwargs={"memo_id": memo_id}) + anchor)


def submit_form(
    request: HttpRequest,
    memo_id: str,
    form: PageForm,
    run: Callable[[], T],
    message: Callable[[T], str],
    anchor: str = "",
) -> HttpResponse:
    """A form on the memo page: refused, the page again with the form and its reason; else back to it."""
    result = attempt(form, run)
    if result is None:
        return render_memo_page(request, memo_id, refused=form)
    return done(request, memo_id, message(result), anchor)


@page
def memo_list(request: HttpRequest) -> HttpResponse:
    actor = me(request)
    listing = Paginator(selectors.memo_list(actor), MEMOS_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.rows(actor, list(listing.object_list), via="page.list")
    return render(request, "web/memos/list.html", {"listing": listing, "rows": rows, "actor": actor})


def memo_form_page(request: HttpRequest, form: MemoForm, *, memo: Memo | None = None) -> HttpResponse:
    """The writing form; an htmx "add another recommendation" gets only the list of fields."""
    only_list = is_htmx(request) and form.adds_row
    template = "web/memos/_recommendations.html" if only_list else "web/memos/form.html"
    return render(request, template, {"form": form, "memo": memo}, status=form.status)


@page
def new_memo(request: HttpRequest) -> HttpResponse:
    actor = me(request)
    if request.method != "POST":
        return memo_form_page(request, MemoForm())
    form = MemoForm(request.POST)
    if form.adds_row:
        return memo_form_page(request, form)
    memo = attempt(
        form,
        lambda: services.create_memo(
            actor=actor,
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            body=form.cleaned_data["body"],
            recommendations=form.recommendations,
            policy_area=form.cleaned_data["policy_area"],
        ),
    )
    if memo is None:
        return memo_form_page(request, form)
    return done(request, memo.public_id, _("Your draft is saved. Only you and your co-drafters can see it."))


@page
def edit_memo(request: HttpRequest, memo_id: str) -> HttpResponse:
    """Each saved edit is a new version; the earlier ones stay, and so does their hash."""
    actor = me(request)
    memo, access = selectors.memo_for(actor, memo_id)
    if not policy.can_edit(access, memo.status):
        raise PermissionDenied(_("Only the drafters may edit a memo, and only before it is submitted."))
    if request.method != "POST":
        content = selectors.read_content(actor, memo, via="page.edit")
        initial = {
            "title": content.title,
            "summary": content.summary,
            "body": content.body,
            "policy_area": content.policy_area,
        }
        form = MemoForm(initial=initial, recommendations=content.recommendations)
        return memo_form_page(request, form, memo=memo)
    form = MemoForm(request.POST)
    if form.adds_row:
        return memo_form_page(request, form, memo=memo)
    before = memo.current_version.number  # type: ignore[union-attr]
    edited = attempt(
        form,
        lambda: services.edit_memo(
            actor=actor,
            memo_id=memo_id,
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            body=form.cleaned_data["body"],
            recommendations=form.recommendations,
            policy_area=form.cleaned_data["policy_area"],
        ),
    )
    if edited is None:
        return memo_form_page(request, form, memo=memo)
    number = edited.current_version.number  # type: ignore[union-attr]
    if number == before:
        return done(request, memo_id, _("Nothing changed, so there is no new version."))
    return done(request, memo_id, _("Saved as version %(n)d.") % {"n": number})


@page
def memo_detail(request: HttpRequest, memo_id: str) -> HttpResponse:
    return render_memo_page(request, memo_id)


def version_number(value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    number = parse_id(value)
    if number is None:
        raise NotFound()
    return number


@page
def memo_versions(request: HttpRequest, memo_id: str) -> HttpResponse:
    """Every version, and what changed between any two (both readings are audited)."""
    actor = me(request)
    memo, _access = selectors.memo_for(actor, memo_id)
    current = memo.current_version.number  # type: ignore[union-attr]
    a = version_number(request.GET.get("a"), max(1, current - 1))
    b = version_number(request.GET.get("b"), current)
    opened = {
        n: selectors.read_content(actor, memo, via="page.versions", version=selectors.version_of(memo, n))
        for n in sorted({a, b, current})
    }
    fields = compare(opened[a], opened[b]) if a != b else []
    context = {
        "memo": memo,
        "title": opened[current].title,
        "history": selectors.history(memo),
        "a": a,
        "b": b,
        "changed": [f for f in fields if f.changed],
        "unchanged": [f.label for f in fields if not f.changed],
    }
    return render(request, "web/memos/versions.html", context)


def action(func: Callable[..., Memo], message: Promise) -> Callable[..., HttpResponse]:
    """A button with nothing to type: call the service, say what happened, back to the memo."""

    @require_POST
    @page
    def view(request: HttpRequest, memo_id: str) -> HttpResponse:
        func(actor=me(request), memo_id=memo_id)
        return done(request, memo_id, str(message))

    return view


submit = action(
    services.submit_memo, gettext_lazy("The memo is submitted. The deadline clocks have started.")
)
withdraw = action(services.withdraw_memo, gettext_lazy("The memo is withdrawn. Nothing was deleted."))
acknowledge = action(
    services.acknowledge_memo, gettext_lazy("The memo is acknowledged; the drafters are told.")
)
close = action(services.close_memo, gettext_lazy("The memo is closed."))


@require_POST
@page
def add_drafter(request: HttpRequest, memo_id: str) -> HttpResponse:
    form = CoDrafterForm(request.POST)
    return submit_form(
        request,
        memo_id,
        form,
        lambda: services.add_drafter(actor=me(request), memo_id=memo_id, email=form.cleaned_data["email"]),
        lambda drafter: _("%(name)s is now a co-drafter.") % {"name": drafter.user.name},
    )


@require_POST
@page
def extend(request: HttpRequest, memo_id: str) -> HttpResponse:
    form = ExtendForm(request.POST)
    return submit_form(
        request,
        memo_id,
        form,
        lambda: services.extend_deadline(
            actor=me(request), memo_id=memo_id, reason=form.cleaned_data["reason"]
        ),
        lambda _memo: _("The response deadline is extended; the drafters see your reason."),
    )


@require_POST
@page
def reroute(request: HttpRequest, memo_id: str) -> HttpResponse:
    form = RerouteForm(request.POST)
    return submit_form(
        request,
        memo_id,
        form,
        lambda: services.reroute_memo(
            actor=me(request),
            memo_id=memo_id,
            channel=form.cleaned_data["channel"],
            note=form.cleaned_data["note"],
        ),
        lambda _memo: _("The memo is re-routed; the drafters see your note."),
    )


@require_POST
@page
def add_reader(request: HttpRequest, memo_id: str) -> HttpResponse:
    form = ReaderForm(request.POST)
    return submit_form(
        request,
        memo_id,
        form,
        lambda: services.add_reader(
            actor=me(request),
            memo_id=memo_id,
            email=form.cleaned_data["email"],
            reason=form.cleaned_data["reason"],
        ),
        lambda reader: _("%(name)s may now read the memo.") % {"name": reader.user.name},
    )


@require_POST
@page
def respond(request: HttpRequest, memo_id: str) -> HttpResponse:
    actor = me(request)
    memo, _access = selectors.memo_for(actor, memo_id)
    recommendations = selectors.content_of(memo).recommendations
    form = RespondForm(request.POST, recommendations=recommendations)
    return submit_form(
        request,
        memo_id,
        form,
        lambda: services.respond_to_memo(
            actor=actor, memo_id=memo_id, body=form.cleaned_data["body"], items=form.outcomes()
        ),
        lambda _memo: _("The response is recorded; the drafters are told."),
        "#response",
    )


@require_POST
@page
def reply(request: HttpRequest, memo_id: str) -> HttpResponse:
    form = ReplyForm(request.POST)
    return submit_form(
        request,
        memo_id,
        form,
        lambda: services.reply_to_response(
            actor=me(request), memo_id=memo_id, body=form.cleaned_data["body"]
        ),
        lambda _memo: _("Your reply is sent and the memo is closed."),
        "#thread",
    )


@require_POST
@page
def post_message(request: HttpRequest, memo_id: str) -> HttpResponse:
    """With htmx only the thread is sent back (and swapped in); without, the usual redirect."""
    actor = me(request)
    memo, access = selectors.memo_for(actor, memo_id)
    form = MessageForm(request.POST, may_propose=access.is_office)
    message = attempt(
        form,
        lambda: services.post_message(
            actor=actor, memo_id=memo_id, body=form.cleaned_data["body"], meeting_times=form.meeting_times()
        ),
    )
    if is_htmx(request):
        block = (
            thread_block(actor, memo, access, notice=_("Your message is sent."))
            if message
            else thread_block(actor, memo, access, form)
        )
        return render(request, "web/memos/_thread.html", {"thread": block}, status=form.status)
    if message is None:
        return render_memo_page(request, memo_id, refused=form)
    return done(request, memo_id, _("Your message is sent."), "#thread")
