"""Sessions end after a period without requests (DISSENT_SESSION_IDLE_MINUTES, default 30).

The session's expiry is SESSION_COOKIE_AGE after it was last saved. Saving on every request
(SESSION_SAVE_EVERY_REQUEST) would write a database row per page view; instead a signed-in
session is saved at most once a minute, so it ends between one minute before and exactly
the idle period after the last request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "dissent_last_seen"
SAVE_INTERVAL_SECONDS = 60


class SessionActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key and SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(LAST_SEEN, 0) >= SAVE_INTERVAL_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)
