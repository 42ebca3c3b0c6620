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


@pytest.mark.parametrize("persona", ["drafter", "office", "office_head", "leader"])
@pytest.mark.parametrize("data", [{}, GARBAGE], ids=["empty", "garbage"])
def test_no_input_to_any_action_is_a_server_error(org: Personas, persona: str, data: dict[str, str]) -> None:
    client = logged_in(getattr(org, persona))
    for memo_id in (submitted(org), responded(org)):
        before = Memo.objects.get(public_id=memo_id).status
        for action in ACTIONS:
            response = client.post(f"/memos/{memo_id}/{action}/", data)
            assert response.status_code < 500, (action, response.status_code)
            if response.status_code == 422:
                assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
        assert Memo.objects.get(public_id=memo_id).status in {before, "withdrawn", "acknowledged", "closed"}


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
