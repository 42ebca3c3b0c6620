"""Leadership messages as people see them in the browser: compose, read, counts, memo links."""

from __future__ import annotations

import pytest

from dissent.broadcasts import services
from dissent.broadcasts.models import Broadcast, Read
from dissent.people.models import User
from tests.conftest import Personas, logged_in
from tests.web.helpers import draft, sees, submitted

TITLE = "Forums on the consolidation plan"
BODY = "We heard the memo.\n\n**Forums** open next week.<script>alert(1)</script>"


def send(author: User, **changes: object) -> Broadcast:
    return services.send_broadcast(actor=author, **{"title": TITLE, "body": BODY, **changes})  # type: ignore[arg-type]


@pytest.mark.django_db
def test_leadership_writes_to_a_unit_from_the_messages_to_staff_page(org: Personas) -> None:
    client = logged_in(org.leader)
    page = client.get("/messages/staff/").content.decode()
    assert "Messages to staff" in page
    response = client.post(
        "/messages/staff/", {"title": TITLE, "body": BODY, "units": "NOR, PPS", "memos": ""}
    )
    assert response.status_code == 302
    message = Broadcast.objects.get()
    assert (message.title, message.to_all) == (TITLE, False)
    page = sees(org.leader, "/messages/staff/")
    assert TITLE in page
    assert "To NOR, PPS and the units below" in page


@pytest.mark.django_db
def test_unknown_unit_codes_are_shown_on_the_form_with_what_was_typed(org: Personas) -> None:
    response = logged_in(org.leader).post(
        "/messages/staff/", {"title": TITLE, "body": BODY, "units": "NOR NOWHERE", "memos": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Unknown unit code(s): NOWHERE." in page
    assert TITLE in page
    assert not Broadcast.objects.exists()


@pytest.mark.django_db
def test_the_messages_to_staff_page_is_a_404_for_everyone_else(org: Personas) -> None:
    for person in (org.drafter, org.office_head, org.auditor, org.admin):
        client = logged_in(person)
        assert client.get("/messages/staff/").status_code == 404
        assert client.post("/messages/staff/", {"title": TITLE, "body": BODY}).status_code == 404
        assert "Messages to staff" not in sees(person, "/messages/")
    assert not Broadcast.objects.exists()


@pytest.mark.django_db
def test_members_see_the_message_unread_until_they_open_it_and_others_get_a_404(org: Personas) -> None:
    message = send(org.leader, unit_codes=["MIN"])
    url = f"/messages/{message.public_id}/"
    listing = sees(org.drafter, "/messages/")
    assert TITLE in listing
    assert 'class="unread"' in listing
    assert TITLE in sees(org.drafter, "/inbox/")
    assert '<span class="count">1<' in sees(org.drafter, "/memos/")

    page = sees(org.drafter, url)
    assert "<strong>Forums</strong>" in page
    assert "<script>alert" not in page
    assert Read.objects.filter(broadcast=message, user=org.drafter).exists()
    listing = sees(org.drafter, "/messages/")
    assert 'class="unread"' not in listing
    assert TITLE not in sees(org.drafter, "/inbox/")

    for person in (org.cosigner, org.agency_head, org.auditor):
        assert logged_in(person).get(url).status_code == 404
        assert TITLE not in sees(person, "/messages/")
    assert Read.objects.count() == 1


@pytest.mark.django_db
def test_leadership_sees_read_counts_per_unit_and_no_names(org: Personas) -> None:
    message = send(org.leader)
    for person in (org.drafter, org.outsider, org.cosigner):
        sees(person, f"/messages/{message.public_id}/")
    page = sees(org.leader, "/messages/staff/")
    assert "Read by 3 people." in page
    assert "NOR — Northern Bureau</th><td>2</td>" in page
    assert "WAT — Water Bureau</th><td>1</td>" in page
    for name in (org.drafter.name, org.outsider.name, org.cosigner.name):
        assert name not in page
    assert "Read by 3 people." not in sees(org.drafter, f"/messages/{message.public_id}/")


@pytest.mark.django_db
def test_a_linked_memo_is_shown_to_those_who_may_see_it_and_not_mentioned_to_others(org: Personas) -> None:
    memo_id = submitted(org)
    message = send(org.leader, memo_ids=[memo_id])
    url = f"/messages/{message.public_id}/"
    assert f'href="/memos/{memo_id}/"' in sees(org.office, url)
    for person in (org.outsider, org.auditor):
        page = sees(person, url)
        assert memo_id not in page
        assert "Memos this message refers to" not in page


@pytest.mark.django_db
def test_a_memo_the_author_cannot_see_is_refused_on_the_form(org: Personas) -> None:
    hidden = draft(org)
    response = logged_in(org.leader).post(
        "/messages/staff/", {"title": TITLE, "body": BODY, "units": "", "memos": hidden}
    )
    assert response.status_code == 422
    assert f"No memo you can see has the id(s): {hidden}." in response.content.decode()
    assert not Broadcast.objects.exists()
