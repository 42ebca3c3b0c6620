"""GET /memos and the office queue: memos in full, for a fixed number of queries, one audited read each.

A page's cost does not grow with its memos, nor with how many versions they have: the longer
pages here add memos at version 3, a version number the short pages do not show.
"""

from __future__ import annotations

from typing import Any

import pytest

from dissent.audit.models import AuditEvent
from dissent.channel import services
from tests.channel.helpers import Api, new_memo
from tests.conftest import Personas, queries_for
from tests.signing.helpers import circulating_memo, sign


@pytest.fixture
def three(org: Personas) -> list[str]:
    """One memo of each kind the list must open: every related row memo_view shows is present."""
    drafter, office = Api(org.drafter), Api(org.office)
    edited = new_memo(drafter)
    drafter.ok("patch", f"/memos/{edited['id']}", {"title": "A second version"})
    drafter.ok("post", f"/memos/{edited['id']}/submit")  # open: working days left
    signed = circulating_memo(drafter, invite=["cosigner@example.org"])
    assert sign(Api(org.cosigner), signed)[0] == 201  # a tally per unit
    answered = new_memo(drafter)
    mid = answered["id"]
    drafter.ok("post", f"/memos/{mid}/drafters", {"email": "cosigner@example.org"})
    drafter.ok("post", f"/memos/{mid}/submit")
    office.ok("post", f"/memos/{mid}/acknowledge")
    office.ok("post", f"/memos/{mid}/extend", {"reason": "Consultation with the posts."})
    Api(org.office_head).ok(
        "post", f"/memos/{mid}/readers", {"email": "leader@example.org", "reason": "Policy"}
    )
    office.ok(
        "post",
        f"/memos/{mid}/response",
        {
            "body": "Our answer.",
            "recommendations": [
                {"number": 1, "outcome": "accepted", "text": "Agreed."},
                {"number": 2, "outcome": "declined", "text": "Not now."},
            ],
        },
    )
    return [edited["id"], signed["id"], mid]


def more_memos(org: Personas, count: int) -> None:
    for n in range(count):
        memo = services.create_memo(
            actor=org.drafter, title=f"Memo {n}", summary="", body="Text.", recommendations=["Act."]
        )
        if n % 3 == 2:
            for title in ("Edited once", "Edited twice"):
                services.edit_memo(actor=org.drafter, memo_id=memo.public_id, title=title)
        if n % 2:
            services.submit_memo(actor=org.drafter, memo_id=memo.public_id)


@pytest.mark.parametrize(
    ("persona", "path", "before", "after", "listed"),
    [("drafter", "/memos", 0, 27, 30), ("office", "/office/queue", 2, 26, 15)],
)
def test_a_list_costs_the_same_number_of_queries_for_few_or_many_memos(
    org: Personas, three: list[str], persona: str, path: str, before: int, after: int, listed: int
) -> None:
    api = Api(getattr(org, persona))
    more_memos(org, before)
    few = queries_for(lambda: api.ok("get", path))
    more_memos(org, after)
    page: dict[str, Any] = {}

    def fetch() -> None:
        page.update(api.ok("get", path))

    many = queries_for(fetch)
    assert page["count"] == len(page["items"]) == listed
    assert many == few


def test_each_listed_memo_is_read_once_with_the_version_shown(org: Personas, three: list[str]) -> None:
    more_memos(org, 4)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    items = Api(org.drafter).ok("get", "/memos")["items"]
    events = AuditEvent.objects.filter(pk__gt=before)
    assert sorted(e.memo_id for e in events) == sorted(i["id"] for i in items)
    versions = {i["id"]: i["version"]["number"] for i in items}
    for event in events:
        assert event.actor_id == org.drafter.pk
        assert event.action == "memo.read"
        assert event.object_type == "channel.memo"
        assert event.details == {"via": "api.list", "version": versions[event.memo_id]}
    assert versions[three[0]] == 2


@pytest.mark.parametrize("persona", ["drafter", "cosigner", "office", "office_head", "leader"])
def test_a_listed_memo_is_what_opening_it_shows(org: Personas, three: list[str], persona: str) -> None:
    reader = Api(getattr(org, persona))
    items = reader.ok("get", "/memos")["items"]
    assert items, persona
    for item in items:
        assert item == reader.ok("get", f"/memos/{item['id']}"), (persona, item["id"])


def test_the_list_narrows_to_a_status_and_names_the_statuses_when_asked_for_another(
    org: Personas, three: list[str]
) -> None:
    drafter = Api(org.drafter)
    submitted = drafter.ok("get", "/memos?status=submitted")
    assert [item["id"] for item in submitted["items"]] == [three[0]]
    assert submitted["count"] == 1
    assert drafter.ok("get", "/memos?status=")["count"] == 3
    status, body = drafter.get("/memos?status=maybe")
    assert (status, body["code"]) == (422, "invalid")
    assert "draft, circulating, submitted" in body["detail"]
