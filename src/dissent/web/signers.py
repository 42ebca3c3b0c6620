"""A memo's whole signer list, a page at a time: the memo page shows only the first 50.

A memo can have 10,000 signers, so the list is read one slice at a time through
``signing.selectors.signers_page``, which hides names the reader may not see and audits
each page read; the page costs the same queries for the first page as for the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dissent.channel import selectors
from dissent.signing import selectors as signing_selectors
from dissent.signing.models import SignatureState
from dissent.web.pages import me, page

SIGNERS_PER_PAGE = 50
# Whatever number is typed, the offset stays far inside the 64-bit integers databases take.
HIGHEST_PAGE = 10**9
TEMPLATE = "web/memos/signers.html"


@dataclass(frozen=True)
class Filter:
    url: str
    label: str
    current: bool


def link(memo_id: str, state: str, number: int = 1) -> str:
    """A page of the list, naming only what differs from the first page of all signatures."""
    query = {"state": state} if state else {}
    if number > 1:
        query["page"] = str(number)
    path = reverse("memo_signers", kwargs={"memo_id": memo_id})
    return f"{path}?{urlencode(query)}" if query else path


def filters(memo_id: str, state: str) -> list[Filter]:
    choices = [("", _("All signatures")), *SignatureState.choices]
    return [
        Filter(url=link(memo_id, value), label=str(label), current=value == state) for value, label in choices
    ]


def page_number(value: str | None) -> int:
    """The page asked for; anything below 1 or not a number is the first page.

    The first page always exists, so showing it loses nothing. A page beyond the end is not
    moved back (see ``memo_signers``): how many pages there are changes as people sign,
    withdraw, or the memo is edited, and an old link should say so rather than show others.
    """
    try:
        number = int(value or "1")
    except ValueError:
        return 1
    return min(max(number, 1), HIGHEST_PAGE)


@page
def memo_signers(request: HttpRequest, memo_id: str) -> HttpResponse:
    """Oldest first, optionally one ``state`` of ``SignatureState``; 404 for who may not see the memo.

    An unknown state is a 400 that points to the lists there are; a page past the end is a
    404 that says how many pages there are (its read is audited like any other: the trail
    records what was asked for). Neither is a 500, nor the "nothing here" 404 of a hidden memo.
    """
    actor = me(request)
    memo, access = selectors.memo_for(actor, memo_id)
    state = request.GET.get("state", "")
    number = page_number(request.GET.get("page"))
    title = selectors.rows(actor, [memo], via="page.signers")[0].title
    context: dict[str, object] = {"memo": memo, "title": title, "filters": filters(memo.public_id, state)}
    if state and state not in SignatureState.values:
        context["error"] = _("There is no such list of signatures. Choose one of the lists above.")
        return render(request, TEMPLATE, context, status=400)
    offset = (number - 1) * SIGNERS_PER_PAGE
    rows, total = signing_selectors.signers_page(
        actor, memo, access, state=state or None, offset=offset, limit=SIGNERS_PER_PAGE
    )
    pages = max(1, (total + SIGNERS_PER_PAGE - 1) // SIGNERS_PER_PAGE)
    if number > pages:
        context["error"] = ngettext(
            "There is no page %(n)d: this list has only %(pages)d page.",
            "There is no page %(n)d: this list has only %(pages)d pages.",
            pages,
        ) % {"n": number, "pages": pages}
        context["last_url"] = link(memo.public_id, state, pages)
        return render(request, TEMPLATE, context, status=404)
    context.update(
        rows=rows,
        total=total,
        first=offset + 1,
        last=offset + len(rows),
        number=number,
        pages=pages,
        first_url=link(memo.public_id, state) if number > 1 else "",
        previous_url=link(memo.public_id, state, number - 1) if number > 1 else "",
        next_url=link(memo.public_id, state, number + 1) if number < pages else "",
        last_url=link(memo.public_id, state, pages) if number < pages else "",
    )
    return render(request, TEMPLATE, context)
