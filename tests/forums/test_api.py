"""Listening sessions through the JSON API: scheduling, asking, voting, moderating, closing, bad input."""

from __future__ import annotations

import pytest

from dissent.audit.models import AuditEvent
from dissent.forums import feed
from dissent.forums.models import Question, Vote
from tests.channel.helpers import Api
from tests.conftest import Personas
from tests.forums.helpers import SESSION, ask, ranking, schedule

NOT_FOUND = (404, {"detail": "Not found.", "code": "not_found"})


@pytest.mark.django_db
def test_the_office_schedules_for_units_and_only_those_invited_and_the_moderators_see_it(
    org: Personas,
) -> None:
    session = schedule(org, units=["AID"])  # the Aid Agency, with the Water Bureau below it
    assert (session["units"], session["open"], session["moderator"]) == (["AID"], True, True)
    for person in (org.cosigner, org.agency_head):
        assert [s["id"] for s in Api(person).ok("get", "/sessions")["items"]] == [session["id"]]
    assert Api(org.leader).ok("get", f"/sessions/{session['id']}")["moderator"] is True
    for person in (org.drafter, org.auditor):
        api = Api(person)
        assert api.ok("get", "/sessions")["items"] == []
        assert api.get(f"/sessions/{session['id']}") == NOT_FOUND
        assert api.post(f"/sessions/{session['id']}/questions", {"body": "Why?"}) == NOT_FOUND


@pytest.mark.django_db
def test_staff_may_not_schedule_and_bad_times_are_refused_with_nothing_created(org: Personas) -> None:
    status, body = Api(org.drafter).post("/sessions", SESSION)
    assert (status, body["code"]) == (403, "organisers_only")
    office = Api(org.office)
    for changes in (
        {"ends_at": SESSION["starts_at"]},
        {"ends_at": "2027-02-10T10:00:00+01:00"},
        {"title": "  "},
        {"units": ["NOPE"]},
    ):
        status, body = office.post("/sessions", {**SESSION, **changes})
        assert status == 422, changes
        assert body["detail"]
    assert office.ok("get", "/sessions")["count"] == 0


@pytest.mark.django_db
def test_one_vote_per_person_retractable_never_on_ones_own_question_and_ranked_by_votes(
    org: Personas,
) -> None:
    session = schedule(org)
    drafter, cosigner, agency_head = Api(org.drafter), Api(org.cosigner), Api(org.agency_head)
    first = ask(drafter, session, "Will the library move too?")
    second = ask(cosigner, session, "When is the move?", anonymous=True)
    votes = f"/sessions/{session['id']}/questions/{second['id']}/votes"
    assert drafter.post(votes)[0] == 201
    status, body = drafter.post(votes)
    assert (status, body["code"]) == (409, "already_voted")
    assert agency_head.ok("post", votes)["votes"] == 2
    status, body = cosigner.post(votes)  # an anonymous asker, known only by pseudonym, still may not
    assert (status, body["code"]) == (403, "own_question")
    own = drafter.post(f"/sessions/{session['id']}/questions/{first['id']}/votes")
    assert (own[0], own[1]["code"]) == (403, "own_question")
    assert ranking(drafter, session) == [("When is the move?", 2), ("Will the library move too?", 0)]
    assert drafter.call("delete", votes + "/me")[0] == 204
    status, body = drafter.call("delete", votes + "/me")
    assert (status, body["code"]) == (409, "not_voted")
    assert ranking(cosigner, session)[0] == ("When is the move?", 1)


@pytest.mark.django_db
def test_an_anonymous_question_names_nobody_and_its_asker_reads_the_reply_by_token(org: Personas) -> None:
    session = schedule(org)
    asked = ask(Api(org.drafter), session, "Is the move final?", anonymous=True)
    assert (asked["author"], asked["anonymous"]) == (None, True)
    assert asked["reply_token"]
    row = Question.objects.get(pk=asked["id"])
    assert row.author_id is None
    assert asked["reply_token"] not in row.reply_key  # only its hash is kept
    assert not AuditEvent.objects.filter(details__icontains=asked["id"]).exists()
    office = Api(org.office)
    office.ok(
        "post",
        f"/sessions/{session['id']}/questions/{asked['id']}/moderate",
        {"action": "answered", "answer": "Yes, in March."},
    )
    replies = f"/sessions/{session['id']}/replies"
    found = Api(org.drafter).ok("post", replies, {"tokens": [asked["reply_token"]]})["items"]
    assert [(q["state"], q["answer"]) for q in found] == [("answered", "Yes, in March.")]
    assert Api(org.cosigner).ok("post", replies, {"tokens": ["guess"]})["items"] == []


@pytest.mark.django_db
def test_anonymous_questions_are_refused_where_the_session_forbids_them(org: Personas) -> None:
    session = schedule(org, allow_anonymous=False)
    status, body = Api(org.drafter).post(
        f"/sessions/{session['id']}/questions", {"body": "Why?", "anonymous": True}
    )
    assert (status, body["code"]) == (403, "anonymous_not_allowed")
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_empty_over_long_and_too_many_questions_are_refused_and_lose_nothing(org: Personas, settings) -> None:
    settings.DISSENT_QUESTIONS_PER_HOUR = 2
    session = schedule(org)
    path = f"/sessions/{session['id']}/questions"
    drafter = Api(org.drafter)
    assert drafter.post(path, {"body": "   "})[0] == 422
    status, body = drafter.post(path, {"body": "x" * 2001})
    assert (status, body["code"]) == (422, "too_long")
    ask(drafter, session, "x" * 2000)
    ask(drafter, session, "Second", anonymous=True)
    status, body = drafter.post(path, {"body": "Third", "anonymous": True})
    assert (status, body["code"]) == (429, "too_many_questions")
    assert Question.objects.count() == 2
    ask(Api(org.cosigner), session, "Someone else's")


@pytest.mark.django_db
def test_premoderation_holds_questions_until_approved_and_hiding_tells_the_author_why(org: Personas) -> None:
    session = schedule(org, premoderate=True)
    drafter, cosigner = Api(org.drafter), Api(org.cosigner)
    held = ask(drafter, session, "Pending one")
    assert held["state"] == "pending"
    assert ranking(cosigner, session) == []
    moderate = f"/sessions/{session['id']}/questions/{held['id']}/moderate"
    status, body = cosigner.post(moderate, {"action": "approve"})
    assert (status, body["code"]) == (403, "moderators_only")
    status, body = Api(org.office).post(moderate, {"action": "hide"})
    assert status == 422  # hiding needs a reason
    Api(org.leader).ok("post", moderate, {"action": "approve"})
    assert ranking(cosigner, session) == [("Pending one", 0)]
    Api(org.office).ok("post", moderate, {"action": "hide", "reason": "Off topic for this session"})
    assert ranking(cosigner, session) == []
    for author_or_moderator in (drafter, Api(org.office)):
        seen = author_or_moderator.ok("get", f"/sessions/{session['id']}/questions")["items"]
        assert [(q["state"], q["hidden_reason"]) for q in seen] == [("hidden", "Off topic for this session")]


@pytest.mark.django_db
def test_merging_duplicates_combines_votes_without_counting_anyone_twice(org: Personas) -> None:
    session = schedule(org)
    sid = session["id"]
    keep = ask(Api(org.drafter), session, "When do we move?")
    dupe = ask(Api(org.cosigner), session, "What is the date of the move?", anonymous=True)
    for person in (org.agency_head, org.auditor):  # both vote for both
        for q in (keep, dupe):
            Api(person).ok("post", f"/sessions/{sid}/questions/{q['id']}/votes")
    Api(org.admin).ok("post", f"/sessions/{sid}/questions/{dupe['id']}/votes")
    Api(org.drafter).ok("post", f"/sessions/{sid}/questions/{dupe['id']}/votes")  # keep's own author
    merged = Api(org.office).ok(
        "post", f"/sessions/{sid}/questions/{dupe['id']}/moderate", {"action": "merge", "into": keep["id"]}
    )
    assert (merged["state"], merged["merged_into"], merged["votes"]) == ("merged", keep["id"], 0)
    assert ranking(Api(org.outsider), session) == [("When do we move?", 3)]  # head, auditor, admin
    status, body = Api(org.admin).post(f"/sessions/{sid}/questions/{keep['id']}/votes")
    assert (status, body["code"]) == (409, "already_voted")


@pytest.mark.django_db
def test_closing_folds_votes_into_counts_and_then_refuses_votes_and_questions(org: Personas) -> None:
    session = schedule(org)
    sid = session["id"]
    q = ask(Api(org.drafter), session, "Will we get a shuttle?")
    for person in (org.cosigner, org.agency_head):
        Api(person).ok("post", f"/sessions/{sid}/questions/{q['id']}/votes")
    status, body = Api(org.drafter).post(f"/sessions/{sid}/close")
    assert (status, body["code"]) == (403, "moderators_only")
    stats = Api(org.office).ok("post", f"/sessions/{sid}/close")
    assert stats == {"questions": 1, "voters": 2, "votes": 2, "answered": 0, "answered_share": 0.0}
    assert Vote.objects.count() == 0
    assert ranking(Api(org.cosigner), session) == [("Will we get a shuttle?", 2)]
    for path, payload in (
        (f"/sessions/{sid}/questions/{q['id']}/votes", None),
        (f"/sessions/{sid}/questions", {"body": "Late"}),
        (f"/sessions/{sid}/close", None),
    ):
        status, body = Api(org.agency_head if "close" not in path else org.office).post(path, payload)
        assert (status, body["code"]) == (409, "session_closed"), path
    Api(org.office).ok("post", f"/sessions/{sid}/questions/{q['id']}/moderate", {"action": "answered"})
    assert Api(org.office).ok("get", f"/sessions/{sid}/statistics")["answered_share"] == 1.0


@pytest.mark.django_db
def test_the_events_route_answers_a_snapshot_to_those_who_see_the_session_and_404_to_others(
    org: Personas,
) -> None:
    session = schedule(org, units=["NOR"])
    ask(Api(org.drafter), session, "What about parking?")
    response = Api(org.drafter).client.get(
        f"/api/v1/sessions/{session['id']}/events", headers=Api(org.drafter).headers
    )
    assert response["Content-Type"] == "text/event-stream"
    text = response.content.decode()
    assert text.startswith("retry: ")
    assert "event: questions" in text
    assert "What about parking?" in text
    assert Api(org.cosigner).get(f"/sessions/{session['id']}/events") == NOT_FOUND


@pytest.mark.django_db
def test_the_live_snapshot_shows_staff_no_pending_or_hidden_question_anonymous_or_not(org: Personas) -> None:
    session = schedule(org, premoderate=True)
    ask(Api(org.drafter), session, "Held, anonymous", anonymous=True)
    ask(Api(org.drafter), session, "Held, attributed")
    staff = "".join(data for _name, data in feed.snapshot(session["id"], "staff.en"))
    moderators = "".join(data for _name, data in feed.snapshot(session["id"], "moderator.en"))
    assert "Held" not in staff
    assert "Held, anonymous" in moderators
    assert "Held, attributed" in moderators
