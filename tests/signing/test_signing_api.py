"""Co-signing through the API: invitations, signatures bound to a version, re-signing, withdrawal."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from nacl.signing import VerifyKey

from dissent.audit.models import AuditEvent
from dissent.audit.services import seal_pending
from dissent.audit.verify import verify_chain
from dissent.channel.models import Memo
from dissent.notify.models import Notification
from dissent.people.models import User
from dissent.proof.canonical import canonical_json
from dissent.signing import selectors
from dissent.signing.models import Invitation, PersonKey, Signature
from tests.channel.helpers import Api, new_memo
from tests.conftest import Personas
from tests.signing.helpers import assert_counts_are_exact, circulating_memo, sign, staff


@pytest.fixture
def api(org: Personas) -> dict[str, Api]:
    names = ("drafter", "cosigner", "outsider", "office", "office_head", "leader", "agency_head", "auditor")
    return {name: Api(getattr(org, name)) for name in names}


def test_an_invitee_signs_the_exact_version_and_gets_a_receipt_that_verifies(
    org: Personas, api: dict[str, Api]
) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    assert api["drafter"].ok("get", "/me")["public_key"] is None

    status, receipt = sign(api["cosigner"], memo)
    assert status == 201, receipt
    assert receipt["memo_id"] == memo["id"]
    assert receipt["signer_id"] == str(org.cosigner.pk)
    assert receipt["version_sha256"] == memo["version"]["sha256"]

    key = api["outsider"].ok("get", f"/people/{org.cosigner.pk}/key")
    assert key == {"algorithm": "ed25519", "public_key": receipt["public_key"]}
    assert api["cosigner"].ok("get", "/me")["public_key"] == receipt["public_key"]
    statement = {k: receipt[k] for k in ("memo_id", "version_sha256", "signer_id", "signed_at")}
    statement["signer_public_key"] = receipt["public_key"]
    VerifyKey(base64.b64decode(receipt["public_key"])).verify(
        canonical_json(statement), base64.b64decode(receipt["signature"])
    )

    after = api["drafter"].ok("get", f"/memos/{memo['id']}")
    assert after["signature_count"] == 1
    assert after["signatures_by_unit"] == {"WAT": 1}
    event = AuditEvent.objects.get(action="signature.added", actor_id=org.cosigner.pk)
    signature = Signature.objects.get(signer=org.cosigner)
    assert (event.object_type, event.object_id) == ("signing.signature", str(signature.pk))
    assert event.memo_id == memo["id"]
    assert event.details == {"version": 1, "sha256": memo["version"]["sha256"]}
    seal_pending()
    assert verify_chain().ok
    assert_counts_are_exact(memo["id"])


def test_a_signature_that_loses_the_race_with_an_edit_writes_nothing(
    org: Personas, api: dict[str, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memo was read before the drafters' edit committed; the write re-checks and refuses."""
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"], units=["WAT"])
    assert sign(api["drafter"], memo)[0] == 201
    read_before_the_edit = selectors.signing_target(org.cosigner, memo["id"])
    api["drafter"].ok("patch", f"/memos/{memo['id']}", {"title": "Changed while the cosigner read it"})
    monkeypatch.setattr(selectors, "signing_target", lambda *_args: read_before_the_edit)
    events = AuditEvent.objects.count()

    status, error = sign(api["cosigner"], memo)
    assert (status, error["code"]) == (409, "stale_version")
    assert "version 2 is open for signature" in error["detail"]
    assert not Signature.objects.filter(signer=org.cosigner).exists()
    assert AuditEvent.objects.filter(action="signature.added").count() == 1  # the drafter's
    assert AuditEvent.objects.count() == events
    assert_counts_are_exact(memo["id"])


def test_invitees_are_told_without_content_and_see_the_memo_read_only(
    org: Personas, api: dict[str, Api], django_capture_on_commit_callbacks
) -> None:
    memo = circulating_memo(api["drafter"])
    assert api["cosigner"].get(f"/memos/{memo['id']}")[0] == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invited = api["drafter"].ok(
            "post", f"/memos/{memo['id']}/invitations", {"emails": ["cosigner@example.org"]}
        )
    assert invited == {"invited": 1}
    assert PersonKey.objects.filter(user=org.cosigner).exists()  # made for the invitee, not at signing
    assert Notification.objects.filter(user=org.cosigner, kind="memo.invited").count() == 1
    assert [m.to for m in mail.outbox] == [["cosigner@example.org"]]
    assert memo["title"] not in mail.outbox[0].body
    assert api["cosigner"].ok("get", f"/memos/{memo['id']}")["title"] == memo["title"]
    status, body = api["cosigner"].patch(f"/memos/{memo['id']}", {"title": "Mine now"})
    assert (status, body["code"]) == (403, "forbidden")
    assert memo["id"] in [m["id"] for m in api["cosigner"].ok("get", "/memos")["items"]]
    again = api["drafter"].ok(
        "post", f"/memos/{memo['id']}/invitations", {"emails": ["cosigner@example.org"]}
    )
    assert again == {"invited": 0}


def test_inviting_a_unit_reaches_its_eligible_staff_and_the_units_below(
    org: Personas, api: dict[str, Api]
) -> None:
    memo = circulating_memo(api["drafter"])
    invited = api["drafter"].ok("post", f"/memos/{memo['id']}/invitations", {"units": ["MIN"]})
    # MIN and below: the drafter (already drafting), the outsider (not eligible), office, office
    # head and leader are in MIN, PPS or NOR; only the eligible non-drafters are invited.
    assert invited == {"invited": 3}
    invitees = set(Invitation.objects.values_list("invitee__email", flat=True))
    assert invitees == {"office@example.org", "office.head@example.org", "leader@example.org"}
    whole = {"units": ["NOR"], "eligible_only": False}  # the whole unit, contractors included
    assert api["drafter"].ok("post", f"/memos/{memo['id']}/invitations", whole) == {"invited": 1}
    assert Invitation.objects.filter(invitee=org.outsider).exists()


def test_bad_invitations_are_refused_with_a_reason(org: Personas, api: dict[str, Api]) -> None:
    draft = new_memo(api["drafter"])
    status, body = api["drafter"].post(f"/memos/{draft['id']}/invitations", {"units": ["MIN"]})
    assert (status, body["code"]) == (409, "not_circulating")
    memo = circulating_memo(api["drafter"])
    path = f"/memos/{memo['id']}/invitations"
    assert api["drafter"].post(path, {})[1]["code"] == "invalid"
    status, body = api["drafter"].post(path, {"emails": ["ghost@example.org"]})
    assert status == 422
    assert "ghost@example.org" in body["detail"]
    assert api["drafter"].post(path, {"units": ["NOPE"]})[1]["detail"] == "Unknown unit code(s): NOPE."
    assert api["outsider"].post(path, {"units": ["MIN"]})[0] == 404
    assert Invitation.objects.count() == 0


def test_an_ineligible_invitee_is_told_why_they_may_not_sign(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["outsider@example.org"])
    status, body = sign(api["outsider"], memo)
    assert (status, body["code"]) == (403, "not_eligible")
    assert "not eligible" in body["detail"]
    summary = api["outsider"].ok("get", f"/memos/{memo['id']}/signing")
    assert summary["can_sign"] is False
    assert "not eligible" in summary["cannot_sign_reason"]


def test_signing_twice_a_stale_or_unknown_hash_and_bad_input_are_clear_4xx(
    org: Personas, api: dict[str, Api]
) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    assert sign(api["cosigner"], memo)[0] == 201
    status, body = sign(api["cosigner"], memo)
    assert (status, body["code"]) == (409, "already_signed")

    path = f"/memos/{memo['id']}/signatures"
    status, body = api["cosigner"].post(path, {"version_sha256": "0" * 64})
    assert (status, body["code"]) == (409, "stale_version")
    assert "not a version of this memo" in body["detail"]
    status, body = api["cosigner"].post(path, {"version_sha256": "xyz"})
    assert (status, body["code"]) == (422, "invalid")
    assert api["cosigner"].post(path, {})[0] == 422
    assert api["cosigner"].post(path, {"version_sha256": 5})[0] == 422

    api["drafter"].ok("patch", f"/memos/{memo['id']}", {"title": "A sharper title"})
    status, body = sign(api["cosigner"], memo)
    assert (status, body["code"]) == (409, "stale_version")
    assert "Version 1 is no longer current" in body["detail"]
    assert Signature.objects.count() == 1
    assert_counts_are_exact(memo["id"])


def test_outsiders_cannot_learn_that_a_memo_exists_by_signing(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    for who in ("outsider", "office", "leader"):
        status, body = sign(api[who], memo)
        assert (status, body) == (404, {"detail": "Not found.", "code": "not_found"})
    assert sign(api["outsider"], {**memo, "id": "0000000000000000"})[0] == 404
    for path in ("signatures", "signing", "bundle"):
        assert api["outsider"].get(f"/memos/{memo['id']}/{path}")[0] == 404
    assert api["outsider"].call("delete", f"/memos/{memo['id']}/signatures/me")[0] == 404


def test_a_draft_and_a_submitted_memo_cannot_be_signed(org: Personas, api: dict[str, Api]) -> None:
    draft = new_memo(api["drafter"])
    status, body = sign(api["drafter"], draft)
    assert (status, body["code"]) == (409, "not_circulating")
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    status, body = sign(api["cosigner"], memo)
    assert (status, body["code"]) == (409, "signatures_frozen")


def test_drafters_may_sign_their_own_memo(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"])
    assert sign(api["drafter"], memo)[0] == 201
    assert api["drafter"].ok("get", f"/memos/{memo['id']}")["signatures_by_unit"] == {"NOR": 1}


def test_an_edit_keeps_old_signatures_as_history_and_asks_their_signers_to_re_sign(
    org: Personas, api: dict[str, Api]
) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org", "office@example.org"])
    sign(api["cosigner"], memo, name_visible=True)
    sign(api["office"], memo)
    Notification.objects.all().delete()

    v2 = api["drafter"].ok("patch", f"/memos/{memo['id']}", {"body": "A new body."})
    assert v2["version"]["number"] == 2
    assert v2["signature_count"] == 0
    assert v2["signatures_by_unit"] == {}
    assert set(
        Notification.objects.filter(kind="signature.resign").values_list("user__email", flat=True)
    ) == {
        "cosigner@example.org",
        "office@example.org",
    }
    summary = api["cosigner"].ok("get", f"/memos/{memo['id']}/signing")
    assert summary["my_state"] == "superseded"
    assert summary["can_sign"] is True
    assert (summary["version"], summary["version_sha256"]) == (2, v2["version"]["sha256"])

    status, receipt = sign(api["cosigner"], v2)  # one click: the current version's hash
    assert status == 201
    assert receipt["version_sha256"] == v2["version"]["sha256"]
    listing = api["drafter"].ok("get", f"/memos/{memo['id']}/signatures")
    states = [(i["version"], i["state"], i["signer"]["name"]) for i in listing["items"]]
    assert states == [
        (1, "superseded", "Cole Cosigner"),
        (1, "superseded", None),
        (2, "valid", "Cole Cosigner"),
    ]
    assert listing["count"] == 3
    assert api["drafter"].ok("get", f"/memos/{memo['id']}/signatures?state=valid")["count"] == 1
    assert api["drafter"].ok("get", f"/memos/{memo['id']}")["signature_count"] == 1
    assert_counts_are_exact(memo["id"])


def test_a_signer_withdraws_until_submission_and_may_sign_again(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], memo)
    path = f"/memos/{memo['id']}/signatures/me"
    assert api["cosigner"].call("delete", path) == (204, None)
    assert api["drafter"].ok("get", f"/memos/{memo['id']}")["signature_count"] == 0
    assert_counts_are_exact(memo["id"])
    status, body = api["cosigner"].call("delete", path)
    assert (status, body["code"]) == (409, "not_signed")
    assert api["cosigner"].ok("get", f"/memos/{memo['id']}/signing")["my_state"] == "withdrawn"

    assert sign(api["cosigner"], memo)[0] == 201
    assert Signature.objects.filter(signer=org.cosigner).count() == 2  # the withdrawn one stays
    assert_counts_are_exact(memo["id"])
    api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    status, body = api["cosigner"].call("delete", path)
    assert (status, body["code"]) == (409, "signatures_frozen")
    assert AuditEvent.objects.filter(action="signature.withdrawn").count() == 1


def test_drafters_cannot_remove_a_signature(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], memo)
    status, body = api["drafter"].call("delete", f"/memos/{memo['id']}/signatures/me")
    assert (status, body["code"]) == (409, "not_signed")
    assert api["drafter"].call("delete", f"/memos/{memo['id']}/signatures/{org.cosigner.pk}")[0] == 404
    assert Signature.objects.get().withdrawn_at is None


def test_double_signing_is_impossible_in_the_database(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], memo)
    row = Signature.objects.get()
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save(force_insert=True)
    row.withdrawn_at = timezone.now()
    row.save(force_insert=True)  # history rows do not collide


def test_names_follow_each_signers_choice_and_the_office_sees_all(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(
        api["drafter"], invite=["cosigner@example.org", "office@example.org", "outsider@example.org"]
    )
    sign(api["cosigner"], memo, name_visible=True)
    sign(api["office"], memo)  # hidden from co-signers by default

    def names(who: str) -> list[tuple[str | None, str | None, str]]:
        items = api[who].ok("get", f"/memos/{memo['id']}/signatures")["items"]
        return [(i["signer"]["id"], i["signer"]["name"], i["signer"]["unit"]) for i in items]

    cole, olga = str(org.cosigner.pk), str(org.office.pk)
    assert names("drafter") == [(cole, "Cole Cosigner", "WAT"), (None, None, "PPS")]
    assert names("cosigner") == [(cole, "Cole Cosigner", "WAT"), (None, None, "PPS")]
    assert names("office") == [(cole, "Cole Cosigner", "WAT"), (olga, "Olga Office", "PPS")]
    assert names("outsider") == [(None, None, "WAT"), (None, None, "PPS")]  # invited, has not signed

    api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    assert names("leader") == [(cole, "Cole Cosigner", "WAT"), (olga, "Olga Office", "PPS")]
    assert AuditEvent.objects.filter(action="memo.signers_read").count() == 5


def test_before_submission_the_office_and_leadership_are_nobody_special_to_a_memo(
    org: Personas, api: dict[str, Api]
) -> None:
    """Inviting a whole unit invites whoever is in it, office and leadership included: as
    co-signers they see what co-signers see, not the names of signers who hid them."""
    memo = circulating_memo(
        api["drafter"],
        invite=[
            "cosigner@example.org",
            "aid.head@example.org",
            "office.head@example.org",
            "leader@example.org",
        ],
    )
    sign(api["cosigner"], memo, name_visible=True)
    for hidden in ("agency_head", "office_head", "leader"):
        sign(api[hidden], memo)  # names hidden from co-signers by default

    def names(who: str) -> list[str | None]:
        return [i["signer"]["name"] for i in api[who].ok("get", f"/memos/{memo['id']}/signatures")["items"]]

    assert names("office_head") == ["Cole Cosigner", None, "Omar Head", None]
    assert names("leader") == ["Cole Cosigner", None, None, "Lena Leader"]
    assert api["office_head"].get(f"/memos/{memo['id']}/bundle")[0] == 403  # as any co-signer

    api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    for party in ("office_head", "leader"):
        assert names(party) == ["Cole Cosigner", "Ari Head", "Omar Head", "Lena Leader"], party


def test_signer_list_is_paginated_and_costs_a_fixed_number_of_queries(
    org: Personas, api: dict[str, Api]
) -> None:
    people = staff(30, "WAT")
    memo = circulating_memo(api["drafter"], units=["WAT"])
    for person in people:
        assert sign(Api(person), memo)[0] == 201
    with CaptureQueriesContext(connection) as few:
        page = api["drafter"].ok("get", f"/memos/{memo['id']}/signatures?limit=10&offset=20")
    assert page["count"] == 30
    assert len(page["items"]) == 10
    with CaptureQueriesContext(connection) as many:
        assert len(api["drafter"].ok("get", f"/memos/{memo['id']}/signatures?limit=200")["items"]) == 30
    assert len(few) == len(many) < 25  # the page of signers, plus the session and two-factor checks
    assert api["drafter"].ok("get", f"/memos/{memo['id']}")["signatures_by_unit"] == {"WAT": 30}
    assert api["drafter"].get(f"/memos/{memo['id']}/signatures?state=maybe")[0] == 422
    assert_counts_are_exact(memo["id"])


def test_a_target_shows_progress_and_tells_the_drafters_at_a_third_and_two_thirds(
    org: Personas, api: dict[str, Api]
) -> None:
    people = staff(6, "WAT")
    memo = circulating_memo(api["drafter"], units=["WAT"])
    summary = api["drafter"].ok("put", f"/memos/{memo['id']}/target", {"target": 6})
    assert (summary["target"], summary["progress_percent"]) == (6, 0)
    assert api["cosigner"].call("put", f"/memos/{memo['id']}/target", {"target": 1})[0] == 403
    assert api["drafter"].call("put", f"/memos/{memo['id']}/target", {"target": 0})[0] == 422

    def milestones() -> list[str]:
        return list(
            Notification.objects.filter(user=org.drafter).order_by("pk").values_list("kind", flat=True)
        )

    for person in people[:2]:
        sign(Api(person), memo)
    assert milestones() == ["signature.third_of_target"]
    for person in people[2:]:
        sign(Api(person), memo)
    assert milestones() == ["signature.third_of_target", "signature.two_thirds_of_target"]
    summary = api["drafter"].ok("get", f"/memos/{memo['id']}/signing")
    assert (summary["count"], summary["progress_percent"]) == (6, 100)
    history = api["drafter"].ok("get", f"/memos/{memo['id']}/signing/history")
    assert history == [{"day": history[0]["day"], "added": 6, "withdrawn": 0, "total": 6}]


def test_submission_freezes_the_count_in_the_record(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org", "office@example.org"])
    sign(api["cosigner"], memo)
    sign(api["office"], memo)
    api["office"].call("delete", f"/memos/{memo['id']}/signatures/me")
    submitted = api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    assert submitted["signature_count"] == 1
    event = AuditEvent.objects.get(action="memo.submitted")
    assert event.details["signatures"] == 1
    assert api["drafter"].ok("get", f"/memos/{memo['id']}/signing")["frozen_count"] == 1


def test_a_session_signs_only_after_a_recent_login(org: Personas, api: dict[str, Api], client) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    payload = {"version_sha256": memo["version"]["sha256"]}
    path = f"/api/v1/memos/{memo['id']}/signatures"
    client.force_login(org.cosigner)  # a session with no record of when the password was entered
    response = client.post(path, payload, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (401, "reauthentication_required")

    client.logout()
    login = client.post(
        "/accounts/login/", {"login": "cosigner@example.org", "password": "correct horse battery staple"}
    )
    assert login.status_code == 302
    response = client.post(path, payload, content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_stale_session_login_must_be_renewed(org: Personas, api: dict[str, Api], client) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    client.post(
        "/accounts/login/", {"login": "cosigner@example.org", "password": "correct horse battery staple"}
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(
            f"/api/v1/memos/{memo['id']}/signatures",
            {"version_sha256": memo["version"]["sha256"]},
            content_type="application/json",
        )
    assert response.json()["code"] == "reauthentication_required"


def test_signing_keys_are_sealed_under_the_kek_and_bound_to_their_person(
    org: Personas, api: dict[str, Api]
) -> None:
    from dissent.signing.keys import signing_key
    from dissent.vault.services import Tampered

    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], memo)
    row = PersonKey.objects.get(user=org.cosigner)
    assert len(bytes(row.sealed_seed)) > 32
    assert bytes(signing_key(row).verify_key) == bytes(row.public_key)
    moved = PersonKey(user=org.drafter, sealed_seed=row.sealed_seed)
    with pytest.raises(Tampered):
        signing_key(moved)


def test_a_public_key_exists_for_everyone_so_it_reveals_nothing(org: Personas, api: dict[str, Api]) -> None:
    key = api["outsider"].ok("get", f"/people/{org.leader.pk}/key")
    assert len(base64.b64decode(key["public_key"])) == 32
    assert api["outsider"].ok("get", f"/people/{org.leader.pk}/key") == key
    assert api["outsider"].get("/people/999999/key")[0] == 404
    assert api["outsider"].get("/people/abc/key")[0] == 404


def test_memo_object_counts_survive_a_list(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], memo)
    listed = api["drafter"].ok("get", "/memos")["items"]
    assert [(m["signature_count"], m["signatures_by_unit"]) for m in listed] == [(1, {"WAT": 1})]
    assert Memo.objects.get().signature_count == 1
    assert User.objects.filter(signatures__isnull=False).count() == 1


def test_history_counts_each_day_in_the_organisations_time_zone(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org", "office@example.org"])
    with time_machine.travel(datetime.fromisoformat("2026-11-20T23:30:00-05:00")):  # Friday in New York
        sign(api["cosigner"], memo)
        sign(api["office"], memo)
    with time_machine.travel(datetime.fromisoformat("2026-11-21T00:30:00-05:00")):  # Saturday already
        api["office"].call("delete", f"/memos/{memo['id']}/signatures/me")
    assert api["drafter"].ok("get", f"/memos/{memo['id']}/signing/history") == [
        {"day": "2026-11-20", "added": 2, "withdrawn": 0, "total": 2},
        {"day": "2026-11-21", "added": 0, "withdrawn": 1, "total": 1},
    ]
    assert api["outsider"].get(f"/memos/{memo['id']}/signing/history")[0] == 404
