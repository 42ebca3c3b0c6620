"""My memos: what a person drafted or may read, with status and deadlines, in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime

import time_machine

from dissent.audit.models import AuditEvent
from dissent.channel import services
from tests.conftest import Personas, logged_in, queries_for
from tests.web.helpers import MEMO, draft, sees, submitted


def test_a_drafter_sees_their_memos_with_status_and_the_deadline_once_submitted(org: Personas) -> None:
    with time_machine.travel(datetime.fromisoformat("2026-11-27T22:30:00+00:00"), tick=False):
        draft(org, title="Still a draft")
        submitted(org, title="Sent to the office")
        page = sees(org.drafter, "/memos/")
    assert "Still a draft" in page
    assert "Sent to the office" in page
    assert '<span class="status status-draft">Draft</span>' in page
    assert '<span class="status status-submitted">Submitted</span>' in page
    assert "Acknowledge by" in page
    assert "Dec. 1, 2026" in page
    assert "2 working days left" in page
    assert page.count("Drafter</td>") == 2


def test_the_office_sees_submitted_memos_but_not_drafts(org: Personas) -> None:
    draft(org, title="Still a draft")
    submitted(org, title="Sent to the office")
    page = sees(org.office, "/memos/")
    assert "Sent to the office" in page
    assert "Still a draft" not in page
    assert "Recipient</td>" in page


def test_an_outsider_sees_no_memos_and_no_way_to_start_one(org: Personas) -> None:
    draft(org)
    submitted(org)
    page = sees(org.outsider, "/memos/")
    assert MEMO["title"] not in page
    assert "There are no memos for you yet." in page
    assert "/memos/new/" not in page
    assert "/memos/new/" in sees(org.drafter, "/memos/")


def test_showing_the_list_records_a_read_of_each_memo_shown(org: Personas) -> None:
    shown = {submitted(org), submitted(org)}
    sees(org.leader, "/memos/")
    events = AuditEvent.objects.filter(action="memo.read", actor_id=org.leader.pk)
    assert {e.memo_id for e in events} == shown
    assert all(e.details == {"via": "page.list", "shown": "title"} for e in events)


def test_the_list_costs_the_same_number_of_queries_for_3_or_30_memos(org: Personas) -> None:
    client = logged_in(org.office)
    for _ in range(3):
        submitted(org)
    client.get("/memos/")  # the first request of a session also saves the session
    few = queries_for(lambda: client.get("/memos/"))
    for _ in range(22):
        memo = services.create_memo(actor=org.cosigner, **MEMO)
        services.submit_memo(actor=org.cosigner, memo_id=memo.public_id)
    page = ""

    def fetch() -> None:
        nonlocal page
        page = client.get("/memos/").content.decode()

    assert queries_for(fetch) == few
    assert page.count("Recipient</td>") == 25, "one full page"


def test_long_lists_are_paged(org: Personas) -> None:
    for n in range(27):
        services.create_memo(actor=org.drafter, **{**MEMO, "title": f"Memo number {n}"})
    first = sees(org.drafter, "/memos/")
    second = sees(org.drafter, "/memos/?page=2")
    assert "Memo number 26" in first
    assert "Memo number 0" in second
    assert "Page 2 of 2" in second
