"""The office is warned before a deadline and leadership is told once it has passed — once each."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from dissent.channel.sweeps import sweep_deadlines
from dissent.notify.models import Notification
from tests.channel.helpers import Api, new_memo
from tests.conftest import Personas

NEW_YORK = ZoneInfo("America/New_York")
MONDAY_NOON = datetime.fromisoformat("2026-11-30T12:00:00-05:00")


def kinds_for(email: str) -> list[str]:
    return sorted(
        Notification.objects.filter(user__email=email, kind__startswith="deadline.").values_list(
            "kind", flat=True
        )
    )


def test_warnings_then_escalation_each_sent_once(org: Personas) -> None:
    drafter, office = Api(org.drafter), Api(org.office)
    with time_machine.travel(datetime.fromisoformat("2026-11-27T10:00:00-05:00"), tick=False):  # Friday
        memo = new_memo(drafter)
        drafter.ok("post", f"/memos/{memo['id']}/submit")  # acknowledge by end of Tuesday 1 Dec

    assert sweep_deadlines(now=datetime.fromisoformat("2026-11-27T12:00:00-05:00")).warned == 0
    first = sweep_deadlines(now=MONDAY_NOON)
    assert (first.warned, first.escalated) == (1, 0)
    assert sweep_deadlines(now=MONDAY_NOON).warned == 0, "a warning is sent once"
    assert kinds_for("office@example.org") == ["deadline.acknowledge_soon"]
    assert kinds_for("drafter@example.org") == []

    late = sweep_deadlines(now=datetime.fromisoformat("2026-12-02T08:00:00-05:00"))
    assert late.escalated == 1
    assert kinds_for("leader@example.org") == ["deadline.acknowledge_overdue"]
    assert sweep_deadlines(now=datetime.fromisoformat("2026-12-03T08:00:00-05:00")).escalated == 0

    with time_machine.travel(datetime.fromisoformat("2026-12-03T09:00:00-05:00"), tick=False):
        office.ok("post", f"/memos/{memo['id']}/acknowledge")
    assert sweep_deadlines(now=datetime.fromisoformat("2026-12-04T09:00:00-05:00")).warned == 0


def test_an_extension_rearms_the_response_warnings(org: Personas) -> None:
    drafter, office = Api(org.drafter), Api(org.office)
    with time_machine.travel(datetime.fromisoformat("2026-11-02T10:00:00-05:00"), tick=False):
        memo = new_memo(drafter)
        drafter.ok("post", f"/memos/{memo['id']}/submit")
        office.ok("post", f"/memos/{memo['id']}/acknowledge")
    due = datetime.fromisoformat(office.ok("get", f"/memos/{memo['id']}")["response_due"]).astimezone(
        NEW_YORK
    )
    assert sweep_deadlines(now=due.replace(hour=10)).warned == 1
    with time_machine.travel(due.replace(hour=11), tick=False):
        office.ok("post", f"/memos/{memo['id']}/extend", {"reason": "Waiting for the posts' views."})
    assert sweep_deadlines(now=due.replace(hour=12)).warned == 0, "the new deadline is far away"
