"""Who sees which memo page, and which forms policy gives each of them.

Every memo URL is tried by the outsider (and the auditor, who is no party to memos): a 404,
the same as for a memo that does not exist, and nothing changes.
"""

from __future__ import annotations

import pytest

from dissent.audit.models import AuditEvent
from dissent.channel import services
from dissent.channel.models import Memo
from dissent.people.models import User
from tests.conftest import Personas, logged_in
from tests.web.helpers import MEMO, draft, page_without, responded, sees, submitted


@pytest.fixture(autouse=True)
def everyone_reads_english(org: Personas) -> None:
    """These tests look for English labels; the co-signer persona normally reads Chinese."""
    User.objects.filter(pk=org.cosigner.pk).update(language="en")


PAGES = [
    "/memos/{id}/",
    "/memos/{id}/versions/",
    "/memos/{id}/versions/?a=1&b=1",
    "/memos/{id}/edit/",
    "/memos/{id}/signers/",
    "/memos/{id}/signers/?state=maybe&page=x",
]
ACTIONS = {
    "drafters": {"email": "office@example.org"},
    "submit": {},
    "withdraw": {},
    "acknowledge": {},
    "extend": {"reason": "More time."},
    "reroute": {"channel": "hr", "note": "Personnel matter."},
    "readers": {"email": "auditor@example.org", "reason": "Oversight."},
    "respond": {
        "body": "Answer.",
        "outcome_1": "accepted",
        "text_1": "Yes.",
        "outcome_2": "declined",
        "text_2": "No.",
    },
    "reply": {"body": "Thanks."},
    "close": {},
    "messages": {"body": "Hello."},
}
NOBODY = ("outsider", "auditor")


def state(memo_id: str) -> tuple[str, int, int]:
    memo = Memo.objects.get(public_id=memo_id)
    return memo.status, memo.current_version.number, memo.messages.count()  # type: ignore[union-attr]


@pytest.mark.parametrize("persona", NOBODY)
@pytest.mark.parametrize("url", PAGES)
def test_an_outsider_gets_404_for_every_memo_page(org: Personas, persona: str, url: str) -> None:
    client = logged_in(getattr(org, persona))
    for memo_id in (draft(org), submitted(org), responded(org)):
        response = client.get(url.format(id=memo_id))
        assert response.status_code == 404
        assert "nothing you may see" in response.content.decode()


@pytest.mark.parametrize("persona", NOBODY)
@pytest.mark.parametrize("action", ACTIONS)
def test_an_outsider_gets_404_for_every_action_and_nothing_changes(
    org: Personas, persona: str, action: str
) -> None:
    client = logged_in(getattr(org, persona))
    for memo_id in (draft(org), submitted(org), responded(org)):
        before = state(memo_id)
        response = client.post(f"/memos/{memo_id}/{action}/", ACTIONS[action])
        assert response.status_code == 404
        assert state(memo_id) == before


def test_a_memo_that_does_not_exist_looks_the_same_as_a_hidden_one(org: Personas) -> None:
    client = logged_in(org.outsider)
    memo_id = submitted(org)
    hidden = client.get(f"/memos/{memo_id}/")
    missing = client.get("/memos/0123456789abcdef/")
    assert missing.status_code == hidden.status_code == 404
    assert page_without(hidden, memo_id) == page_without(missing, "0123456789abcdef")


def test_memo_pages_ask_a_visitor_to_log_in(org: Personas, client) -> None:
    response = client.get(f"/memos/{submitted(org)}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_actions_only_answer_posts(org: Personas) -> None:
    memo_id = draft(org)
    assert logged_in(org.drafter).get(f"/memos/{memo_id}/submit/").status_code == 405
    assert state(memo_id)[0] == "draft"


@pytest.mark.parametrize(
    ("persona", "sees_draft", "sees_submitted"),
    [
        ("drafter", True, True),
        ("cosigner", True, True),  # the co-drafter
        ("office", False, True),
        ("office_head", False, True),
        ("leader", False, True),  # the standing distribution
        ("agency_head", False, True),  # heads the Aid Agency, where the co-drafter works
        ("auditor", False, False),
        ("outsider", False, False),
    ],
)
def test_who_may_open_a_memo_follows_the_policy(
    org: Personas, persona: str, sees_draft: bool, sees_submitted: bool
) -> None:
    client = logged_in(getattr(org, persona))
    assert client.get(f"/memos/{draft(org)}/").status_code == (200 if sees_draft else 404)
    assert client.get(f"/memos/{submitted(org)}/").status_code == (200 if sees_submitted else 404)


def test_an_agency_head_sees_only_memos_drafted_in_another_agency(org: Personas) -> None:
    memo = services.create_memo(actor=org.drafter, **MEMO)  # the drafter works in the office's own ministry
    services.submit_memo(actor=org.drafter, memo_id=memo.public_id)
    assert logged_in(org.agency_head).get(f"/memos/{memo.public_id}/").status_code == 404
    assert logged_in(org.leader).get(f"/memos/{memo.public_id}/").status_code == 200


def test_the_memo_page_shows_the_memo_as_written(org: Personas) -> None:
    memo_id = draft(
        org, body="## Background\n\nThe plan merges **three** programmes.\n\n<script>alert(1)</script>"
    )
    page = sees(org.drafter, f"/memos/{memo_id}/")
    assert MEMO["title"] in page
    assert MEMO["summary"] in page
    assert "<h3>Background</h3>" in page
    assert "<strong>three</strong>" in page
    assert "<script>alert" not in page
    assert '<ol class="recommendations">' in page
    assert "<li>Keep the rural programme separate.</li>" in page
    assert "<li>Publish the evaluation.</li>" in page
    assert "Version 1" in page
    assert Memo.objects.get(public_id=memo_id).current_version.sha256 in page  # type: ignore[union-attr]
    assert "Dana Drafter" in page
    assert "Cole Cosigner" in page
    assert "Development cooperation" in page


def test_opening_a_memo_is_recorded_as_a_read(org: Personas) -> None:
    memo_id = submitted(org)
    sees(org.leader, f"/memos/{memo_id}/")
    event = AuditEvent.objects.filter(action="memo.read", memo_id=memo_id, actor_id=org.leader.pk).get()
    assert event.details == {"via": "page", "version": 1}


def forms_on(user: User, memo_id: str) -> set[str]:
    """The action forms a person is offered on the memo page."""
    page = sees(user, f"/memos/{memo_id}/")
    labels = {
        "edit": "Edit the memo",
        "add_drafter": "Add a co-drafter",
        "submit": "Submit to the office",
        "withdraw": "Withdraw the memo",
        "acknowledge": "Acknowledge receipt",
        "extend": "Extend the response deadline",
        "reroute": "Re-route (out of scope)",
        "add_reader": "Add a reader",
        "respond": "Write the response",
        "reply": "Reply to the response",
        "close": "Close the memo",
        "message": 'name="body"',
        "meeting": "Propose a meeting",
        "thread": "Conversation with the office",
    }
    return {name for name, label in labels.items() if label in page}


def test_drafters_may_edit_add_a_co_drafter_and_submit_a_draft(org: Personas) -> None:
    memo_id = draft(org)
    for drafter in (org.drafter, org.cosigner):
        assert forms_on(drafter, memo_id) == {"edit", "add_drafter", "submit", "withdraw"}, (
            "no conversation before the office has the memo"
        )


def test_once_submitted_drafters_may_withdraw_and_talk_to_the_office(org: Personas) -> None:
    memo_id = submitted(org)
    for drafter in (org.drafter, org.cosigner):
        assert forms_on(drafter, memo_id) == {"withdraw", "thread", "message"}


def test_the_office_acknowledges_extends_reroutes_responds_and_proposes_meetings(org: Personas) -> None:
    assert forms_on(org.office, submitted(org)) == {
        "acknowledge",
        "extend",
        "reroute",
        "respond",
        "thread",
        "message",
        "meeting",
    }


def test_only_the_office_head_adds_readers(org: Personas) -> None:
    memo_id = submitted(org)
    assert "add_reader" in forms_on(org.office_head, memo_id)
    assert "add_reader" not in forms_on(org.office, memo_id)


@pytest.mark.parametrize("persona", ["leader", "agency_head"])
def test_readers_outside_the_office_read_but_neither_act_nor_see_the_conversation(
    org: Personas, persona: str
) -> None:
    assert forms_on(getattr(org, persona), submitted(org)) == set()
    assert forms_on(getattr(org, persona), responded(org)) == set()


def test_after_the_response_drafters_may_reply_once_and_the_office_may_close(org: Personas) -> None:
    memo_id = responded(org)
    assert forms_on(org.drafter, memo_id) == {"reply", "thread", "message"}
    assert forms_on(org.office, memo_id) == {"close", "thread", "message", "meeting"}


def test_a_closed_memo_offers_no_actions_but_the_office_head_may_still_add_readers(org: Personas) -> None:
    memo_id = responded(org)
    services.close_memo(actor=org.office, memo_id=memo_id)
    assert forms_on(org.drafter, memo_id) == {"thread"}
    assert forms_on(org.office, memo_id) == {"thread"}
    assert forms_on(org.office_head, memo_id) == {"thread", "add_reader"}


@pytest.mark.parametrize(
    ("persona", "action"),
    [
        ("leader", "acknowledge"),
        ("agency_head", "close"),
        ("drafter", "acknowledge"),
        ("cosigner", "extend"),
        ("office", "withdraw"),
        ("office", "reply"),
        ("office", "readers"),
        ("leader", "messages"),
    ],
)
def test_an_action_policy_does_not_allow_is_refused_and_changes_nothing(
    org: Personas, persona: str, action: str
) -> None:
    memo_id = responded(org) if action in {"close", "reply"} else submitted(org)
    before = state(memo_id)
    response = logged_in(getattr(org, persona)).post(
        f"/memos/{memo_id}/{action}/", ACTIONS[action], follow=True
    )
    page = response.content.decode()
    assert response.status_code in (200, 403)
    assert 'class="error"' in page or 'role="alert"' in page, "the refusal is shown"
    assert state(memo_id) == before
