"""Listening sessions in the browser: who sees what, the forms, anonymous replies, the export,
and the live fragment that must be the same bytes for everyone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.sessions.models import Session

from dissent.audit.models import AuditEvent
from dissent.forums import feed, services
from dissent.forums.models import ListeningSession, Question, QuestionState, Registration, Report, Vote
from dissent.live.stream import frame
from dissent.people.models import User
from tests.conftest import Personas, logged_in
from tests.web.helpers import sees

START = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
END = datetime(2026, 12, 10, 10, 30, tzinfo=UTC)


def scheduled(org: Personas, **changes: object) -> ListeningSession:
    """A session for the Ministry (the drafter's Northern Bureau is below it), by the office."""
    fields: dict[str, object] = {
        "title": "Town hall on the move",
        "starts_at": START,
        "ends_at": END,
        "location": "Main hall",
        "unit_codes": ["MIN"],
        **changes,
    }
    return services.schedule_session(actor=org.office, **fields)  # type: ignore[arg-type]


def asked(person: User, session: ListeningSession, body: str, *, anonymous: bool = False) -> Question:
    return services.ask(actor=person, session_id=session.public_id, body=body, anonymous=anonymous).question


def url(session: ListeningSession, tail: str = "") -> str:
    return f"/sessions/{session.public_id}/{tail}"


@pytest.mark.django_db
def test_outsiders_get_a_404_staff_no_moderator_controls_and_moderators_theirs(org: Personas) -> None:
    session = scheduled(org)
    question = asked(org.drafter, session, "Will the library move too?")
    for path in ("", "statistics/", "export.csv", "close/", "replies/"):
        assert logged_in(org.cosigner).get(url(session, path)).status_code == 404, path
    assert session.title not in sees(org.cosigner, "/sessions/")

    page = sees(org.drafter, url(session))
    assert "Will the library move too?" in page
    assert "Ask a question" in page
    assert "question_approve" not in page
    assert "/hide/" not in page
    assert "Statistics" not in page
    for path in ("statistics/", "export.csv", "close/"):
        assert logged_in(org.drafter).get(url(session, path)).status_code == 404, path
    logged_in(org.drafter).post(url(session, f"questions/{question.pk}/hide/"), {"reason": "no"})
    assert Question.objects.get().state == QuestionState.PUBLISHED

    page = sees(org.leader, url(session))
    for control in ("/hide/", "/highlight/", "/answer/", "/merge/", "Statistics", "Close the session"):
        assert control in page, control
    assert "Themes" in page
    assert "Schedule a session" in sees(org.office, "/sessions/")
    assert "Schedule a session" not in sees(org.drafter, "/sessions/")
    assert logged_in(org.drafter).get("/sessions/new/").status_code == 404


@pytest.mark.django_db
def test_the_office_schedules_in_the_organisations_zone_and_errors_keep_what_was_typed(org: Personas) -> None:
    client = logged_in(org.office)
    form = {
        "title": "Town hall",
        "starts_at": "2026-12-10T10:00",
        "ends_at": "2026-12-10T09:00",
        "units": "NOR",
        "allow_anonymous": "on",
    }
    response = client.post("/sessions/new/", form)
    assert response.status_code == 422
    assert "A session ends after it starts" in response.content.decode()
    assert 'value="Town hall"' in response.content.decode()
    response = client.post("/sessions/new/", {**form, "ends_at": "2026-12-10T11:30"})
    assert response.status_code == 302
    session = ListeningSession.objects.get()
    # The test organisation's zone is America/New_York: 10:00 there is 15:00 UTC in December.
    assert session.starts_at == datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    assert (session.allow_anonymous, session.premoderate, session.to_all) == (True, False, False)
    assert "Town hall" in sees(org.drafter, "/sessions/")


@pytest.mark.django_db
def test_staff_register_ask_vote_take_back_and_report_with_forms(org: Personas) -> None:
    session = scheduled(org)
    other = asked(org.leader, session, "Is there parking?")
    client = logged_in(org.drafter)
    assert client.post(url(session, "register/")).status_code == 302
    assert Registration.objects.filter(user=org.drafter).exists()
    assert "You registered for this session." in sees(org.drafter, url(session))

    response = client.post(url(session, "ask/"), {"body": "Will the library move too?"})
    assert response.status_code == 302
    mine = Question.objects.get(author=org.drafter)
    page = client.get(url(session)).content.decode()
    assert f'data-own="{mine.pk}"' in page
    assert f'class="question state-published own" id="q-{mine.pk}"' in page

    client.post(url(session, f"questions/{other.pk}/vote/"))
    assert Question.objects.get(pk=other.pk).votes == 1
    page = client.get(url(session)).content.decode()
    assert f'class="question state-published voted" id="q-{other.pk}"' in page
    client.post(url(session, f"questions/{other.pk}/vote/"))
    assert "You have already voted for this question." in client.get(url(session)).content.decode()
    client.post(url(session, f"questions/{mine.pk}/vote/"))
    assert "You may not vote for your own question." in client.get(url(session)).content.decode()
    client.post(url(session, f"questions/{other.pk}/unvote/"))
    assert (Question.objects.get(pk=other.pk).votes, Vote.objects.count()) == (0, 0)

    client.post(url(session, f"questions/{other.pk}/report/"))
    assert Report.objects.filter(reporter=org.drafter, question=other).exists()


@pytest.mark.django_db
def test_a_refused_question_shows_the_reason_on_the_form_with_the_question_as_typed(org: Personas) -> None:
    session = scheduled(org, allow_anonymous=False)
    page = sees(org.drafter, url(session))
    assert "Ask anonymously" not in page
    response = logged_in(org.drafter).post(
        url(session, "ask/"), {"body": "Who decided <this>?", "anonymous": "on"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "This session does not take anonymous questions." in page
    assert "Who decided &lt;this&gt;?</textarea>" in page
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_own_pending_and_hidden_questions_show_their_state_and_the_reason(org: Personas) -> None:
    session = scheduled(org, premoderate=True)
    waiting = asked(org.drafter, session, "Will the canteen stay open?")
    hidden = asked(org.drafter, session, "Why is my manager like this?")
    services.hide(actor=org.office, session_id=session.public_id, question_id=hidden.pk, reason="Personal")
    page = sees(org.drafter, url(session))
    assert "Awaiting a moderator's approval." in page
    assert "Hidden by the moderators: Personal" in page
    assert "Will the canteen stay open?" not in page.split('id="live"')[1]  # not on the board
    moderator_page = sees(org.office, url(session))
    assert "Awaiting approval" in moderator_page
    assert f"questions/{waiting.pk}/approve/" in moderator_page
    logged_in(org.office).post(url(session, f"questions/{waiting.pk}/approve/"))
    assert Question.objects.get(pk=waiting.pk).state == QuestionState.PUBLISHED
    logged_in(org.office).post(url(session, f"questions/{waiting.pk}/answer/"), {"text": "It stays."})
    assert "It stays." in sees(org.drafter, url(session))


@pytest.mark.django_db
def test_the_anonymous_asker_reads_the_reply_through_a_cookie_scoped_to_the_replies_page(
    org: Personas,
) -> None:
    session = scheduled(org)
    client = logged_in(org.drafter)
    response = client.post(url(session, "ask/"), {"body": "Is the move paid for?", "anonymous": "on"})
    question = Question.objects.get()
    cookie = response.cookies[f"reply-{question.pk}"]
    assert cookie["path"] == url(session, "replies/")
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert question.author is None
    note = client.get(url(session)).content.decode()
    assert f'You can read the answer at <a href="{url(session, "replies/")}">the replies page</a>' in note
    services.hide(actor=org.office, session_id=session.public_id, question_id=question.pk, reason="Off topic")
    assert "Hidden by the moderators: Off topic" in client.get(url(session, "replies/")).content.decode()
    assert "Off topic" not in client.get(url(session)).content.decode()
    stranger = logged_in(org.leader)  # another browser: no key, nothing to read
    assert "Is the move paid for?" not in stranger.get(url(session, "replies/")).content.decode()


@pytest.mark.django_db
def test_the_export_has_a_row_per_question_names_nobody_anonymous_and_defuses_formulas(org: Personas) -> None:
    session = scheduled(org)
    attributed = asked(org.drafter, session, '=HYPERLINK("http://evil")')
    anonymous = asked(org.leader, session, "Who pays?", anonymous=True)
    services.answer(actor=org.office, session_id=session.public_id, question_id=anonymous.pk, text="@we do")
    response = logged_in(org.office).get(url(session, "export.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "id",
        "state",
        "votes",
        "anonymous",
        "author",
        "asked_at",
        "answered",
        "body",
        "answer",
    ]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[attributed.pk][4] == "Dana Drafter"
    assert by_id[attributed.pk][7] == '\'=HYPERLINK("http://evil")'
    assert by_id[anonymous.pk][3:5] == ["yes", ""]
    assert by_id[anonymous.pk][6:] == ["yes", "Who pays?", "'@we do"]
    assert by_id[anonymous.pk][5] == anonymous.asked_at.strftime("%Y-%m-%dT%H:%MZ")
    exports = AuditEvent.objects.filter(action="forum.exported")
    assert [(e.actor_id, e.details) for e in exports] == [(org.office.pk, {"session": session.public_id})]


@pytest.mark.django_db
def test_statistics_count_voters_at_close_after_the_confirmation_page(org: Personas) -> None:
    session = scheduled(org)
    question = asked(org.drafter, session, "Is there parking?")
    services.vote(actor=org.leader, session_id=session.public_id, question_id=question.pk)
    client = logged_in(org.office)
    assert "counted at close" in client.get(url(session, "statistics/")).content.decode()
    assert "key is destroyed" in client.get(url(session, "close/")).content.decode()
    assert client.post(url(session, "close/")).status_code == 302
    page = client.get(url(session, "statistics/")).content.decode()
    assert "counted at close" not in page
    assert '<th scope="row">Voters</th><td>1</td>' in page
    assert "This session is closed." in sees(org.drafter, url(session))


def fragment(person: User, session: ListeningSession) -> bytes:
    who = feed.follower(person, session.public_id)
    assert who is not None
    return frame(feed.snapshot(session.public_id, who.view)).data


@pytest.mark.django_db
def test_the_live_fragment_is_the_same_for_two_people_and_holds_no_token_or_personal_mark(
    org: Personas,
) -> None:
    session = scheduled(org, unit_codes=[])
    mine = asked(org.drafter, session, "Will the library move too?")
    services.vote(actor=org.agency_head, session_id=session.public_id, question_id=mine.pk)
    services.highlight(actor=org.office, session_id=session.public_id, question_id=mine.pk)
    asker, voter = fragment(org.drafter, session), fragment(org.agency_head, session)
    assert asker == voter
    assert b"csrfmiddlewaretoken" not in asker
    assert f'class="question state-published now" id="q-{mine.pk}"'.encode() in asker
    assert b"Answering now" in asker
    assert b"/vote/" in asker
    assert b"/hide/" not in asker
    moderators = fragment(org.office, session), fragment(org.leader, session)
    assert moderators[0] == moderators[1]
    assert b"csrfmiddlewaretoken" not in moderators[0]
    assert b"/hide/" in moderators[0]
    # The page around the fragment carries the person's marks, and it does mark them.
    assert f'class="question state-published now own" id="q-{mine.pk}"' in sees(org.drafter, url(session))
    assert f'class="question state-published now voted" id="q-{mine.pk}"' in sees(
        org.agency_head, url(session)
    )


@pytest.mark.django_db
def test_moderators_see_similar_open_questions_grouped_in_the_themes_panel(org: Personas) -> None:
    session = scheduled(org)
    parking = [
        asked(org.drafter, session, "Is there staff parking at the new building?"),
        asked(org.leader, session, "Will staff parking at the new building be free?"),
        asked(org.office_head, session, "新大楼有员工停车位吗"),
        asked(org.office, session, "新大樓有員工停車位嗎"),  # the same, in Traditional characters
    ]
    asked(org.drafter, session, "Will the library move too?")
    asked(org.leader, session, "When does the canteen open?")
    page = sees(org.office, url(session))
    panel = page.split('id="themes-heading"')[1]
    assert all(f'href="#q-{q.pk}"' in panel for q in parking)
    assert "library" not in panel
    assert sees(org.office, url(session)).split('id="themes-heading"')[1] == panel  # from the cache
    assert 'id="themes-heading"' not in sees(org.drafter, url(session))


@pytest.mark.django_db
def test_a_moderator_merges_a_duplicate_by_the_number_the_page_shows(org: Personas) -> None:
    session = scheduled(org)
    first = asked(org.drafter, session, "Is there parking?")
    duplicate = asked(org.leader, session, "Will we be able to park?")
    client = logged_in(org.office)
    client.post(url(session, f"questions/{duplicate.pk}/merge/"), {"into": "#zzzzzz"})
    assert "Name the question to merge into by its number" in client.get(url(session)).content.decode()
    assert Question.objects.get(pk=duplicate.pk).state == QuestionState.PUBLISHED
    client.post(url(session, f"questions/{duplicate.pk}/merge/"), {"into": "#" + first.pk[:6]})
    merged = Question.objects.get(pk=duplicate.pk)
    assert (merged.state, merged.merged_into_id) == (QuestionState.MERGED, first.pk)
    assert f"Merged into #{first.pk[:6]}" in client.get(url(session)).content.decode()


@pytest.mark.django_db
def test_asking_anonymously_by_form_leaves_nothing_about_it_in_the_session_table(org: Personas) -> None:
    session = scheduled(org)
    client = logged_in(org.drafter)
    before = {s.session_key: s.session_data for s in Session.objects.all()}
    response = client.post(url(session, "ask/"), {"body": "Who decided?", "anonymous": "on"})
    assert response.status_code == 302
    question = Question.objects.get(body="Who decided?")
    after = {s.session_key: s.get_decoded() for s in Session.objects.all()}
    assert set(after) == set(before)
    assert question.pk not in str(after)
    assert "replies" not in str(after)
