"""Leadership messages through the JSON API: who may send, who sees them, reads, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from dissent.audit.models import AuditEvent
from dissent.broadcasts.models import Read
from tests.channel.helpers import Api
from tests.conftest import Personas, queries_for
from tests.web.helpers import draft, submitted

MESSAGE = {
    "title": "Forums on the consolidation plan",
    "body": "We heard the memo. **Forums** open next week.",
}


def send(org: Personas, **changes: Any) -> dict[str, Any]:
    return Api(org.leader).ok("post", "/broadcasts", {**MESSAGE, **changes})


def ids_seen_by(api: Api) -> list[str]:
    return [item["id"] for item in api.ok("get", "/broadcasts")["items"]]


@pytest.mark.django_db
def test_a_message_to_a_unit_reaches_its_members_and_those_of_the_units_below(org: Personas) -> None:
    message = send(org, units=["MIN"])  # the Ministry: Policy Planning and the Northern Bureau are below it
    assert (message["to_all"], message["units"], message["read"]) == (False, ["MIN"], False)
    for person in (org.drafter, org.outsider, org.office, org.office_head, org.leader):
        assert ids_seen_by(Api(person)) == [message["id"]], person.email
        assert Api(person).ok("get", f"/broadcasts/{message['id']}")["body"] == MESSAGE["body"]
    for person in (org.cosigner, org.agency_head, org.auditor):  # the Aid Agency and the organisation above
        api = Api(person)
        assert ids_seen_by(api) == []
        assert api.get(f"/broadcasts/{message['id']}") == (404, {"detail": "Not found.", "code": "not_found"})
        assert api.post(f"/broadcasts/{message['id']}/read")[0] == 404


@pytest.mark.django_db
def test_a_message_without_units_reaches_every_active_person(org: Personas) -> None:
    message = send(org)
    assert message["to_all"] is True
    for person in (org.cosigner, org.auditor, org.admin, org.outsider):
        assert ids_seen_by(Api(person)) == [message["id"]]


@pytest.mark.django_db
def test_someone_without_the_leadership_role_is_refused_with_a_code_and_nothing_is_sent(
    org: Personas,
) -> None:
    for person in (org.drafter, org.office_head, org.agency_head, org.admin):
        status, body = Api(person).post("/broadcasts", MESSAGE)
        assert status == 403
        assert body["code"] == "leadership_only"
        assert "leadership" in body["detail"]
    assert ids_seen_by(Api(org.drafter)) == []
    assert not AuditEvent.objects.filter(action="broadcast.sent").exists()


@pytest.mark.django_db
def test_a_linked_memo_shows_only_to_those_who_may_see_it(org: Personas) -> None:
    memo_id = submitted(org)  # from the Northern Bureau: the leader heads the Ministry above it
    message = send(org, memo_ids=[memo_id])
    assert message["memo_ids"] == [memo_id]
    for person in (org.drafter, org.cosigner, org.office, org.office_head):
        assert Api(person).ok("get", f"/broadcasts/{message['id']}")["memo_ids"] == [memo_id], person.email
    for person in (org.outsider, org.auditor, org.admin):
        seen = Api(person).ok("get", f"/broadcasts/{message['id']}")
        assert seen["memo_ids"] == [], person.email
        assert memo_id not in str(seen)
        assert Api(person).ok("get", "/broadcasts")["items"][0]["memo_ids"] == []


@pytest.mark.django_db
def test_memo_ids_the_author_cannot_see_are_refused_like_missing_ones(org: Personas) -> None:
    hidden = draft(org)  # a draft: only its drafters see it
    status_hidden, hidden_body = Api(org.leader).post("/broadcasts", {**MESSAGE, "memo_ids": [hidden]})
    status_missing, missing_body = Api(org.leader).post(
        "/broadcasts", {**MESSAGE, "memo_ids": ["0123456789abcdef"]}
    )
    assert status_hidden == status_missing == 422
    assert hidden_body["detail"].replace(hidden, "X") == missing_body["detail"].replace(
        "0123456789abcdef", "X"
    )
    assert hidden in hidden_body["detail"]
    assert ids_seen_by(Api(org.leader)) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "code", "named"),
    [
        ({"title": "  "}, "invalid", "title"),
        ({"body": ""}, "invalid", "body"),
        ({"title": "x" * 301}, "too_long", "title"),
        ({"body": "x" * 50_001}, "too_long", "body"),
        ({"units": ["MIN", "NOWHERE", "ELSEWHERE"]}, "invalid", "ELSEWHERE, NOWHERE"),
        ({"units": [f"U{n}" for n in range(201)]}, "invalid", "200"),
    ],
)
def test_bad_input_is_a_422_naming_the_problem_and_nothing_is_sent(
    org: Personas, changes: dict[str, Any], code: str, named: str
) -> None:
    status, body = Api(org.leader).post("/broadcasts", {**MESSAGE, **changes})
    assert status == 422, body
    assert body["code"] == code
    assert named in body["detail"]
    assert ids_seen_by(Api(org.drafter)) == []


@pytest.mark.django_db
def test_reading_twice_counts_once_and_leadership_sees_counts_per_unit_never_names(org: Personas) -> None:
    message = send(org)
    first = Api(org.drafter).ok("post", f"/broadcasts/{message['id']}/read")
    again = Api(org.drafter).ok("post", f"/broadcasts/{message['id']}/read")
    assert first == again
    Api(org.outsider).ok("post", f"/broadcasts/{message['id']}/read")
    Api(org.cosigner).ok("post", f"/broadcasts/{message['id']}/read")
    assert Read.objects.count() == 3
    assert [i["read"] for i in Api(org.drafter).ok("get", "/broadcasts")["items"]] == [True]
    assert [i["read"] for i in Api(org.office).ok("get", "/broadcasts")["items"]] == [False]

    counts = Api(org.leader).ok("get", f"/broadcasts/{message['id']}/reads")
    assert counts == {
        "total": 3,
        "units": [
            {"code": "NOR", "name": "Northern Bureau", "count": 2},
            {"code": "WAT", "name": "Water Bureau", "count": 1},
        ],
    }
    assert Api(org.drafter).get(f"/broadcasts/{message['id']}/reads")[0] == 404
    assert (
        not AuditEvent.objects.filter(action__startswith="broadcast.")
        .exclude(action="broadcast.sent")
        .exists()
    )


@pytest.mark.django_db
def test_sending_is_one_audit_event_that_names_the_message_not_its_words(org: Personas) -> None:
    message = send(org, units=["NOR", "WAT"])
    (event,) = AuditEvent.objects.filter(action="broadcast.sent")
    assert event.actor_id == org.leader.pk
    assert event.details == {
        "broadcast": message["id"],
        "to_all": False,
        "units": ["NOR", "WAT"],
        "memos": [],
    }
    assert MESSAGE["title"] not in str(event.details)


@pytest.mark.django_db
def test_my_list_costs_the_same_queries_for_one_message_or_many(org: Personas) -> None:
    memo_id = submitted(org)
    api = Api(org.drafter)
    api.ok("get", "/broadcasts")  # the token's first use also records its use
    send(org, memo_ids=[memo_id])
    one = queries_for(lambda: api.ok("get", "/broadcasts"))
    for n in range(5):
        send(org, units=["NOR"], title=f"Message {n}", memo_ids=[memo_id])
    assert len(api.ok("get", "/broadcasts")["items"]) == 6
    assert queries_for(lambda: api.ok("get", "/broadcasts")) == one
