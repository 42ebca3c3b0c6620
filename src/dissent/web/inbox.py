"""The person's inbox: what happened to memos they take part in, the messages from leadership
they have not read yet, and whether to be e-mailed."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dissent.bounds import parse_id
from dissent.broadcasts import selectors as broadcasts
from dissent.notify import selectors, services
from dissent.notify.kinds import text_for
from dissent.web.forms import PreferenceForm
from dissent.web.pages import me, page

ITEMS_PER_PAGE = 50
UNREAD_MESSAGES_SHOWN = 5


@page
def inbox(request: HttpRequest) -> HttpResponse:
    actor = me(request)
    listing = Paginator(selectors.inbox(actor), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    items = [(note, text_for(note.kind)) for note in listing.object_list]
    context = {
        "listing": listing,
        "items": items,
        "unread": selectors.unread_count(actor),
        "new_messages": list(broadcasts.unread(actor)[:UNREAD_MESSAGES_SHOWN]),
        "preference": PreferenceForm(initial={"email": selectors.wants_email(actor)}),
    }
    return render(request, "web/inbox/inbox.html", context)


@require_POST
@page
def mark_read(request: HttpRequest) -> HttpResponse:
    """The items named (``notification``), or with ``all`` everything unread."""
    named = [pk for n in request.POST.getlist("notification") if (pk := parse_id(n)) is not None]
    ids = None if "all" in request.POST else named
    services.mark_read(user=me(request), notification_ids=ids)
    return redirect("inbox")


@require_POST
@page
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    wanted = form.is_valid() and bool(form.cleaned_data["email"])
    services.set_email_preference(user=me(request), email=wanted)
    if wanted:
        messages.success(request, _("You will get an e-mail when there is a new item."))
    else:
        messages.success(request, _("You will not get e-mails; new items still appear here."))
    return redirect("inbox")
