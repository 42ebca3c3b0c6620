"""The inbox: what happened, never what a memo says; the unread count in the header; e-mail on or off."""

from __future__ import annotations

from dissent.channel import services
from dissent.notify.models import Notification, Preference
from tests.conftest import Personas, logged_in, queries_for
from tests.web.helpers import MEMO, draft, sees


def submit_and_acknowledge(org: Personas) -> str:
    """Inbox items are written with each change: no on-commit callback needs to run."""
    memo_id = draft(org)
    services.submit_memo(actor=org.drafter, memo_id=memo_id)
    services.acknowledge_memo(actor=org.office, memo_id=memo_id)
    return memo_id


def test_the_inbox_says_what_happened_and_links_to_the_memo(org: Personas) -> None:
    memo_id = submit_and_acknowledge(org)
    page = sees(org.drafter, "/inbox/")
    assert "The office acknowledged a memo you drafted." in page
    assert "Your memo was submitted; the deadline clocks have started." in page
    assert f'href="/memos/{memo_id}/"' in page
    assert "2 unread items." in page
    assert MEMO["title"] not in page, "the inbox never says what a memo is about"


def test_the_header_counts_unread_items(org: Personas) -> None:
    submit_and_acknowledge(org)
    page = sees(org.drafter, "/memos/")
    assert '<span class="count">2<span class="visually-hidden"> unread</span></span>' in page
    assert 'class="count"' not in sees(org.auditor, "/memos/"), "nothing for the auditor"


def test_marking_one_item_read_leaves_the_others(org: Personas) -> None:
    submit_and_acknowledge(org)
    first = Notification.objects.filter(user=org.drafter).first()
    assert first is not None
    response = logged_in(org.drafter).post("/inbox/read/", {"notification": first.pk}, follow=True)
    assert "1 unread item." in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None


def test_marking_all_read_clears_the_count(org: Personas) -> None:
    submit_and_acknowledge(org)
    page = logged_in(org.drafter).post("/inbox/read/", {"all": "1"}, follow=True).content.decode()
    assert "0 unread items." in page
    assert 'class="count"' not in page
    assert not Notification.objects.filter(user=org.drafter, read_at__isnull=True).exists()


def test_nobody_marks_another_persons_items_read(org: Personas) -> None:
    submit_and_acknowledge(org)
    theirs = Notification.objects.filter(user=org.drafter).first()
    assert theirs is not None
    logged_in(org.outsider).post("/inbox/read/", {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "The office acknowledged" not in sees(org.outsider, "/inbox/")


def test_a_person_turns_e_mail_off_and_on(org: Personas) -> None:
    client = logged_in(org.drafter)
    assert 'id="preference-email" checked>' in sees(org.drafter, "/inbox/"), "on by default"
    page = client.post("/inbox/preferences/", {}, follow=True).content.decode()
    assert "You will not get e-mails" in page
    assert Preference.objects.get(user=org.drafter).email is False
    assert 'id="preference-email">' in page
    client.post("/inbox/preferences/", {"email": "on"})
    assert Preference.objects.get(user=org.drafter).email is True


def test_the_inbox_costs_the_same_number_of_queries_for_few_or_many_items(org: Personas) -> None:
    client = logged_in(org.drafter)
    submit_and_acknowledge(org)
    client.get("/inbox/")  # the first request of a session also saves the session
    few = queries_for(lambda: client.get("/inbox/"))
    for _ in range(10):
        submit_and_acknowledge(org)
    page = ""

    def fetch() -> None:
        nonlocal page
        page = client.get("/inbox/").content.decode()

    assert queries_for(fetch) == few
    assert page.count("Open the memo") == 22
