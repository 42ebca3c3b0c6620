"""Auditor pages: the filterable trail and its CSV export. Anyone else gets a 404.

Both read through ``selectors.trail`` and record the read (``audit.read``,
``audit.exported``), so looking at the trail leaves a trace in it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dissent.audit import selectors, services
from dissent.audit.actions import describe
from dissent.audit.models import AuditEvent
from dissent.people import selectors as people
from dissent.people.models import User
from dissent.web.trail_form import TrailFilterForm

PER_PAGE = 50
CSV_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "memo_id",
    "details",
    "hash",
)


def auditor(request: HttpRequest) -> User:
    """The signed-in auditor; anyone else learns nothing, not even that the page exists."""
    person = request.user
    if not isinstance(person, User) or not selectors.can_read_trail(person):
        raise Http404
    return person


@require_GET
@login_required
def trail(request: HttpRequest) -> HttpResponse:
    reader = auditor(request)
    form = TrailFilterForm(request.GET or None)
    context: dict[str, object] = {"form": form, "actions": TrailFilterForm.action_codes()}
    if form.is_bound and not form.is_valid():
        return render(request, "web/audit/trail.html", context, status=400)
    filters = form.filters() if form.is_bound else selectors.TrailFilters()
    with transaction.atomic():
        events = selectors.trail(reader=reader, filters=filters)
        page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
        services.note_trail_read(reader=reader, filters=filters.details() | {"page": page.number})
    emails = people.emails_by_id(e.actor_id for e in page)
    context |= {
        "page": page,
        "rows": [
            (event, describe(event.action), emails.get(event.actor_id or 0, ""), details_text(event))
            for event in page
        ],
        "query": query_without_page(request),
    }
    return render(request, "web/audit/trail.html", context)


@require_GET
@login_required
def export_csv(request: HttpRequest) -> HttpResponseBase:
    """Every matching event as CSV, streamed; taking a copy is recorded as audit.exported."""
    reader = auditor(request)
    form = TrailFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "web/audit/trail.html", {"form": form}, status=400)
    filters = form.filters()
    with transaction.atomic():
        events = selectors.trail(reader=reader, filters=filters)
        services.note_trail_read(reader=reader, filters=filters.details(), exported=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file whose write() hands the line back, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """One CSV line at a time, people's e-mails looked up per chunk, so memory stays flat."""

    writer = csv.writer(Echo())
    yield writer.writerow(CSV_COLUMNS)
    chunk: list[AuditEvent] = []
    for event in events.iterator(chunk_size=2_000):
        chunk.append(event)
        if len(chunk) == 2_000:
            yield from csv_chunk(writer, chunk)
            chunk = []
    yield from csv_chunk(writer, chunk)


def csv_chunk(writer: Any, events: list[AuditEvent]) -> Iterator[str]:
    emails = people.emails_by_id(e.actor_id for e in events)
    for event in events:
        row = [
            event.seq if event.seq is not None else "",
            event.at.isoformat(),
            event.actor_id if event.actor_id is not None else "",
            emails.get(event.actor_id or 0, ""),
            event.action,
            event.object_type,
            event.object_id,
            event.memo_id,
            details_text(event),
            event.hash,
        ]
        yield writer.writerow([formula_safe(cell) for cell in row])


def formula_safe(cell: object) -> object:
    """Text a spreadsheet would run as a formula (it starts with = + - @, a tab or a CR) gets a
    leading apostrophe, which spreadsheets show as text: an e-mail address such as
    ``=1+2@example.org`` is valid, and the export must not run it (OWASP "CSV injection")."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def details_text(event: AuditEvent) -> str:
    return json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else ""


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
