"""The office's queue: what awaits it, most urgent first, overdue memos marked so nobody misses them."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from dissent.channel import services
from tests.conftest import Personas, logged_in, queries_for
from tests.web.helpers import MEMO, draft, responded, sees, submitted


def at(moment: str) -> time_machine.travel:
    return time_machine.travel(datetime.fromisoformat(moment), tick=False)


def test_the_most_urgent_memo_comes_first_and_overdue_ones_are_marked(org: Personas) -> None:
    with at("2026-11-02T15:00:00+00:00"):
        early = submitted(org, title="Early memo")
    with at("2026-11-20T15:00:00+00:00"):
        late = submitted(org, title="Late memo")
        services.acknowledge_memo(actor=org.office, memo_id=early)
    with at("2026-11-27T15:00:00+00:00"):
        page = sees(org.office, "/office/")
    assert page.index("Late memo") < page.index("Early memo"), "its acknowledgement was due first"
    assert "Overdue by 2 working days" in page, "Wednesday and Friday: Thanksgiving is no working day"
    assert '<tr class="overdue">' in page
    assert f"/memos/{late}/" in page
    assert "Respond by" in page
    assert "Acknowledge by" in page


def test_the_queue_holds_only_memos_awaiting_the_office(org: Personas) -> None:
    draft(org, title="A draft")
    responded(org)
    waiting = submitted(org, title="Waiting memo")
    page = sees(org.office_head, "/office/")
    assert "Waiting memo" in page
    assert f"/memos/{waiting}/" in page
    assert "A draft" not in page
    assert page.count("<tr") == 2, "a header and one memo"


def test_an_empty_queue_says_so(org: Personas) -> None:
    assert "Nothing awaits the office." in sees(org.office, "/office/")


@pytest.mark.parametrize("persona", ["drafter", "cosigner", "leader", "agency_head", "auditor", "outsider"])
def test_the_queue_is_a_404_outside_the_office(org: Personas, persona: str) -> None:
    submitted(org)
    response = logged_in(getattr(org, persona)).get("/office/")
    assert response.status_code == 404
    assert MEMO["title"] not in response.content.decode()


def test_only_the_office_has_the_queue_in_its_navigation(org: Personas) -> None:
    assert 'href="/office/"' in sees(org.office, "/memos/")
    assert 'href="/office/"' not in sees(org.leader, "/memos/")


def test_the_queue_costs_the_same_number_of_queries_for_2_or_20_memos(org: Personas) -> None:
    client = logged_in(org.office)
    for _ in range(2):
        submitted(org)
    client.get("/office/")  # the first request of a session also saves the session
    few = queries_for(lambda: client.get("/office/"))
    for _ in range(18):
        submitted(org)
    page = ""

    def fetch() -> None:
        nonlocal page
        page = client.get("/office/").content.decode()

    assert queries_for(fetch) == few
    assert page.count("working days left") == 20
