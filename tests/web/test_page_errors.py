"""Refusals become pages a person understands: a 404, a reason beside the form, or a message. Never a 500."""

from __future__ import annotations

import pytest

from dissent.channel.models import Memo
from tests.conftest import Personas, logged_in
from tests.web.helpers import responded, submitted
from tests.web.test_memo_pages import ACTIONS

GARBAGE = {
    "email": "not an address",
    "reason": "x" * 60_000,
    "channel": "nowhere",
    "note": "",
    "body": "\x00",
    "outcome_1": "maybe",
    "text_1": "",
    "meeting_1": "next tuesday",
}


# Buttons with nothing to type answer with a redirect to the memo (done, or refused with a
# message); forms that need input answer 422 with the reason beside the form.
NEEDS_INPUT = frozenset(action for action, data in ACTIONS.items() if data)
# The only (persona, memo status, action) that change a memo when posted with no usable input.
CHANGES = {
    ("drafter", "submitted", "withdraw"): "withdrawn",
    ("office", "submitted", "acknowledge"): "acknowledged",
    ("office_head", "submitted", "acknowledge"): "acknowledged",
    ("office", "responded", "close"): "closed",
    ("office_head", "responded", "close"): "closed",
}


def footprint(memo_id: str) -> tuple[str, int, int, int, int]:
    """What any action could leave behind: status, versions, drafters, readers, messages."""
    memo = Memo.objects.get(public_id=memo_id)
    return (
        memo.status,
        memo.versions.count(),
        memo.drafters.count(),
        memo.readers.count(),
        memo.messages.count(),
    )


@pytest.mark.parametrize("persona", ["drafter", "office", "office_head", "leader"])
@pytest.mark.parametrize("data", [{}, GARBAGE], ids=["empty", "garbage"])
@pytest.mark.parametrize("start", ["submitted", "responded"])
def test_no_input_to_any_action_is_a_server_error(
    org: Personas, persona: str, data: dict[str, str], start: str
) -> None:
    """Each action posted alone to a fresh memo: the answer and the memo's end state are the
    ones this table expects, and a refused form leaves nothing behind."""
    client = logged_in(getattr(org, persona))
    for action in ACTIONS:
        memo_id = submitted(org) if start == "submitted" else responded(org)
        before = footprint(memo_id)
        response = client.post(f"/memos/{memo_id}/{action}/", data)
        expected = CHANGES.get((persona, start, action), start)
        code = 422 if action in NEEDS_INPUT else 302
        assert (response.status_code, Memo.objects.get(public_id=memo_id).status) == (code, expected), action
        if code == 422:
            assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
            assert footprint(memo_id) == before, action


def test_a_refusal_no_form_can_show_is_a_message_on_the_memo_page(org: Personas) -> None:
    memo_id = submitted(org)
    client = logged_in(org.leader)
    response = client.post(f"/memos/{memo_id}/acknowledge/")
    assert response.status_code == 302
    assert response["Location"] == f"/memos/{memo_id}/"
    page = client.get(response["Location"]).content.decode()
    assert '<li class="error">Only the receiving office may acknowledge a memo.</li>' in page


def test_a_refused_form_the_page_does_not_offer_is_reported_at_the_top(org: Personas) -> None:
    memo_id = submitted(org)
    response = logged_in(org.leader).post(f"/memos/{memo_id}/extend/", {"reason": "Because."})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Only the receiving office may extend a deadline." in page
    assert page.index('role="alert"') < page.index("<h1>")


def test_an_htmx_request_that_is_refused_loads_the_memo_page_instead_of_a_fragment(org: Personas) -> None:
    memo_id = submitted(org)
    response = logged_in(org.drafter).post(
        f"/memos/{memo_id}/edit/", {"title": "x", "add_recommendation": "1"}, headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == f"/memos/{memo_id}/"
