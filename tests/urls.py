"""The site's URLs plus views that only tests need: a signing stand-in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from dissent.people.reauth import recent_authentication_required
from dissent.urls import urlpatterns as site


@recent_authentication_required
def sign(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"signed by {request.user}")


urlpatterns = [
    path("test/sign", sign),
    *site,
]
