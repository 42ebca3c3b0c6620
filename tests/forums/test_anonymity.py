"""After a session closes, nothing stored or logged ties an anonymous question or a vote to a person."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from dissent.forums import keys
from dissent.forums.models import ListeningSession, Question
from dissent.forums.services import rewrite_in_random_order
from tests.channel.helpers import Api
from tests.conftest import Personas
from tests.forums.helpers import ask, schedule


def every_row() -> list[tuple[str, str]]:
    """(table, the row's values as text) for every row of every table of the database."""
    rows: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from the schema)
            rows.extend((table, " | ".join(map(str, row))) for row in cursor.fetchall())
    return rows


def identities(person: object) -> list[str]:
    """What names a person in a row; their id is checked on the question's own columns."""
    return [person.email, person.name]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_after_closing_no_table_the_audit_trail_or_a_log_links_anonymous_questions_or_votes_to_people(
    org: Personas, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks
) -> None:
    caplog.set_level(logging.DEBUG)
    session = schedule(org)
    sid = session["id"]
    asker, voter = org.drafter, org.cosigner
    anonymous = ask(Api(asker), session, "Who decided on the new site?", anonymous=True)
    attributed = ask(Api(org.agency_head), session, "Is there a budget?")
    for question in (anonymous, attributed):
        Api(voter).ok("post", f"/sessions/{sid}/questions/{question['id']}/votes")
    pseudonyms = {keys.pseudonym(sid, person.pk) for person in (asker, voter)}
    open_rows = every_row()
    assert any(p in text for p in pseudonyms for _table, text in open_rows)  # the scan sees them while open

    with django_capture_on_commit_callbacks(execute=True):
        Api(org.office).ok("post", f"/sessions/{sid}/close")

    rows = every_row()
    linked = [
        (table, text)
        for table, text in rows
        if any(p in text for p in pseudonyms)
        or (anonymous["id"] in text and any(i in text.split(" | ") for i in identities(asker)))
    ]
    assert linked == []
    assert [table for table, text in rows if anonymous["id"] in text] == ["forums_question"]
    stored = Question.objects.get(pk=anonymous["id"])
    assert (stored.author_id, stored.asker, stored.votes) == (None, "", 1)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert anonymous["id"] not in logged
    assert not any(p in logged for p in pseudonyms)
    # The key is gone: the same person now gets a different pseudonym, linking nothing.
    assert keys.pseudonym(sid, asker.pk) not in pseudonyms


@pytest.mark.django_db
def test_closing_rewrites_the_questions_in_an_order_that_is_not_the_order_they_were_asked(
    org: Personas,
) -> None:
    session = schedule(org)
    api = Api(org.drafter)
    asked = [ask(api, session, f"Question {n}", anonymous=True)["id"] for n in range(8)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, body FROM forums_question")  # a table scan: the order stored
        before = [row[0] for row in cursor.fetchall()]
    assert sorted(before) == sorted(asked)
    orders = set()
    for _attempt in range(3):  # 8! orders: three shuffles all equal to the original would be a defect
        Question.objects.filter(session__public_id=session["id"]).update(asker="x")
        rewrite_in_random_order(ListeningSession.objects.get(public_id=session["id"]))
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, asker, body FROM forums_question")
            rows = cursor.fetchall()
        assert {row[1] for row in rows} == {""}
        orders.add(tuple(row[0] for row in rows))
    assert orders - {tuple(asked), tuple(before)}  # neither the order asked nor the order stored
