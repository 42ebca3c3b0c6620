"""Bad input and out-of-order actions: a 4xx with {detail, code}, never a 500, nothing half-saved."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from dissent.audit.models import AuditEvent
from dissent.channel.models import ChannelSettings, Memo, MemoVersion, Response
from tests.channel.helpers import MEMO, Api, new_memo
from tests.conftest import Personas


@pytest.mark.parametrize(
    ("changes", "code", "fragment"),
    [
        ({"title": ""}, "invalid", "title must not be empty"),
        ({"title": "   "}, "invalid", "title must not be empty"),
        ({"body": ""}, "invalid", "body must not be empty"),
        ({"body": "x" * 200_001}, "too_long", "body is 200,001 characters long; the limit is 200,000"),
        ({"title": "t" * 301}, "too_long", "title is 301 characters long"),
        ({"recommendations": ["fine", ""]}, "invalid", "recommendation 2 must not be empty"),
        ({"recommendations": ["r"] * 51}, "too_long", "at most 50 recommendations"),
        ({"recommendations": "not a list"}, "invalid", "recommendations"),
        ({"title": None}, "invalid", "title"),
    ],
)
def test_bad_memo_fields_are_refused_and_nothing_is_created(
    org: Personas, changes: dict[str, Any], code: str, fragment: str
) -> None:
    status, body = Api(org.drafter).post("/memos", {**MEMO, **changes})
    assert status == 422
    assert body["code"] == code
    assert fragment in body["detail"]
    assert Memo.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_malformed_json_is_a_clear_400_or_422(org: Personas) -> None:
    api = Api(org.drafter)
    response = api.client.post(
        "/api/v1/memos", data="{not json", content_type="application/json", headers=api.headers
    )
    assert response.status_code in (400, 422)
    assert set(response.json()) >= {"detail", "code"}


@pytest.mark.parametrize(
    "body",
    [
        '{"title": "a\\ud800b", "body": "x", "recommendations": ["r"]}',
        '{"title": "t", "body": "x", "recommendations": ["\\udfff"]}',
        '{"title": "t", "body": "x", "recommendations": ["r"], "\\ud83d": 1}',
    ],
)
def test_a_lone_surrogate_anywhere_in_json_is_a_clear_400(org: Personas, body: str) -> None:
    api = Api(org.drafter)
    response = api.client.post(
        "/api/v1/memos", data=body, content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "lone surrogate" in response.json()["detail"]
    assert Memo.objects.count() == 0


def test_an_escaped_emoji_is_text_like_any_other(org: Personas) -> None:
    api = Api(org.drafter)
    body = '{"title": "Water \\ud83d\\udca7", "body": "x", "recommendations": ["r"]}'
    response = api.client.post(
        "/api/v1/memos", data=body, content_type="application/json", headers=api.headers
    )
    assert response.status_code == 201
    assert response.json()["title"] == "Water \U0001f4a7"


def test_deeply_nested_json_is_a_clear_400(org: Personas) -> None:
    api = Api(org.drafter)
    response = api.client.post(
        "/api/v1/memos", data="[" * 100_000, content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_a_person_who_is_not_eligible_cannot_start_a_memo(org: Personas) -> None:
    status, body = Api(org.outsider).post("/memos", MEMO)
    assert (status, body["code"]) == (403, "not_eligible")


def test_submission_checks_every_drafter_is_still_eligible(org: Personas) -> None:
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    drafter.ok("post", f"/memos/{memo['id']}/drafters", {"email": "cosigner@example.org"})
    org.cosigner.eligible = False
    org.cosigner.save()
    status, body = drafter.post(f"/memos/{memo['id']}/submit")
    assert (status, body["code"]) == (403, "not_eligible")
    assert "Cole Cosigner" in body["detail"]
    assert Memo.objects.get(public_id=memo["id"]).status == "draft"


def test_a_memo_without_recommendations_cannot_be_submitted(org: Personas) -> None:
    drafter = Api(org.drafter)
    memo = new_memo(drafter, recommendations=[])
    status, body = drafter.post(f"/memos/{memo['id']}/submit")
    assert status == 422
    assert "at least one recommendation" in body["detail"]


def test_without_a_receiving_office_nothing_can_be_submitted(org: Personas) -> None:
    ChannelSettings.objects.filter(pk=1).update(receiving_office=None)
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    assert drafter.post(f"/memos/{memo['id']}/submit")[1]["code"] == "not_configured"


def test_out_of_order_actions_are_409(org: Personas) -> None:
    drafter, office = Api(org.drafter), Api(org.office)
    memo = new_memo(drafter)
    mid = memo["id"]
    assert office.post(f"/memos/{mid}/acknowledge")[0] == 404, "the office cannot see a draft at all"
    drafter.ok("post", f"/memos/{mid}/submit")
    assert drafter.post(f"/memos/{mid}/submit")[1]["code"] == "invalid_transition"
    status, body = drafter.patch(f"/memos/{mid}", {"title": "Too late"})
    assert (status, body["code"]) == (409, "conflict")
    assert MemoVersion.objects.filter(memo__public_id=mid).count() == 1
    response = {
        "body": "Answer",
        "recommendations": [
            {"number": 1, "outcome": "accepted", "text": "ok"},
            {"number": 2, "outcome": "declined", "text": "no"},
        ],
    }
    office.ok("post", f"/memos/{mid}/response", response)
    status, body = office.post(f"/memos/{mid}/response", response)
    assert (status, body["code"]) == (409, "invalid_transition")
    assert "responded" in body["detail"]
    assert drafter.post(f"/memos/{mid}/withdraw")[1]["code"] == "invalid_transition"
    assert office.post(f"/memos/{mid}/extend", {"reason": "late"})[0] == 409


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        ([{"number": 1, "outcome": "accepted", "text": "a"}], "missing: 2"),
        (
            [
                {"number": 1, "outcome": "accepted", "text": "a"},
                {"number": 3, "outcome": "accepted", "text": "c"},
            ],
            "Unknown recommendation number(s): 3",
        ),
        (
            [
                {"number": 1, "outcome": "accepted", "text": "a"},
                {"number": 1, "outcome": "declined", "text": "b"},
            ],
            "answered twice: 1",
        ),
        (
            [
                {"number": 1, "outcome": "maybe", "text": "a"},
                {"number": 2, "outcome": "accepted", "text": "b"},
            ],
            "outcome must be one of",
        ),
        (
            [
                {"number": 1, "outcome": "accepted", "text": ""},
                {"number": 2, "outcome": "accepted", "text": "b"},
            ],
            "must not be empty",
        ),
    ],
)
def test_a_response_must_answer_each_recommendation_once(
    org: Personas, items: list[dict[str, Any]], fragment: str
) -> None:
    drafter, office = Api(org.drafter), Api(org.office)
    memo = new_memo(drafter)
    drafter.ok("post", f"/memos/{memo['id']}/submit")
    status, body = office.post(f"/memos/{memo['id']}/response", {"body": "Answer", "recommendations": items})
    assert status == 422
    assert fragment in body["detail"]
    assert not Response.objects.exists()
    assert Memo.objects.get(public_id=memo["id"]).status == "submitted"


def test_the_deadline_can_be_extended_only_once_and_needs_a_reason(org: Personas) -> None:
    drafter, office = Api(org.drafter), Api(org.office)
    memo = new_memo(drafter)
    drafter.ok("post", f"/memos/{memo['id']}/submit")
    assert office.post(f"/memos/{memo['id']}/extend", {"reason": " "})[0] == 422
    office.ok("post", f"/memos/{memo['id']}/extend", {"reason": "More time"})
    status, body = office.post(f"/memos/{memo['id']}/extend", {"reason": "Again"})
    assert status == 409
    assert "already been extended" in body["detail"]


def test_rerouting_needs_a_known_channel_and_a_note_and_keeps_the_memo(org: Personas) -> None:
    drafter, office = Api(org.drafter), Api(org.office)
    memo = new_memo(drafter)
    drafter.ok("post", f"/memos/{memo['id']}/submit")
    assert office.post(f"/memos/{memo['id']}/reroute", {"channel": "press", "note": "x"})[0] == 422
    assert office.post(f"/memos/{memo['id']}/reroute", {"channel": "hr", "note": ""})[0] == 422
    rerouted = office.ok(
        "post", f"/memos/{memo['id']}/reroute", {"channel": "hr", "note": "A personnel matter."}
    )
    assert rerouted["status"] == "rerouted"
    seen = drafter.ok("get", f"/memos/{memo['id']}")
    assert (seen["rerouted_to"], seen["reroute_note"], seen["body"]) == (
        "hr",
        "A personnel matter.",
        memo["body"],
    )


def test_unknown_people_are_named_in_the_error(org: Personas) -> None:
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    status, body = drafter.post(f"/memos/{memo['id']}/drafters", {"email": "ghost@example.org"})
    assert status == 422
    assert "ghost@example.org" in body["detail"]
    assert (
        drafter.post(f"/memos/{memo['id']}/drafters", {"email": "outsider@example.org"})[1]["code"]
        == "not_eligible"
    )
    assert drafter.post(f"/memos/{memo['id']}/drafters", {"email": "drafter@example.org"})[0] == 409


def test_a_response_answering_one_recommendation_15000_times_is_refused_at_once(org: Personas) -> None:
    """Each item cost ~30 µs to validate, and finding the numbers answered twice was quadratic
    (list.count per item): a memo has at most 50 recommendations, so that is all a response may list.
    15,000 items stay under the API's 1 MB body limit, so the list itself is what is refused."""
    drafter, office = Api(org.drafter), Api(org.office)
    memo = new_memo(drafter)
    drafter.ok("post", f"/memos/{memo['id']}/submit")
    items = [{"number": 1, "outcome": "accepted", "text": "a"}] * 15_000
    start = time.process_time()
    status, body = office.post(f"/memos/{memo['id']}/response", {"body": "Answer", "recommendations": items})
    assert time.process_time() - start < 1.0
    assert (status, body["code"]) == (422, "invalid")
    assert "recommendations: List should have at most 50 items" in body["detail"]
    assert len(json.dumps(body)) < 2_000, "the answer does not echo what was sent"
