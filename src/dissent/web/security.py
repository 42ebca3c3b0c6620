"""Response headers Django 5.2 does not set itself, and vault failures shown as clear pages.

The Content-Security-Policy allows scripts, styles and frames from nowhere but this site
and no inline script or style at all: injected markup cannot run. Templates must load
their scripts and styles from static files. The API docs (/api/v1/docs) comply because
django-ninja serves Swagger UI from its own static files when ``ninja`` is installed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dissent.vault.kek import KekError
from dissent.vault.services import Tampered

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class VaultFailureMiddleware:
    """A page that meets tampered content or an unusable KEK says so in a sentence, never a traceback.

    (The API maps ``Tampered`` like every domain error; an unusable KEK is its JSON 500.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Tampered):
            return render(request, "web/vault_error.html", {"message": exception.detail}, status=500)
        if isinstance(exception, KekError):
            log.error("key-encryption key unusable: %s", exception)
            message = _(
                "The server cannot open its encryption keys right now. "
                "The failure has been logged for the administrators; please try again later."
            )
            return render(request, "web/vault_error.html", {"message": message}, status=503)
        return None
