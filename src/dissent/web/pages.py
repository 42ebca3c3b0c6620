"""What every signed-in page of the channel shares: the decorator, the actor, htmx detection."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from dissent.channel.models import ChannelSettings
from dissent.errors import DomainError
from dissent.people.models import User
from dissent.web import errors

View = Callable[..., HttpResponse]


def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "pages are behind login_required"
    return user


def display_zone(user: User) -> ZoneInfo:
    """Deadlines fall at the end of a working day in the organisation's zone: show them there,
    unless the person chose a zone of their own (and it is one that exists)."""
    if user.time_zone:
        try:
            return ZoneInfo(user.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(ChannelSettings.current().time_zone)


def page(view: View) -> View:
    """Log-in required, times in the reader's zone, domain errors mapped once (errors.py)."""

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        with timezone.override(display_zone(me(request))):
            try:
                return view(request, **kwargs)
            except DomainError as exc:
                return errors.refusal_page(request, exc, kwargs, htmx=is_htmx(request))

    return login_required(wrapper)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
