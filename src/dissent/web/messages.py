"""Leadership messages: what is addressed to me, one message, and leadership's "Messages to staff".

Opening a message addressed to me records that I read it; leadership sees how many read each
message per unit, never who.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dissent.broadcasts import policy, selectors, services
from dissent.errors import NotFound
from dissent.people.selectors import roles_of
from dissent.web.errors import attempt
from dissent.web.forms import BroadcastForm, codes_in
from dissent.web.markdown import render_markdown
from dissent.web.pages import me, page

PER_PAGE = 30


@page
def message_list(request: HttpRequest) -> HttpResponse:
    actor = me(request)
    listing = Paginator(selectors.addressed_to(actor), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/messages/list.html", {"listing": listing})


@page
def message_detail(request: HttpRequest, broadcast_id: str) -> HttpResponse:
    """Opening a message addressed to me marks it read; leadership may open any, unrecorded."""
    actor = me(request)
    message = selectors.broadcast_for(actor, broadcast_id)
    if not selectors.was_read(message) and selectors.addressed_to(actor).filter(pk=message.pk).exists():
        services.mark_read(actor=actor, broadcast_id=broadcast_id)
    context = {
        "message": message,
        "body": render_markdown(message.body),
        "memo_ids": selectors.linked_memo_ids(actor, [message]).get(message.pk, []),
        "units": selectors.chosen_units([message]).get(message.pk, []),
        "counts": selectors.read_counts(actor, [message]).get(message.pk),
    }
    return render(request, "web/messages/detail.html", context)


@page
def staff_messages(request: HttpRequest) -> HttpResponse:
    """Leadership's page: write to staff, and every message sent with its read counts per unit.
    A 404 for anyone else, as for any page they have no business with."""
    actor = me(request)
    if not policy.can_send(roles_of(actor)):
        raise NotFound()
    form = BroadcastForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        sent = attempt(
            form,
            lambda: services.send_broadcast(
                actor=actor,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                unit_codes=codes_in(form.cleaned_data["units"]),
                memo_ids=codes_in(form.cleaned_data["memos"]),
            ),
        )
        if sent is not None:
            flash.success(request, _("Your message is sent. E-mails go out in the background."))
            return redirect("staff_messages")
    listing = Paginator(selectors.visible_to(actor), PER_PAGE).get_page(request.GET.get("page"))
    sent_page = list(listing.object_list)
    counts = selectors.read_counts(actor, sent_page)
    units = selectors.chosen_units(sent_page)
    rows = [(m, counts.get(m.pk), units.get(m.pk, [])) for m in sent_page]
    context = {"form": form, "listing": listing, "rows": rows}
    return render(request, "web/messages/staff.html", context, status=form.status)
