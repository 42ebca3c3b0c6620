"""What the live path (``dissent.live``) shows of a session, and how it learns of changes.

The live path sends the same bytes to everyone who sees a session the same way, so a
snapshot is rendered per *view*, not per person: staff or moderator, in one language. It
never includes anything personal (whether you voted is the page's business, on reload).
Following needs a database read at connect only: the page hands out a signed, short-lived
token (``issue_token``) that names the session and view, and the live path checks it without
the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.utils import translation

from dissent import fanout
from dissent.errors import NotFound
from dissent.forums import selectors
from dissent.forums.models import ListeningSession
from dissent.people.models import User

SIGNING_SALT = "dissent.forums.live"
TOKEN_SECONDS = 600  # the page's stream URL works this long; a reconnect after it uses the cookie
SNAPSHOT_QUESTIONS = 100  # the top of the ranking; the page links to the rest
ROLES = ("staff", "moderator")


@dataclass(frozen=True)
class Follower:
    session_id: str
    view: str  # "<staff|moderator>.<language>"


def channel(session_id: str) -> str:
    return f"forum:{session_id}"


def changed(session_id: str) -> None:
    """Tell every process's followers of the session to render it again."""
    fanout.publish(channel(session_id), b"")


def language_of(user: User) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in known else settings.LANGUAGE_CODE


def follower(user: User, session_id: str) -> Follower | None:
    """How ``user`` sees the session, or None when they may not see it (a 404 for them)."""
    try:
        seat = selectors.seat_of(user, session_id)
    except NotFound:
        return None
    role = "moderator" if seat.moderator else "staff"
    return Follower(session_id=session_id, view=f"{role}.{language_of(user)}")


def issue_token(who: Follower) -> str:
    return signing.dumps({"s": who.session_id, "v": who.view}, salt=SIGNING_SALT, compress=False)


def read_token(token: str) -> Follower | None:
    try:
        data = signing.loads(token[:500], salt=SIGNING_SALT, max_age=TOKEN_SECONDS)
    except signing.BadSignature:
        return None
    return Follower(session_id=str(data["s"]), view=str(data["v"]))


def snapshot(session_id: str, view: str) -> list[tuple[str, str]]:
    """The session as ``view`` sees it: a ``questions`` event (JSON, for API clients) and a
    ``ranking`` event (the page's HTML fragment, for htmx's SSE extension)."""
    role, _dot, language = view.partition(".")
    session = ListeningSession.objects.filter(public_id=session_id).first()
    if session is None or role not in ROLES:
        return []
    seat = selectors.Seat(session=session, moderator=role == "moderator", registered=False)
    top = list(selectors.questions(seat)[:SNAPSHOT_QUESTIONS])
    data = {
        "session": session.public_id,
        "open": session.is_open,
        "highlighted": session.highlighted_id,
        "questions": [selectors.question_data(q) for q in top],
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(
            "forums/_ranking.html", {"session": session, "questions": top, "moderator": seat.moderator}
        )
    return [("questions", json.dumps(data, separators=(",", ":"), ensure_ascii=False)), ("ranking", html)]
