"""The whole signer list of a memo, 50 signatures a page, and the memo page's link to it."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from dissent.audit.models import AuditEvent
from dissent.channel import services as channel
from dissent.channel.models import Memo
from dissent.people.models import User
from dissent.signing import services as signing
from tests.conftest import Personas, logged_in, queries_for
from tests.signing.helpers import staff
from tests.web.helpers import MEMO, page_without, sees

DASH = "\N{EN DASH}"  # between the first and the last number of a range
ROWS = re.compile(r"<tr>\s*<t[hd][^>]*>(.*?)</t[hd]>", re.S)
YOU = re.compile(r'\s*<span class="tag">[^<]*</span>')
TAGS = re.compile(r"<[^>]+>")


@pytest.fixture(autouse=True)
def everyone_reads_english(org: Personas) -> None:
    """These tests look for English labels; the co-signer persona normally reads Chinese."""
    User.objects.filter(pk=org.cosigner.pk).update(language="en")


def circulating(org: Personas, *, invite: Sequence[str] = (), units: Sequence[str] = ()) -> str:
    memo = channel.create_memo(actor=org.drafter, **MEMO)
    channel.circulate_memo(actor=org.drafter, memo_id=memo.public_id)
    if invite or units:
        signing.invite(actor=org.drafter, memo_id=memo.public_id, emails=invite, unit_codes=units)
    return memo.public_id


def sign(person: User, memo_id: str, *, name_visible: bool = True) -> None:
    sha = Memo.objects.get(public_id=memo_id).current_version.sha256  # type: ignore[union-attr]
    signing.sign_memo(actor=person, memo_id=memo_id, version_sha256=sha, name_visible=name_visible)


def signed_by_many(org: Personas, count: int) -> tuple[str, list[User]]:
    """A memo signed through the real service by ``count`` people, in order, names shown."""
    people = staff(count, "WAT")
    memo_id = circulating(org, units=["WAT"])
    for person in people:
        sign(person, memo_id)
    return memo_id, people


def signer_names(page: str) -> list[str]:
    """The name cell of each row of the page's signer table, as the reader sees it (without "you")."""
    table = re.search(r'<table class="[^"]*\bsigners\b[^"]*">(.*?)</table>', page, re.S)
    assert table is not None, "the page has a signer table"
    body = table.group(1).split("<tbody>", 1)[1]
    return [" ".join(TAGS.sub(" ", YOU.sub("", cell)).split()) for cell in ROWS.findall(body)]


def test_the_list_pages_through_every_signature_oldest_first(org: Personas) -> None:
    memo_id, people = signed_by_many(org, 120)
    url = f"/memos/{memo_id}/signers/"
    pages = [sees(org.drafter, f"{url}?page={n}") for n in (1, 2, 3)]

    assert [signer_names(p) for p in pages] == [
        [p.name for p in people[0:50]],
        [p.name for p in people[50:100]],
        [p.name for p in people[100:120]],
    ]
    first, middle, last = pages
    assert f"Signatures 1{DASH}50 of 120" in first
    assert f"Signatures 51{DASH}100 of 120" in middle
    assert f"Signatures 101{DASH}120 of 120" in last
    assert "Page 2 of 3" in middle
    assert f'href="{url}?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert f'href="{url}" rel="prev"' in middle
    assert f'href="{url}?page=3" rel="next"' in middle
    assert f'href="{url}?page=3">Last page</a>' in middle
    assert f'href="{url}?page=2" rel="prev"' in last
    assert 'rel="next"' not in last


def test_the_memo_page_links_to_the_list_only_when_it_shows_part_of_it(org: Personas) -> None:
    memo_id, _people = signed_by_many(org, 51)
    page = sees(org.drafter, f"/memos/{memo_id}/")
    assert len(signer_names(page)) == 50
    assert f'<a href="/memos/{memo_id}/signers/">All 51 signatures</a>' in page

    few = circulating(org, invite=[org.cosigner.email])
    sign(org.cosigner, few)
    page = sees(org.drafter, f"/memos/{few}/")
    assert signer_names(page) == ["Cole Cosigner"]
    assert f"/memos/{few}/signers/" not in page


def test_the_first_and_the_last_page_of_a_long_list_cost_the_same_queries(org: Personas) -> None:
    memo_id, _people = signed_by_many(org, 120)
    client = logged_in(org.drafter)
    url = f"/memos/{memo_id}/signers/"
    client.get(url)  # the first request of a session also saves the session
    first = queries_for(lambda: client.get(url))
    last = queries_for(lambda: client.get(f"{url}?page=3"))
    assert first == last


def test_names_are_shown_as_on_the_memo_page_to_each_reader(org: Personas) -> None:
    memo_id = circulating(org, invite=[org.cosigner.email, org.office.email])
    sign(org.cosigner, memo_id, name_visible=True)
    sign(org.office, memo_id, name_visible=False)

    def both_pages(user: User) -> list[str]:
        listed = signer_names(sees(user, f"/memos/{memo_id}/signers/"))
        assert listed == signer_names(sees(user, f"/memos/{memo_id}/")), "the same names as the memo page"
        return listed

    assert both_pages(org.drafter) == ["Cole Cosigner", "name not shown"]
    assert both_pages(org.cosigner) == ["Cole Cosigner", "name not shown"]
    assert both_pages(org.office) == ["Cole Cosigner", "Olga Office"]
    mine = sees(org.cosigner, f"/memos/{memo_id}/signers/")
    assert 'Cole Cosigner <span class="tag">you</span>' in mine
    assert mine.count('<span class="tag">you</span>') == 1
    channel.submit_memo(actor=org.drafter, memo_id=memo_id)
    assert both_pages(org.leader) == ["Cole Cosigner", "Olga Office"]


@pytest.mark.parametrize("persona", ["outsider", "auditor"])
def test_who_may_not_see_the_memo_gets_the_same_404_as_for_no_memo(org: Personas, persona: str) -> None:
    memo_id = circulating(org, invite=[org.cosigner.email])
    sign(org.cosigner, memo_id)
    client = logged_in(getattr(org, persona))
    hidden = client.get(f"/memos/{memo_id}/signers/")
    missing = client.get("/memos/0000000000000000/signers/")
    assert hidden.status_code == missing.status_code == 404
    assert page_without(hidden, memo_id) == page_without(missing, "0000000000000000")
    assert "Cole Cosigner" not in hidden.content.decode()
    assert not AuditEvent.objects.filter(
        action="memo.signers_read", actor_id=getattr(org, persona).pk
    ).exists()


def test_each_page_read_is_audited_with_what_was_shown(org: Personas) -> None:
    memo_id, _people = signed_by_many(org, 60)
    sees(org.drafter, f"/memos/{memo_id}/signers/?state=valid&page=2")
    event = AuditEvent.objects.get(action="memo.signers_read", actor_id=org.drafter.pk)
    assert event.memo_id == memo_id
    assert event.details == {"offset": 50, "limit": 50, "state": "valid"}
    title = AuditEvent.objects.get(action="memo.read", actor_id=org.drafter.pk)
    assert title.details == {"via": "page.signers", "shown": "title"}


def test_the_filters_show_one_state_and_keep_it_across_pages(org: Personas) -> None:
    memo_id = circulating(org, invite=[org.cosigner.email, org.office.email])
    sign(org.cosigner, memo_id)
    signing.withdraw_signature(actor=org.cosigner, memo_id=memo_id)
    sign(org.office, memo_id, name_visible=False)
    channel.edit_memo(actor=org.drafter, memo_id=memo_id, **{**MEMO, "body": "A new body."})
    sign(org.cosigner, memo_id)
    url = f"/memos/{memo_id}/signers/"

    assert signer_names(sees(org.drafter, url)) == ["Cole Cosigner", "name not shown", "Cole Cosigner"]
    assert signer_names(sees(org.drafter, f"{url}?state=valid")) == ["Cole Cosigner"]
    assert signer_names(sees(org.drafter, f"{url}?state=superseded")) == ["name not shown"]
    withdrawn = sees(org.drafter, f"{url}?state=withdrawn")
    assert signer_names(withdrawn) == ["Cole Cosigner"]
    assert "Signature 1 of 1" in withdrawn
    assert f'<a href="{url}?state=withdrawn" aria-current="page">Withdrawn</a>' in withdrawn

    many, _people = signed_by_many(org, 55)
    first = sees(org.drafter, f"/memos/{many}/signers/?state=valid")
    assert f'href="/memos/{many}/signers/?state=valid&amp;page=2" rel="next"' in first


def test_an_unknown_state_is_a_clear_400_and_reads_no_signers(org: Personas) -> None:
    memo_id = circulating(org, invite=[org.cosigner.email])
    sign(org.cosigner, memo_id)
    response = logged_in(org.drafter).get(f"/memos/{memo_id}/signers/?state=maybe")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is no such list of signatures." in page
    assert f'href="/memos/{memo_id}/signers/?state=valid"' in page
    assert "Cole Cosigner" not in page
    assert not AuditEvent.objects.filter(action="memo.signers_read").exists()


@pytest.mark.parametrize("asked", ["", "abc", "0", "-3", "1.5", "²"])
def test_a_page_number_below_1_or_not_a_number_is_the_first_page(org: Personas, asked: str) -> None:
    memo_id, people = signed_by_many(org, 51)
    page = sees(org.drafter, f"/memos/{memo_id}/signers/?page={asked}")
    assert f"Signatures 1{DASH}50 of 51" in page
    assert signer_names(page)[0] == people[0].name


@pytest.mark.parametrize("asked", ["3", "99", "9" * 40])
def test_a_page_past_the_end_is_a_404_that_says_how_many_pages_there_are(org: Personas, asked: str) -> None:
    memo_id, _people = signed_by_many(org, 51)
    response = logged_in(org.drafter).get(f"/memos/{memo_id}/signers/?page={asked}")
    assert response.status_code == 404
    page = response.content.decode()
    assert "this list has only 2 pages." in page
    assert f'<a href="/memos/{memo_id}/signers/?page=2">Go to the last page</a>' in page
    assert "<table" not in page


def test_an_empty_list_has_one_page_that_says_so(org: Personas) -> None:
    memo_id = circulating(org)
    page = sees(org.drafter, f"/memos/{memo_id}/signers/")
    assert "There are no signatures in this list." in page
    response = logged_in(org.drafter).get(f"/memos/{memo_id}/signers/?page=2")
    assert response.status_code == 404
    assert "this list has only 1 page." in response.content.decode()


def test_the_list_reads_in_simplified_chinese(org: Personas) -> None:
    memo_id, _people = signed_by_many(org, 51)
    User.objects.filter(pk=org.drafter.pk).update(language="zh-hans")
    page = sees(org.drafter, f"/memos/{memo_id}/signers/?page=2")
    assert "第 51 个联署\N{FULLWIDTH COMMA}共 51 个" in page
