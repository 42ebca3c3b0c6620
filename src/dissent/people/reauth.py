"""Re-authentication before signing and exporting: a session must have proved its person recently.

A session left open on an unattended desk must not sign a memo or export one. Views use
``@recent_authentication_required``; it sends the person through allauth's
re-authentication (password, or the authenticator app) and then back to the request.
API operations and services call ``ensure_recent_authentication``. A personal API token is
exempt: it is a separate credential whose holder proves possession with every call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dissent.errors import DomainError

REAUTHENTICATION_MAX_AGE = timedelta(minutes=15)
TOKEN_FLAG = "dissent_token_authenticated"  # noqa: S105 - an attribute name, not a secret

View = TypeVar("View", bound=Callable[..., Any])


class ReauthenticationNeeded(DomainError):
    code = "reauthentication_required"
    status = 401
    default_detail = _(
        "Confirm it is you: log in again in the browser (your last login is too old for this), "
        "or use a personal API token."
    )


def mark_token_authenticated(request: HttpRequest) -> None:
    """Called by the API's token authentication, so re-authentication does not apply to the request."""
    setattr(request, TOKEN_FLAG, True)


def recently_authenticated(request: HttpRequest, *, max_age: timedelta = REAUTHENTICATION_MAX_AGE) -> bool:
    """Did this request's person log in or re-authenticate within ``max_age`` (or use a token)?"""
    if getattr(request, TOKEN_FLAG, False):
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    latest = max((record.get("at", 0) for record in get_authentication_records(request, user)), default=0)
    return time.time() - latest < max_age.total_seconds()


def ensure_recent_authentication(
    request: HttpRequest, *, max_age: timedelta = REAUTHENTICATION_MAX_AGE
) -> None:
    if not recently_authenticated(request, max_age=max_age):
        raise ReauthenticationNeeded()


def recent_authentication_required(
    view: View | None = None, *, max_age: timedelta = REAUTHENTICATION_MAX_AGE
) -> Any:
    """View decorator: older than ``max_age``, the person re-authenticates, then the request resumes."""

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not recently_authenticated(request, max_age=max_age):
                raise ReauthenticationRequired()
            return func(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate
