"""The receiving office's queue: what awaits it, the nearest deadline first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dissent.channel import page_selectors
from dissent.web.pages import me, page


@page
def office_queue(request: HttpRequest) -> HttpResponse:
    """A 404 for anyone outside the office: the queue's existence is nobody else's business."""
    rows = page_selectors.office_rows(me(request))
    return render(request, "web/office/queue.html", {"rows": rows})
