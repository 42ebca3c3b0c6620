"""Co-signing on the memo page: open for signature, invite, sign the version shown, withdraw."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from dissent.channel.models import Memo
from dissent.signing.models import Signature
from tests.conftest import PASSWORD, Personas, logged_in
from tests.web.helpers import draft


def password_login(email: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"login": email, "password": PASSWORD}).status_code == 302
    return client


def test_a_drafter_opens_a_memo_for_signature_and_a_colleague_signs_the_version_shown(org: Personas) -> None:
    memo_id = draft(org)
    drafter = logged_in(org.drafter)
    drafter.post(f"/memos/{memo_id}/circulate/")
    assert Memo.objects.get(public_id=memo_id).status == "circulating"
    drafter.post(f"/memos/{memo_id}/invitations/", {"emails": "cosigner@example.org", "units": ""})

    signer = password_login("cosigner@example.org")
    page = signer.get(f"/memos/{memo_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sha = Memo.objects.get(public_id=memo_id).current_version.sha256  # type: ignore[union-attr]
    assert sha in page, "the signer sees the exact hash they sign"
    response = signer.post(f"/memos/{memo_id}/sign/", {"version_sha256": sha, "name_visible": "on"})
    assert response.status_code == 302
    signature = Signature.objects.get(memo__public_id=memo_id, signer=org.cosigner)
    assert signature.name_visible
    page = signer.get(f"/memos/{memo_id}/").content.decode()
    assert signature.signed_at.isoformat()[:10] in page
    assert 'class="big-count">1<' in page

    signer.post(f"/memos/{memo_id}/signature/withdraw/")
    assert Memo.objects.get(public_id=memo_id).signature_count == 0


def test_signing_a_changed_text_is_refused_on_the_page(org: Personas) -> None:
    memo_id = draft(org)
    drafter = logged_in(org.drafter)
    drafter.post(f"/memos/{memo_id}/circulate/")
    old = Memo.objects.get(public_id=memo_id).current_version.sha256  # type: ignore[union-attr]
    changed = {"title": "Changed title", "summary": "s", "body": "b", "recommendations": "r"}
    drafter.post(f"/memos/{memo_id}/edit/", changed)
    response = password_login("drafter@example.org").post(f"/memos/{memo_id}/sign/", {"version_sha256": old})
    assert response.status_code == 409
    assert not Signature.objects.exists()


def test_an_old_login_must_be_confirmed_before_signing(org: Personas) -> None:
    memo_id = draft(org)
    logged_in(org.drafter).post(f"/memos/{memo_id}/circulate/")
    sha = Memo.objects.get(public_id=memo_id).current_version.sha256  # type: ignore[union-attr]
    client = password_login("drafter@example.org")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(f"/memos/{memo_id}/sign/", {"version_sha256": sha})
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert not Signature.objects.exists()


def test_outsiders_cannot_reach_the_signing_forms(org: Personas) -> None:
    memo_id = draft(org)
    logged_in(org.drafter).post(f"/memos/{memo_id}/circulate/")
    outsider = password_login("outsider@example.org")
    for path in ("sign/", "invitations/", "circulate/", "signature/withdraw/"):
        assert outsider.post(f"/memos/{memo_id}/{path}", {"version_sha256": "0" * 64}).status_code == 404, (
            path
        )
