"""Access control, exhaustively: every page and API operation, by every persona, on a memo in
every state, answers what the policy table (tests/access/policy.py) says.

Each request runs in a savepoint that is rolled back, so the world is built once and every
request meets the same memos. A refused write must leave every row of the memo's tables
byte-identical; an allowed one must change something. A memo that does not exist for the
person answers exactly as a memo id that exists for nobody: status, body (the id replaced) and
headers.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from dissent.people.models import User
from tests.access import policy
from tests.access.policy import API, OUTSIDE, PAGES, PERSONAS, PUBLIC_PREFIXES, Global, Rule
from tests.access.routes import api_operations, as_openapi_path, url_routes
from tests.access.world import MemoCase, World, build
from tests.conftest import Personas, bearer, token_for
from tests.web.helpers import MEMO

MISSING = "0000000000000000"  # a memo id of the right shape that exists for nobody
MEMO_TABLES = [
    model._meta.db_table
    for label in ("channel", "signing", "attachments")
    for model in apps.get_app_config(label).get_models()
]
# Headers that may differ between two identical answers: none so far (the test client sets no
# Date); listed here so that an exception is named, not hidden.
VARYING_HEADERS: frozenset[str] = frozenset()
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def test_every_route_and_operation_is_in_the_policy_table() -> None:
    operations = set(api_operations())
    unclassified_ops = operations - set(API)
    stale_ops = set(API) - operations
    api_paths = {path for _method, path in operations}
    page_names = {name for name, _method in PAGES}
    unclassified_routes = [
        r
        for r in url_routes()
        if not r.route.startswith(tuple(PUBLIC_PREFIXES))
        and "/" + r.route not in OUTSIDE
        and as_openapi_path(r.route) not in api_paths
        and r.name not in page_names
    ]
    stale_pages = page_names - {r.name for r in url_routes()}
    assert not unclassified_ops, (
        f"API operations missing from tests/access/policy.py: {sorted(unclassified_ops)}"
    )
    assert not unclassified_routes, f"routes missing from tests/access/policy.py: {unclassified_routes}"
    assert not stale_ops, f"the table names operations that are gone: {stale_ops}"
    assert not stale_pages, f"the table names pages that are gone: {stale_pages}"


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every memo-related table (channel, signing, attachments; not the audit trail
    or the inbox), bytes as bytes, sorted. Plain SQL: it runs after every write."""
    tables = {}
    with connection.cursor() as cursor:
        for table in MEMO_TABLES:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = (tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor)
            tables[table] = sorted(rows, key=repr)
    return tables


@dataclass
class Tally:
    checks: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def expect(self, what: str, ok: bool, message: str) -> None:
        self.checks[what] += 1
        if not ok:
            self.failures.append(message)


@dataclass
class Request:
    method: str
    url: str
    data: dict[str, Any] | None = None

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    def to(self, memo: str, other: str) -> Request:
        return Request(self.method, self.url.replace(memo, other), self.data)


class Matrix:
    """Clients for every persona (a token for the API, a freshly logged-in session for pages),
    the memo tables as the world left them, and every check's outcome."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.baseline = snapshot()
        self.tally = Tally()
        self.api = {name: Client(headers=bearer(token_for(user))) for name, user in world.people.items()}
        self.api["anonymous"] = Client()
        self.pages = {name: fresh_login(user) for name, user in world.people.items()}
        self.pages["anonymous"] = Client()
        self.missing: dict[tuple[str, str, str, str], HttpResponse] = {}

    def send(self, client: Client, r: Request) -> tuple[Any, bool]:
        """The answer, and whether the memo tables changed; nothing the request did is kept."""
        for value in (r.data or {}).values():
            if isinstance(value, SimpleUploadedFile):
                value.seek(0)
        with transaction.atomic():
            if r.url.startswith("/api/") and not is_multipart(r.data):
                body = json.dumps(r.data or {})
                response = client.generic(r.method, r.url, data=body, content_type="application/json")
            elif r.method == "POST":
                response = client.post(r.url, data=r.data or {})
            else:
                response = client.generic(r.method, r.url)
            changed = r.writes and snapshot() != self.baseline
            transaction.set_rollback(True)
        client.cookies.pop("messages", None)
        return response, changed

    def check(
        self,
        persona: str,
        client: Client,
        r: Request,
        expected: int,
        *,
        done: bool | None,
        memo: str | None = None,
    ) -> Any:
        """``done``: the table says the write is allowed, so it must change the memo tables;
        False: refused, so it must leave them byte-identical; None: a write of something else."""
        response, changed = self.send(client, r)
        where = f"{r.method} {r.url} as {persona}"
        got = response.status_code
        self.tally.expect("status", got == expected, f"{where}: {got}, expected {expected}")
        if r.writes and done is not None:
            if done:
                self.tally.expect(
                    "allowed write changed memos", changed, f"{where}: allowed, changed nothing"
                )
            else:
                self.tally.expect(
                    "refused write left memos identical", not changed, f"{where}: refused, changed"
                )
        if expected == 404 and memo is not None and persona != "anonymous":
            self.same_as_missing(where, client, r, response, memo, MISSING)
        return response

    def same_as_missing(
        self, where: str, client: Client, r: Request, hidden: HttpResponse, name: str, missing_name: str
    ) -> None:
        asked = r.to(name, missing_name)
        key = (where.rsplit(" as ", 1)[1], asked.method, asked.url, repr(asked.data))
        if key not in self.missing:
            self.missing[key] = self.send(client, asked)[0]
        missing = self.missing[key]
        same = (
            hidden.status_code == missing.status_code
            and scrub(hidden.content, name) == scrub(missing.content, missing_name)
            and headers(hidden) == headers(missing)
        )
        detail = f"{hidden.status_code}/{missing.status_code}, {headers(hidden)} / {headers(missing)}"
        kind = "write" if r.writes else "read"
        self.tally.expect(f"hidden = missing ({kind})", same, f"{where}: hidden and missing differ: {detail}")


def is_multipart(data: dict[str, Any] | None) -> bool:
    return any(isinstance(v, SimpleUploadedFile) for v in (data or {}).values())


def scrub(content: bytes, name: str) -> bytes:
    return CSRF.sub(b"", content.replace(name.encode(), b"ID"))


def headers(response: HttpResponse) -> dict[str, str]:
    return {k: v for k, v in response.items() if k not in VARYING_HEADERS}


def fresh_login(user: User) -> Client:
    """A browser session that has just logged in, as signing and exporting ask: the personas
    with privileged roles have an authenticator app (tests/conftest.py), so the session stands
    for a log-in with both factors."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email}
    ]
    session[AUTHENTICATION_METHODS_SESSION_KEY + "_user"] = str(user.pk)
    session.save()
    return client


def shared(memo: MemoCase | None, world: World) -> dict[str, dict[str, Any]]:
    """The same minimal valid input for an action, whether it comes through the API or a page,
    so that only who and when decide the answer."""
    other = world.people["outsider"].email
    return {
        "drafters": {"email": other},
        "extend": {"reason": "The minister is travelling."},
        "reroute": {"channel": "hr", "note": "A personnel matter."},
        "readers": {"email": other, "reason": "Needs to know."},
        "reply": {"body": "Thank you too."},
        "messages": {"body": "Can we meet?"},
        "signatures": {"version_sha256": memo.version_sha256 if memo else ""},
    }


def api_body(method: str, path: str, memo: MemoCase | None, world: World) -> dict[str, Any] | None:
    if method == "GET":
        return None
    bodies: dict[str, dict[str, Any]] = {
        "/api/v1/memos": MEMO,
        "/api/v1/memos/{memo_id}": {"title": "A sharper title"},
        "/api/v1/memos/{memo_id}/response": {
            "body": "Thank you.",
            "recommendations": [
                {"number": 1, "outcome": "accepted", "text": "Done."},
                {"number": 2, "outcome": "declined", "text": "Not now."},
            ],
        },
        "/api/v1/memos/{memo_id}/attachments": {"file": SimpleUploadedFile("more.txt", b"more\n")},
        "/api/v1/memos/{memo_id}/invitations": {"emails": [world.people["outsider"].email]},
        "/api/v1/memos/{memo_id}/target": {"target": 10},
        "/api/v1/broadcasts": {"title": "Listening", "body": "We are listening.", "units": ["NOR"]},
        "/api/v1/sessions": {
            "title": "Open door",
            "starts_at": "2026-12-11T09:00:00+00:00",
            "ends_at": "2026-12-11T10:00:00+00:00",
        },
        "/api/v1/sessions/{session_id}/questions": {"body": "When?"},
        "/api/v1/sessions/{session_id}/replies": {"tokens": ["unknown"]},
        "/api/v1/sessions/{session_id}/questions/{question_id}/moderate": {"action": "highlight"},
    }
    by_action = {f"/api/v1/memos/{{memo_id}}/{action}": body for action, body in shared(memo, world).items()}
    return {**by_action, **bodies}.get(path)


PAGE_ACTIONS = {
    "memo_add_drafter": "drafters",
    "memo_extend": "extend",
    "memo_reroute": "reroute",
    "memo_add_reader": "readers",
    "memo_reply": "reply",
    "memo_message": "messages",
    "memo_sign": "signatures",
}


def page_body(name: str, memo: MemoCase | None, world: World) -> dict[str, Any]:
    if name in PAGE_ACTIONS:
        return shared(memo, world)[PAGE_ACTIONS[name]]
    memo_form = {
        **{k: v for k, v in MEMO.items() if k != "recommendations"},
        "recommendation": MEMO["recommendations"],
    }
    bodies: dict[str, dict[str, Any]] = {
        "set_language": {"language": "en"},
        "inbox_read": {"all": "1"},
        "inbox_preferences": {"email": "on"},
        "memo_new": memo_form,
        "memo_edit": {**memo_form, "title": "A sharper title"},
        "memo_respond": {
            "body": "Thank you.",
            **{"outcome_1": "accepted", "text_1": "Done.", "outcome_2": "declined", "text_2": "Not now."},
        },
        "memo_invite": {"emails": world.people["outsider"].email, "units": ""},
        "staff_messages": {"title": "Listening", "body": "We are listening.", "units": "NOR", "memos": ""},
        "session_new": {"title": "Open door", "starts_at": "2026-12-11T09:00", "ends_at": "2026-12-11T10:00"},
        "session_ask": {"body": "When?"},
        "question_hide": {"reason": "Off topic."},
        "question_merge": {"into": "#" + world.question_id[:6]},
    }
    return bodies.get(name, {})


def fill(path: str, memo: MemoCase | None, world: World, attachment: str = "") -> str:
    return (
        path.replace("{memo_id}", memo.id if memo else "")
        .replace("{attachment_id}", attachment or (memo.attachment_id if memo else ""))
        .replace("{person_id}", str(world.people["cosigner"].pk))
        .replace("{broadcast_id}", world.broadcast_id)
        .replace("{session_id}", world.session_id)
        .replace("{question_id}", world.question_id)
    )


def run_api(m: Matrix) -> None:
    world = m.world
    for (method, path), rule in API.items():
        for persona in PERSONAS:
            client = m.api[persona]
            if isinstance(rule, Global):
                r = Request(method, fill(path, None, world), api_body(method, path, None, world))
                expected = rule.status(persona, page=False)
                done = persona != "anonymous" and rule.who(persona) if rule.creates_memo else None
                m.check(persona, client, r, expected, done=done)
                continue
            for memo in world.memos:
                cases: list[tuple[str, Rule]] = [("", rule)]
                if "{attachment_id}" in path and memo.message_attachment_id:
                    cases.append((memo.message_attachment_id, policy.MESSAGE_FILE))
                for attachment, case_rule in cases:
                    r = Request(
                        method, fill(path, memo, world, attachment), api_body(method, path, memo, world)
                    )
                    status = case_rule(policy.standing(persona, memo), memo)
                    expected = 401 if persona == "anonymous" else status
                    response = m.check(persona, client, r, expected, done=expected < 300, memo=memo.id)
                    if (
                        attachment
                        and expected == 404
                        and persona != "anonymous"
                        and policy.standing(persona, memo).sees
                    ):
                        where = f"{method} {r.url} as {persona} (a file of the conversation)"
                        m.same_as_missing(where, client, r, response, attachment, MISSING)


def global_kwargs(name: str, world: World) -> dict[str, str]:
    """The ids in the URL of a page that names no memo: the message, the session, its question."""
    if name == "message":
        return {"broadcast_id": world.broadcast_id}
    if name.startswith("question_"):
        return {"session_id": world.session_id, "question_id": world.question_id}
    if name.startswith("session_"):
        return {"session_id": world.session_id} if name != "session_new" else {}
    return {"session_id": world.session_id} if name == "session" else {}


def run_pages(m: Matrix) -> None:
    world = m.world
    for (name, method), rule in PAGES.items():
        for persona in PERSONAS:
            client = m.pages[persona]
            if isinstance(rule, Global):
                url = reverse(name, kwargs=global_kwargs(name, world))
                r = Request(method, url, page_body(name, None, world) if method == "POST" else None)
                expected = rule.status(persona, page=True)
                done = persona != "anonymous" and rule.who(persona) if rule.creates_memo else None
                m.check(persona, client, r, expected, done=done)
                continue
            for memo in world.memos:
                url = reverse(name, kwargs={"memo_id": memo.id})
                r = Request(method, url, page_body(name, memo, world) if method == "POST" else None)
                api_status = rule.rule(policy.standing(persona, memo), memo)
                expected = 302 if persona == "anonymous" else rule.status(api_status, method)
                done = persona != "anonymous" and api_status < 300
                m.check(persona, client, r, expected, done=done, memo=memo.id)


# Thousands of requests, each paying the full request path: run once, on the embedded database.
# Which memos a person may see is SQL that differs between the databases; the visibility
# property test checks that on both. What this matrix adds is the views' and services' policy,
# which does not depend on the database.
ONE_DATABASE = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the access matrix runs on SQLite only (CI time)"
)


@pytest.fixture
def matrix(org: Personas) -> Iterator[Matrix]:
    """Thousands of refusals are expected here: Django's log line for each would only cost time."""
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    yield Matrix(build(org))
    quiet.setLevel(level)


@ONE_DATABASE
def test_every_api_operation_answers_every_persona_as_the_table_says(matrix: Matrix) -> None:
    run_api(matrix)
    print(dict(matrix.tally.checks))
    assert not matrix.tally.failures, "\n".join(matrix.tally.failures)


def run_outside(m: Matrix) -> None:
    for url, rule in OUTSIDE.items():
        for persona in PERSONAS:
            m.check(
                persona, m.pages[persona], Request("GET", url), rule.status(persona, page=True), done=None
            )


@ONE_DATABASE
def test_every_page_answers_every_persona_as_the_table_says(matrix: Matrix) -> None:
    run_pages(matrix)
    run_outside(matrix)
    print(dict(matrix.tally.checks))
    assert not matrix.tally.failures, "\n".join(matrix.tally.failures)
