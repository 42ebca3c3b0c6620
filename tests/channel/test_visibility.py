"""Who sees a memo: the parties, and nobody else — not even by probing ids."""

from __future__ import annotations

from typing import Any

import pytest

from dissent.channel.models import Memo
from tests.channel.helpers import Api, new_memo
from tests.conftest import Personas

MEMO_PATHS: list[tuple[str, str, Any]] = [
    ("get", "/memos/{id}", None),
    ("patch", "/memos/{id}", {"title": "Mine now"}),
    ("post", "/memos/{id}/drafters", {"email": "outsider@example.org"}),
    ("post", "/memos/{id}/circulate", {}),
    ("post", "/memos/{id}/submit", {}),
    ("post", "/memos/{id}/withdraw", {}),
    ("post", "/memos/{id}/acknowledge", {}),
    ("post", "/memos/{id}/extend", {"reason": "x"}),
    ("post", "/memos/{id}/reroute", {"channel": "hr", "note": "x"}),
    ("post", "/memos/{id}/readers", {"email": "outsider@example.org", "reason": "x"}),
    ("post", "/memos/{id}/response", {"body": "x", "recommendations": []}),
    ("post", "/memos/{id}/reply", {"body": "x"}),
    ("post", "/memos/{id}/close", {}),
    ("get", "/memos/{id}/messages", None),
    ("post", "/memos/{id}/messages", {"body": "x"}),
]


@pytest.fixture
def submitted(org: Personas) -> str:
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    drafter.ok("post", f"/memos/{memo['id']}/submit")
    return str(memo["id"])


@pytest.mark.parametrize(("method", "path", "data"), MEMO_PATHS)
def test_an_outsider_gets_the_same_404_as_for_a_missing_memo(
    org: Personas, submitted: str, method: str, path: str, data: Any
) -> None:
    outsider = Api(org.outsider)
    hidden = outsider.call(method, path.format(id=submitted), data)
    missing = outsider.call(method, path.format(id="0123456789abcdef"), data)
    assert hidden == missing == (404, {"detail": "Not found.", "code": "not_found"})
    assert Memo.objects.get(public_id=submitted).status == "submitted"


def test_an_outsider_lists_nothing_and_counts_nothing(org: Personas, submitted: str) -> None:
    assert Api(org.outsider).ok("get", "/memos") == {"items": [], "count": 0}
    assert Api(org.auditor).ok("get", "/memos") == {"items": [], "count": 0}, (
        "auditors see metadata, not memos"
    )


def test_a_draft_is_seen_only_by_its_drafters(org: Personas) -> None:
    memo = new_memo(Api(org.drafter))
    for person in (
        org.office,
        org.office_head,
        org.leader,
        org.agency_head,
        org.auditor,
        org.admin,
        org.outsider,
    ):
        assert Api(person).get(f"/memos/{memo['id']}")[0] == 404, person.email


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("drafter", True),
        ("office", True),
        ("office_head", True),
        ("leader", True),  # the standing distribution: role leadership
        ("agency_head", False),  # head of another agency than the drafter's
        ("cosigner", False),
        ("auditor", False),
        ("admin", False),
        ("outsider", False),
    ],
)
def test_a_submitted_memo_is_seen_by_the_parties_only(
    org: Personas, submitted: str, persona: str, sees: bool
) -> None:
    status, _body = Api(getattr(org, persona)).get(f"/memos/{submitted}")
    assert status == (200 if sees else 404)


def test_a_reader_added_by_the_office_head_sees_it_and_the_drafters_see_why(
    org: Personas, submitted: str
) -> None:
    Api(org.office_head).ok(
        "post", f"/memos/{submitted}/readers", {"email": "auditor@example.org", "reason": "Needs the numbers"}
    )
    assert Api(org.auditor).get(f"/memos/{submitted}")[0] == 200
    readers = Api(org.drafter).ok("get", f"/memos/{submitted}")["readers"]
    assert [(r["name"], r["reason"]) for r in readers] == [("Aude Auditor", "Needs the numbers")]


@pytest.mark.parametrize(
    ("persona", "path", "data", "status", "code"),
    [
        ("office", "/memos/{id}/readers", {"email": "auditor@example.org", "reason": "x"}, 403, "forbidden"),
        ("leader", "/memos/{id}/acknowledge", {}, 403, "forbidden"),
        ("drafter", "/memos/{id}/acknowledge", {}, 403, "forbidden"),
        ("office", "/memos/{id}/withdraw", {}, 403, "forbidden"),
        ("leader", "/memos/{id}/messages", {"body": "hello"}, 403, "forbidden"),
        ("office", "/memos/{id}/close", {}, 409, "invalid_transition"),
        ("office", "/memos/{id}/submit", {}, 403, "forbidden"),
    ],
)
def test_visible_but_not_yours_to_do_is_refused_with_a_reason(
    org: Personas, submitted: str, persona: str, path: str, data: Any, status: int, code: str
) -> None:
    got_status, body = Api(getattr(org, persona)).post(path.format(id=submitted), data)
    assert (got_status, body["code"]) == (status, code)
    assert body["detail"]


def test_the_thread_is_for_drafters_and_office_not_the_distribution(org: Personas, submitted: str) -> None:
    Api(org.office).ok("post", f"/memos/{submitted}/messages", {"body": "A question."})
    assert Api(org.drafter).ok("get", f"/memos/{submitted}/messages")["count"] == 1
    assert Api(org.leader).get(f"/memos/{submitted}/messages")[0] == 404
