"""Driving the channel through its API, as clients do."""

from __future__ import annotations

from typing import Any

from django.test import Client

from dissent.people.models import User
from tests.conftest import bearer, token_for

MEMO = {
    "title": "Reconsider the consolidation of regional water programmes",
    "summary": "Merging the programmes risks the rural sites.",
    "body": "## Background\n\nThe plan merges **three** programmes.\n\n<script>alert(1)</script>",
    "recommendations": ["Keep the rural programme separate.", "Publish the evaluation."],
    "policy_area": "Development cooperation",
}


class Api:
    """One person's API client: ``api.post("/memos", {...})`` returns (status, json)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.client = Client()
        self.headers = bearer(token_for(user))

    def call(self, method: str, path: str, data: Any = None) -> tuple[int, Any]:
        response = getattr(self.client, method)(
            "/api/v1" + path, data=data, content_type="application/json", headers=self.headers
        )
        body = response.json() if response.content else None
        return response.status_code, body

    def get(self, path: str) -> tuple[int, Any]:
        return self.call("get", path)

    def post(self, path: str, data: Any = None) -> tuple[int, Any]:
        return self.call("post", path, data or {})

    def patch(self, path: str, data: Any) -> tuple[int, Any]:
        return self.call("patch", path, data)

    def ok(self, method: str, path: str, data: Any = None) -> Any:
        status, body = self.call(method, path, data if data is not None or method == "get" else {})
        assert status in (200, 201), (status, body)
        return body


def new_memo(api: Api, **changes: Any) -> dict[str, Any]:
    return api.ok("post", "/memos", {**MEMO, **changes})


def submitted_memo(api: Api, **changes: Any) -> dict[str, Any]:
    memo = new_memo(api, **changes)
    return api.ok("post", f"/memos/{memo['id']}/submit")
