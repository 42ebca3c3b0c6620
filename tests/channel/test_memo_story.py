"""The reference case, end to end: a memo drafted across agencies, answered on deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail

from dissent.audit.models import AuditEvent
from dissent.channel.models import Memo, Transition
from dissent.notify.models import Notification
from tests.channel.helpers import MEMO, Api, new_memo
from tests.conftest import Personas


@pytest.fixture
def api(org: Personas) -> dict[str, Api]:
    return {
        name: Api(getattr(org, name))
        for name in (
            "drafter",
            "cosigner",
            "office",
            "office_head",
            "leader",
            "agency_head",
            "outsider",
            "auditor",
        )
    }


@time_machine.travel(datetime.fromisoformat("2026-11-27T22:30:00+00:00"))  # a Friday evening
def test_a_memo_goes_from_draft_to_closed(org: Personas, api: dict[str, Api]) -> None:
    memo = new_memo(api["drafter"])
    assert memo["status"] == "draft"
    assert memo["version"]["number"] == 1
    assert len(memo["version"]["sha256"]) == 64
    assert memo["recommendations"] == [
        {"number": 1, "text": "Keep the rural programme separate."},
        {"number": 2, "text": "Publish the evaluation."},
    ]
    mid = memo["id"]
    api["drafter"].ok("post", f"/memos/{mid}/drafters", {"email": "cosigner@example.org"})

    submitted = api["cosigner"].ok("post", f"/memos/{mid}/submit")
    assert submitted["status"] == "submitted"
    # 2 working days from Friday in New York: Monday 30 Nov, Tuesday 1 Dec, end of day local time.
    assert datetime.fromisoformat(submitted["acknowledge_due"]) == datetime.fromisoformat(
        "2026-12-01T23:59:59.999999-05:00"
    )

    ack = api["office"].ok("post", f"/memos/{mid}/acknowledge")
    assert ack["status"] == "acknowledged"
    extended = api["office"].ok("post", f"/memos/{mid}/extend", {"reason": "Consultation with the posts."})
    assert extended["extended"] is True
    assert extended["response_due"] > submitted["response_due"]
    assert api["drafter"].ok("get", f"/memos/{mid}")["extension_reason"] == "Consultation with the posts."

    api["office"].ok("post", f"/memos/{mid}/messages", {"body": "Could you say more about the rural sites?"})
    api["drafter"].ok("post", f"/memos/{mid}/messages", {"body": "Yes: see the annex."})
    thread = api["cosigner"].ok("get", f"/memos/{mid}/messages")
    assert [m["body"] for m in thread["items"]] == [
        "Could you say more about the rural sites?",
        "Yes: see the annex.",
    ]

    response = api["office"].ok(
        "post",
        f"/memos/{mid}/response",
        {
            "body": "Thank you for the memo.",
            "recommendations": [
                {"number": 1, "outcome": "partly_accepted", "text": "Kept separate for two years."},
                {"number": 2, "outcome": "accepted", "text": "Published next month."},
            ],
        },
    )
    assert response["status"] == "responded"
    assert [r["outcome"] for r in response["response"]["recommendations"]] == ["partly_accepted", "accepted"]

    closed = api["drafter"].ok("post", f"/memos/{mid}/reply", {"body": "Thank you."})
    assert closed["status"] == "closed"
    assert list(Transition.objects.filter(memo__public_id=mid).values_list("to_status", flat=True)) == [
        "submitted",
        "acknowledged",
        "responded",
        "closed",
    ]


def test_editing_makes_a_new_version_with_a_new_hash(api: dict[str, Api]) -> None:
    memo = new_memo(api["drafter"])
    edited = api["drafter"].ok("patch", f"/memos/{memo['id']}", {"title": "A clearer title"})
    assert edited["version"]["number"] == 2
    assert edited["version"]["sha256"] != memo["version"]["sha256"]
    assert edited["body"] == memo["body"]
    same = api["drafter"].ok("patch", f"/memos/{memo['id']}", {"title": "A clearer title"})
    assert same["version"]["number"] == 2, "identical text makes no new version"


def test_the_same_words_typed_differently_hash_the_same(api: dict[str, Api]) -> None:
    a = new_memo(api["drafter"], body="Cafe\u0301 policy\r\nline two")
    mid = a["id"]
    b = api["drafter"].ok("patch", f"/memos/{mid}", {"body": "Café policy\nline two"})
    assert b["version"]["number"] == 1


def test_submission_notifies_the_receiving_parties_without_content(
    org: Personas, api: dict[str, Api], django_capture_on_commit_callbacks: Any
) -> None:
    memo = new_memo(api["drafter"])
    with django_capture_on_commit_callbacks(execute=True):
        api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    notified = set(Notification.objects.filter(kind="memo.submitted").values_list("user__email", flat=True))
    assert notified == {"office@example.org", "office.head@example.org", "leader@example.org"}
    assert "aid.head@example.org" not in notified, "the drafter's agency is the office's own"
    assert mail.outbox, "e-mails were sent"
    for message in mail.outbox:
        assert str(MEMO["title"]) not in f"{message.subject} {message.body}"
        assert "rural" not in message.body
        assert "/inbox/" in message.body


def test_the_head_of_another_agency_receives_memos_from_its_staff(org: Personas, api: dict[str, Api]) -> None:
    memo = new_memo(api["cosigner"])  # the co-signer works in the Aid Agency
    assert api["agency_head"].get(f"/memos/{memo['id']}")[0] == 404
    api["cosigner"].ok("post", f"/memos/{memo['id']}/submit")
    assert api["agency_head"].get(f"/memos/{memo['id']}")[0] == 200


def test_every_read_of_content_is_audited(org: Personas, api: dict[str, Api]) -> None:
    memo = new_memo(api["drafter"])
    api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    before = AuditEvent.objects.filter(action="memo.read", memo_id=memo["id"], actor_id=org.leader.pk).count()
    api["leader"].ok("get", f"/memos/{memo['id']}")
    api["leader"].ok("get", "/memos")
    after = AuditEvent.objects.filter(action="memo.read", memo_id=memo["id"], actor_id=org.leader.pk)
    assert after.count() == before + 2
    assert {e.details["via"] for e in after} == {"api", "api.list"}


def test_the_office_queue_puts_the_most_urgent_first(org: Personas, api: dict[str, Api]) -> None:
    with time_machine.travel(datetime.fromisoformat("2026-11-02T15:00:00+00:00"), tick=False):
        early = new_memo(api["drafter"], title="Early")
        api["drafter"].ok("post", f"/memos/{early['id']}/submit")
    with time_machine.travel(datetime.fromisoformat("2026-11-20T15:00:00+00:00"), tick=False):
        late = new_memo(api["drafter"], title="Late")
        api["drafter"].ok("post", f"/memos/{late['id']}/submit")
        api["office"].ok("post", f"/memos/{early['id']}/acknowledge")
        queue = api["office"].ok("get", "/office/queue")
    assert [i["title"] for i in queue["items"]] == ["Late", "Early"]
    assert queue["items"][0]["due_kind"] == "acknowledge"
    assert queue["items"][1]["due_kind"] == "response"
    assert api["drafter"].get("/office/queue")[0] == 404


def test_stored_content_is_sealed(org: Personas, api: dict[str, Api]) -> None:
    memo = new_memo(api["drafter"], body="A unique phrase: periwinkle-sextant-4471")
    row = Memo.objects.get(public_id=memo["id"])
    assert b"periwinkle" not in bytes(row.current_version.content)  # type: ignore[union-attr]
