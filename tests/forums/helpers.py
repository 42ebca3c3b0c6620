"""Listening sessions for tests: one scheduled through the API, and its questions."""

from __future__ import annotations

from typing import Any

from tests.channel.helpers import Api
from tests.conftest import Personas

SESSION = {
    "title": "Town hall on the office move",
    "starts_at": "2026-12-10T10:00:00+01:00",
    "ends_at": "2026-12-10T11:30:00+01:00",
    "location": "Main hall, and https://meet.example.org/townhall",
    "allow_anonymous": True,
}


def schedule(org: Personas, **changes: Any) -> dict[str, Any]:
    return Api(org.office).ok("post", "/sessions", {**SESSION, **changes})


def ask(api: Api, session: dict[str, Any], body: str, *, anonymous: bool = False) -> dict[str, Any]:
    return api.ok("post", f"/sessions/{session['id']}/questions", {"body": body, "anonymous": anonymous})


def ranking(api: Api, session: dict[str, Any]) -> list[tuple[str, int]]:
    items = api.ok("get", f"/sessions/{session['id']}/questions")["items"]
    return [(q["body"], q["votes"]) for q in items]
