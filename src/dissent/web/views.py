"""Pages that belong to no one app: the start page, health, and the last-resort error page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import check_for_language
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from dissent.api.errors import NOT_FOUND, error_body
from dissent.people import selectors, services


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = selectors.with_directory(request.user)  # type: ignore[arg-type]
    return render(request, "web/home.html", {"person": person})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language choice; for a signed-in person it becomes their profile's language."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        services.set_language(person=request.user, language=language)
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A path under /api/ that names no operation answers like a hidden object: JSON 404."""
    if request.path.startswith("/api/"):
        return JsonResponse(NOT_FOUND, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """API clients get JSON even when something fails outside the API's own handlers."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("Internal error.", "server_error"), status=500)
    return render(request, "500.html", status=500)
