"""The site's URLs plus views that only tests need: a signing stand-in and vault failures."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from dissent.api import errors
from dissent.people.reauth import recent_authentication_required
from dissent.urls import urlpatterns as site
from dissent.vault.kek import KekError
from dissent.vault.services import Tampered


@recent_authentication_required
def sign(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"signed by {request.user}")


def tampered(request: HttpRequest) -> HttpResponse:
    raise Tampered(where="test: memo 1 body")


def kek_gone(request: HttpRequest) -> HttpResponse:
    raise KekError("/srv/dissent/kek is missing")


api = NinjaAPI(urls_namespace="test-api", docs_url=None)
errors.install(api)


@api.get("/tampered")
def api_tampered(request: HttpRequest) -> None:
    raise Tampered(where="test: memo 1 body via the API")


urlpatterns = [
    path("test/api/", api.urls),
    path("test/sign", sign),
    path("test/tampered", tampered),
    path("test/kek-gone", kek_gone),
    *site,
]
