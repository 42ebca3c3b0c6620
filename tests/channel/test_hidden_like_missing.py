"""A memo the caller may not see answers exactly as an id that names no memo: the same status
and body, after the same SQL statements, with nothing of the hidden memo loaded, so neither
the answer nor its time tells them apart (bench/hidden_memo.py measures the time)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_init
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from dissent.channel.models import new_public_id
from tests.channel.helpers import Api, new_memo
from tests.conftest import Personas, logged_in

SHA = "0" * 64

CALLS = [
    ("get", "/api/v1/memos/{id}", None),
    ("get", "/api/v1/memos/{id}/attachments", None),
    ("get", "/api/v1/memos/{id}/signatures", None),
    ("get", "/api/v1/memos/{id}/signing", None),
    ("get", "/api/v1/memos/{id}/messages", None),
    ("post", "/api/v1/memos/{id}/signatures", {"version_sha256": SHA}),
    ("post", "/api/v1/memos/{id}/submit", {}),
    ("get", "/memos/{id}/", None),
    ("get", "/memos/{id}/versions/", None),
    ("get", "/memos/{id}/signers/", None),
    ("post", "/memos/{id}/sign/", {"version_sha256": SHA}),
]


def answer(call: Callable[[str], HttpResponse], memo_id: str) -> tuple[int, str, list[str], Counter[str]]:
    """Status, body, the SQL statements run and the rows loaded as objects, for ``memo_id``; the id
    itself and what changes on every request anyway (form tokens, savepoint names) as ``?``."""
    loaded: Counter[str] = Counter()

    def count(sender: type[Model], **kwargs: object) -> None:
        loaded[sender._meta.label] += 1

    post_init.connect(count)
    try:
        with CaptureQueriesContext(connection) as captured:
            response = call(memo_id)
    finally:
        post_init.disconnect(count)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "?", response.content.decode())
    sql = [re.sub(r"'[^']*'|\"s\d+_x\d+\"", "?", q["sql"].replace(memo_id, "ID")) for q in captured]
    return response.status_code, body.replace(memo_id, "ID"), sql, loaded


@pytest.mark.parametrize(("method", "path", "data"), CALLS)
def test_a_hidden_memo_answers_as_a_missing_id(
    org: Personas, method: str, path: str, data: dict[str, str] | None
) -> None:
    """Through the API for someone with a token, through the pages for someone signed in."""
    hidden = new_memo(Api(org.drafter))["id"]
    if path.startswith("/api/"):
        api = Api(org.outsider)
        client, extra = api.client, {"content_type": "application/json", "headers": api.headers}
    else:
        client, extra = logged_in(org.cosigner), {}

    def call(memo_id: str) -> HttpResponse:
        return getattr(client, method)(path.format(id=memo_id), data=data, **extra)

    call(new_public_id())  # the session and caches settle on the first request
    status, body, sql, loaded = answer(call, hidden)
    assert status in (404, 302)
    assert (status, body, sql, loaded) == answer(call, new_public_id())
