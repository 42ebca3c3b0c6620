"""Writing, editing and moving a memo through its life from its page, with and without htmx."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import time_machine
from django.test import Client

from dissent.channel import services
from dissent.channel.models import Memo, Message, Reader, Response
from tests.conftest import Personas, logged_in
from tests.web.helpers import MEMO, draft, responded, sees, submitted

NEW: dict[str, Any] = {
    "title": "Reconsider the consolidation of regional water programmes",
    "policy_area": "Development cooperation",
    "summary": "Merging the programmes risks the rural sites.",
    "body": "## Background\n\nThe plan merges **three** programmes.",
    "recommendation": ["Keep the rural programme separate.", "", "Publish the evaluation."],
}
HTMX = {"HX-Request": "true"}


def status_of(memo_id: str) -> str:
    return Memo.objects.get(public_id=memo_id).status


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> str:
    """The page a person lands on after sending a form."""
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_drafter_writes_a_memo_and_lands_on_its_page(org: Personas) -> None:
    client = logged_in(org.drafter)
    response = client.post("/memos/new/", NEW)
    memo = Memo.objects.get()
    assert response["Location"] == f"/memos/{memo.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "Your draft is saved" in page
    assert "<strong>three</strong>" in page
    assert "<li>Keep the rural programme separate.</li><li>Publish the evaluation.</li>" in page, (
        "the empty field between them is ignored"
    )
    assert "Draft" in page


def test_a_refused_memo_comes_back_with_what_was_typed_and_the_reason(org: Personas) -> None:
    response = logged_in(org.drafter).post("/memos/new/", {**NEW, "body": "   "})
    page = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in page
    assert NEW["title"] in page
    assert "Publish the evaluation." in page
    assert not Memo.objects.exists()


def test_too_many_characters_are_refused_by_the_service_with_its_reason(org: Personas) -> None:
    response = logged_in(org.drafter).post("/memos/new/", {**NEW, "recommendation": ["x" * 5_001]})
    assert response.status_code == 422
    assert "recommendation 1 is 5,001 characters long" in response.content.decode()
    assert not Memo.objects.exists()


def test_another_recommendation_field_is_added_without_javascript(org: Personas) -> None:
    client = logged_in(org.drafter)
    assert client.get("/memos/new/").content.decode().count('name="recommendation"') == 3
    response = client.post("/memos/new/", {**NEW, "add_recommendation": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('name="recommendation"') == 4, "three fields, one more"
    assert 'id="memo-recommendation-3" name="recommendation"' in page
    assert 'aria-describedby="recommendations-help" autofocus' in page, "the first empty field has the focus"
    assert "Publish the evaluation.</textarea>" in page
    assert NEW["title"] in page
    assert not Memo.objects.exists(), "adding a field saves nothing"


def test_with_htmx_adding_a_recommendation_returns_only_the_list(org: Personas) -> None:
    response = logged_in(org.drafter).post("/memos/new/", {**NEW, "add_recommendation": "1"}, headers=HTMX)
    page = response.content.decode()
    assert page.startswith('<fieldset id="recommendations"')
    assert "<html" not in page
    assert page.count('name="recommendation"') == 4


def test_a_person_not_eligible_cannot_start_a_memo(org: Personas) -> None:
    client = logged_in(org.outsider)
    assert "You are not eligible" in client.get("/memos/new/").content.decode()
    response = client.post("/memos/new/", NEW)
    assert response.status_code == 403
    assert "not eligible" in response.content.decode()
    assert not Memo.objects.exists()


def test_editing_saves_a_new_version_and_keeps_the_old(org: Personas) -> None:
    memo_id = draft(org)
    client = logged_in(org.cosigner)
    form = client.get(f"/memos/{memo_id}/edit/").content.decode()
    assert MEMO["body"] in form
    assert "Publish the evaluation." in form
    data = {**NEW, "title": "A clearer title", "recommendation": MEMO["recommendations"]}
    page = post(client, f"/memos/{memo_id}/edit/", data)
    assert "A clearer title" in page
    assert Memo.objects.get(public_id=memo_id).versions.count() == 2


def test_saving_the_same_text_makes_no_new_version(org: Personas) -> None:
    memo_id = draft(org)
    data = {**MEMO, "recommendation": MEMO["recommendations"]}
    page = post(logged_in(org.drafter), f"/memos/{memo_id}/edit/", data)
    assert "Nothing changed" in page
    assert Memo.objects.get(public_id=memo_id).versions.count() == 1


def test_a_submitted_memo_can_no_longer_be_edited(org: Personas) -> None:
    memo_id = submitted(org)
    for person in (org.drafter, org.office):
        page = post(logged_in(person), f"/memos/{memo_id}/edit/", {**NEW})
        assert "Only the drafters may edit a memo, and only before it is submitted." in page
        response = logged_in(person).get(f"/memos/{memo_id}/edit/")
        assert response["Location"] == f"/memos/{memo_id}/"
    assert Memo.objects.get(public_id=memo_id).versions.count() == 1


def test_a_drafter_adds_a_co_drafter_who_then_sees_the_draft(org: Personas) -> None:
    memo = services.create_memo(actor=org.drafter, **MEMO)
    page = post(
        logged_in(org.drafter), f"/memos/{memo.public_id}/drafters/", {"email": "cosigner@example.org"}
    )
    assert "Cole Cosigner is now a co-drafter." in page
    assert logged_in(org.cosigner).get(f"/memos/{memo.public_id}/").status_code == 200


def test_an_unknown_co_drafter_is_reported_beside_the_form(org: Personas) -> None:
    memo_id = draft(org)
    response = logged_in(org.drafter).post(f"/memos/{memo_id}/drafters/", {"email": "nobody@example.org"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "There is no active person with the e-mail address nobody@example.org." in page
    assert 'value="nobody@example.org"' in page
    assert "<details open>" in page, "the form is open to correct it"


def test_submitting_starts_the_deadline_clocks(org: Personas) -> None:
    memo_id = draft(org)
    with time_machine.travel(datetime.fromisoformat("2026-11-27T22:30:00+00:00"), tick=False):  # a Friday
        page = post(logged_in(org.drafter), f"/memos/{memo_id}/submit/")
    assert "The memo is submitted." in page
    assert status_of(memo_id) == "submitted"
    with time_machine.travel(datetime.fromisoformat("2026-11-30T15:00:00+00:00"), tick=False):  # Monday
        page = sees(org.drafter, f"/memos/{memo_id}/")
    assert "Acknowledge by" in page
    assert "Dec. 1, 2026, 11:59 p.m." in page, "end of Tuesday, New York time"
    assert "1 working day left" in page


def test_an_overdue_acknowledgement_is_marked_on_the_memo_page(org: Personas) -> None:
    with time_machine.travel(datetime.fromisoformat("2026-11-02T15:00:00+00:00"), tick=False):
        memo_id = submitted(org)
    with time_machine.travel(datetime.fromisoformat("2026-11-09T15:00:00+00:00"), tick=False):
        page = sees(org.office, f"/memos/{memo_id}/")
    assert "Overdue by 3 working days" in page


def test_the_office_acknowledges_and_the_drafters_see_it(org: Personas) -> None:
    memo_id = submitted(org)
    page = post(logged_in(org.office), f"/memos/{memo_id}/acknowledge/")
    assert "The memo is acknowledged" in page
    assert "Acknowledged" in sees(org.drafter, f"/memos/{memo_id}/")


def test_acknowledging_twice_is_refused_with_a_message(org: Personas) -> None:
    memo_id = submitted(org)
    services.acknowledge_memo(actor=org.office, memo_id=memo_id)
    page = post(logged_in(org.office_head), f"/memos/{memo_id}/acknowledge/")
    assert "cannot acknowledge a memo that is acknowledged" in page


def test_the_office_extends_once_and_the_drafters_read_why(org: Personas) -> None:
    memo_id = submitted(org)
    client = logged_in(org.office)
    page = post(client, f"/memos/{memo_id}/extend/", {"reason": "Consultation with the posts."})
    assert "The response deadline is extended" in page
    drafter_page = sees(org.drafter, f"/memos/{memo_id}/")
    assert "Why the deadline was extended" in drafter_page
    assert "Consultation with the posts." in drafter_page
    assert "Extend the response deadline" not in page, "once only"
    response = client.post(f"/memos/{memo_id}/extend/", {"reason": "Again."})
    assert response.status_code == 409
    assert "already been extended once" in response.content.decode()


def test_an_extension_without_a_reason_is_refused_beside_the_form(org: Personas) -> None:
    memo_id = submitted(org)
    response = logged_in(org.office).post(f"/memos/{memo_id}/extend/", {"reason": ""})
    page = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in page
    assert "<details open>\n        <summary>Extend the response deadline" in page
    assert Memo.objects.get(public_id=memo_id).extended_at is None


def test_the_office_reroutes_with_a_note_the_drafters_read(org: Personas) -> None:
    memo_id = submitted(org)
    post(
        logged_in(org.office), f"/memos/{memo_id}/reroute/", {"channel": "hr", "note": "A personnel matter."}
    )
    assert status_of(memo_id) == "rerouted"
    page = sees(org.drafter, f"/memos/{memo_id}/")
    assert "Re-routed" in page
    assert "Human resources" in page
    assert "A personnel matter." in page


def test_an_unknown_reroute_channel_is_refused(org: Personas) -> None:
    memo_id = submitted(org)
    response = logged_in(org.office).post(f"/memos/{memo_id}/reroute/", {"channel": "press", "note": "x"})
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert status_of(memo_id) == "submitted"


def test_the_office_head_adds_a_reader_whom_the_drafters_see_with_the_reason(org: Personas) -> None:
    memo_id = submitted(org)
    assert logged_in(org.auditor).get(f"/memos/{memo_id}/").status_code == 404
    page = post(
        logged_in(org.office_head),
        f"/memos/{memo_id}/readers/",
        {"email": "auditor@example.org", "reason": "Reviews the programme budget."},
    )
    assert "Aude Auditor may now read the memo." in page
    drafter_page = sees(org.drafter, f"/memos/{memo_id}/")
    assert "Aude Auditor" in drafter_page
    assert "Reviews the programme budget." in drafter_page
    assert MEMO["title"] in sees(org.auditor, f"/memos/{memo_id}/")


def test_adding_the_same_reader_twice_is_refused(org: Personas) -> None:
    memo_id = submitted(org)
    data = {"email": "auditor@example.org", "reason": "Oversight."}
    logged_in(org.office_head).post(f"/memos/{memo_id}/readers/", data)
    response = logged_in(org.office_head).post(f"/memos/{memo_id}/readers/", data)
    assert response.status_code == 409
    assert "Aude Auditor is already a reader." in response.content.decode()
    assert Reader.objects.count() == 1


RESPONSE = {
    "body": "Thank you for the **memo**.",
    "outcome_1": "partly_accepted",
    "text_1": "Kept separate for two years.",
    "outcome_2": "accepted",
    "text_2": "Published next month.",
}


def test_the_office_responds_to_each_recommendation(org: Personas) -> None:
    memo_id = submitted(org)
    form = sees(org.office, f"/memos/{memo_id}/")
    assert "Outcome for recommendation 2" in form
    page = post(logged_in(org.office), f"/memos/{memo_id}/respond/", RESPONSE)
    assert "The response is recorded" in page
    for person in (org.drafter, org.leader):
        page = sees(person, f"/memos/{memo_id}/")
        assert "Outcome per recommendation" in page
        assert "Thank you for the <strong>memo</strong>." in page
        assert "Partly accepted" in page
        assert "Kept separate for two years." in page
        assert "Published next month." in page


def test_a_response_missing_an_outcome_is_refused_and_nothing_is_saved(org: Personas) -> None:
    memo_id = submitted(org)
    response = logged_in(org.office).post(f"/memos/{memo_id}/respond/", {**RESPONSE, "outcome_2": ""})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Thank you for the **memo**." in page, "what was typed is kept"
    assert not Response.objects.exists()
    assert status_of(memo_id) == "submitted"


def test_the_drafters_reply_once_and_the_memo_closes(org: Personas) -> None:
    memo_id = responded(org)
    page = post(logged_in(org.cosigner), f"/memos/{memo_id}/reply/", {"body": "Thank you."})
    assert status_of(memo_id) == "closed"
    page = sees(org.drafter, f"/memos/{memo_id}/")
    assert "Thank you." in page
    assert "Reply to the response" not in page
    response = logged_in(org.drafter).post(f"/memos/{memo_id}/reply/", {"body": "And again."})
    assert response.status_code == 409
    assert Message.objects.filter(kind="reply").count() == 1


def test_the_office_closes_a_responded_memo(org: Personas) -> None:
    memo_id = responded(org)
    page = post(logged_in(org.office), f"/memos/{memo_id}/close/")
    assert "The memo is closed." in page
    assert status_of(memo_id) == "closed"


def test_the_drafters_withdraw_a_memo_and_nothing_is_deleted(org: Personas) -> None:
    memo_id = submitted(org)
    page = post(logged_in(org.drafter), f"/memos/{memo_id}/withdraw/")
    assert "The memo is withdrawn. Nothing was deleted." in page
    assert "Withdrawn" in page
    assert MEMO["title"] in sees(org.office, f"/memos/{memo_id}/")


def test_a_message_without_javascript_is_posted_and_the_page_reloads_at_the_thread(org: Personas) -> None:
    memo_id = submitted(org)
    response = logged_in(org.office).post(f"/memos/{memo_id}/messages/", {"body": "Could you say more?"})
    assert response["Location"] == f"/memos/{memo_id}/#thread"
    assert "Could you say more?" in sees(org.cosigner, f"/memos/{memo_id}/")


def test_with_htmx_a_message_returns_only_the_thread(org: Personas) -> None:
    memo_id = submitted(org)
    services.post_message(actor=org.office, memo_id=memo_id, body="Could you say more?")
    response = logged_in(org.drafter).post(
        f"/memos/{memo_id}/messages/", {"body": "Yes: see the annex."}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<section id="thread"')
    assert "<html" not in page
    assert page.index("Could you say more?") < page.index("Yes: see the annex.")
    assert "Your message is sent." in page
    assert '<textarea name="body"' in page
    assert "Yes: see the annex.</textarea>" not in page, "a fresh form"


def test_with_htmx_an_empty_message_comes_back_with_the_error(org: Personas) -> None:
    memo_id = submitted(org)
    response = logged_in(org.drafter).post(f"/memos/{memo_id}/messages/", {"body": ""}, headers=HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Message.objects.exists()


def test_the_office_proposes_meeting_times(org: Personas) -> None:
    memo_id = submitted(org)
    data = {"body": "Could we meet?", "meeting_1": "2026-12-02T10:00", "meeting_3": "2026-12-03T15:30"}
    post(logged_in(org.office), f"/memos/{memo_id}/messages/", data)
    page = sees(org.drafter, f"/memos/{memo_id}/")
    assert "Meeting proposal" in page
    assert "2026-12-02T10:00:00-05:00" in page, "entered in the organisation's time zone"
    assert "2026-12-03T15:30:00-05:00" in page


def test_meeting_times_from_a_drafter_are_ignored_not_proposed(org: Personas) -> None:
    memo_id = submitted(org)
    post(
        logged_in(org.drafter), f"/memos/{memo_id}/messages/", {"body": "Hi", "meeting_1": "2026-12-02T10:00"}
    )
    assert Message.objects.get().kind == "message"
