"""API authentication: a personal bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from dissent.people.models import User
from dissent.people.reauth import mark_token_authenticated
from dissent.people.services import authenticate_token


class PersonalToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
            mark_token_authenticated(request)
        return user


def actor(request: HttpRequest) -> User:
    """The person an authenticated API operation acts for (token or session, already checked)."""
    return request.user  # type: ignore[return-value]


class ActiveSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [PersonalToken(), ActiveSession()]
