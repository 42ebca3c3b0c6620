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

API_CALLS = [
    ("get", "/memos/{id}", None),
    ("get", "/memos/{id}/attachments", None),
    ("get", "/memos/{id}/signatures", None),
    ("get", "/memos/{id}/signing", None),
    ("get", "/memos/{id}/messages", None),
    ("post", "/memos/{id}/signatures", {"version_sha256": SHA}),
    ("post", "/memos/{id}/submit", {}),
]
PAGE_CALLS = [
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


def assert_alike(call: Callable[[str], HttpResponse], hidden: str) -> None:
    call(new_public_id())  # the session and caches settle on the first request
    status, body, sql, loaded = answer(call, hidden)
    assert status in (404, 302)
    assert (status, body, sql, loaded) == answer(call, new_public_id())


@pytest.mark.parametrize(("method", "path", "data"), API_CALLS)
def test_the_api_answers_a_hidden_memo_as_a_missing_one(
    org: Personas, method: str, path: str, data: dict[str, str] | None
) -> None:
    hidden = new_memo(Api(org.drafter))["id"]
    outsider = Api(org.outsider)

    def call(memo_id: str) -> HttpResponse:
        url = "/api/v1" + path.format(id=memo_id)
        send = getattr(outsider.client, method)
        return send(url, data=data, content_type="application/json", headers=outsider.headers)

    assert_alike(call, hidden)


@pytest.mark.parametrize(("method", "path", "data"), PAGE_CALLS)
def test_pages_answer_a_hidden_memo_as_a_missing_one(
    org: Personas, method: str, path: str, data: dict[str, str] | None
) -> None:
    hidden = new_memo(Api(org.drafter))["id"]
    client = logged_in(org.cosigner)

    def call(memo_id: str) -> HttpResponse:
        return getattr(client, method)(path.format(id=memo_id), data=data)

    assert_alike(call, hidden)
