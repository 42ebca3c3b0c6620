"""API authentication: a personal bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from dissent.people.services import authenticate_token

BEARER_MARK = "dissent.bearer"


class PersonalToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
            request.META[BEARER_MARK] = True
        return user


def authenticated_by_token(request: HttpRequest) -> bool:
    """A bearer token, not the browser session, authenticated this request (no re-login to ask for)."""
    return bool(request.META.get(BEARER_MARK))


class ActiveSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [PersonalToken(), ActiveSession()]
