"""Who opens a stream: a personal token or the browser session, resolved once at connect.

The API resolves these through Django's middleware and django-ninja on every request; a
stream is one request that stays open, so the live path resolves them itself, once, on its
database thread, and holds neither a thread nor a connection afterwards.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest
from django.http.cookie import parse_cookie

from dissent.people.models import User
from dissent.people.services import authenticate_token


def user_from_headers(cookie: str | None, authorization: str | None) -> User | None:
    """The active person behind an ``Authorization: Bearer`` token, else behind the session
    cookie (as the API tries them), or None."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        user = authenticate_token(token.strip())
        if user is not None:
            return user
    key = parse_cookie(cookie or "").get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    person = get_user(request)  # checks the session's password hash, as every page does
    if isinstance(person, User) and person.is_active:
        return person
    return None
