"""The receiving office's queue: what awaits it, the nearest deadline first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dissent.channel import selectors
from dissent.web.pages import me, page


@page
def office_queue(request: HttpRequest) -> HttpResponse:
    """A 404 for anyone outside the office: the queue's existence is nobody else's business."""
    actor = me(request)
    rows = selectors.rows(actor, list(selectors.office_queue(actor)), via="page.office")
    return render(request, "web/office/queue.html", {"rows": rows})
