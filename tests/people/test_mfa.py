"""Two factors for the roles that see others' memos or run the installation; tokens unaffected."""

from __future__ import annotations

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from dissent.people.mfa import must_set_up_mfa
from dissent.people.models import User
from tests.conftest import PASSWORD, TOTP_SECRET, Personas, bearer, logged_in, token_for, totp_code

ACTIVATE = "/accounts/2fa/totp/activate/"


def without_authenticator(person: User) -> User:
    Authenticator.objects.filter(user=person).delete()
    return person


def login(client: Client, email: str) -> str:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def test_each_privileged_role_without_an_authenticator_is_sent_to_set_one_up(org: Personas) -> None:
    for person in (org.office, org.office_head, org.leader, org.auditor, org.admin):
        client = logged_in(without_authenticator(person))
        for page in ("/", "/admin/", "/accounts/email/"):
            response = client.get(page)
            assert response.status_code == 302, (person, page)
            assert response["Location"] == ACTIVATE


def test_staff_need_no_second_factor(org: Personas) -> None:
    for person in (org.drafter, org.cosigner, org.agency_head):
        assert not must_set_up_mfa(person)
        assert logged_in(person).get("/").status_code == 200


def test_set_up_logout_language_and_static_files_stay_open(org: Personas) -> None:
    client = logged_in(without_authenticator(org.office))
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/static/dissent/site.css").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_a_person_sets_up_an_authenticator_app_and_then_uses_the_site(org: Personas) -> None:
    client = Client()
    without_authenticator(org.office)
    login(client, "office@example.org")
    assert client.get("/")["Location"] == ACTIVATE

    reauth = client.get(ACTIVATE)
    assert reauth["Location"].startswith("/accounts/reauthenticate/")
    assert client.post(reauth["Location"], {"password": PASSWORD})["Location"] == ACTIVATE

    page = client.get(ACTIVATE)
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    assert client.post(ACTIVATE, {"code": wrong}).status_code == 200
    done = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200

    assert client.get("/").status_code == 200
    assert not must_set_up_mfa(org.office)


def test_login_asks_for_the_authenticator_code(org: Personas) -> None:
    client = Client()
    assert login(client, "office@example.org") == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "12345"})
    assert wrong.status_code == 200
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code()})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_code_is_accepted_once(org: Personas) -> None:
    with time_machine.travel(1_900_000_005, tick=False):
        first, second = Client(), Client()
        login(first, "office@example.org")
        login(second, "office@example.org")
        assert first.post("/accounts/2fa/authenticate/", {"code": totp_code()}).status_code == 302
        assert second.post("/accounts/2fa/authenticate/", {"code": totp_code()}).status_code == 200


def test_a_recovery_code_logs_in_when_the_phone_is_lost(org: Personas) -> None:
    code = RecoveryCodes.activate(org.leader).generate_codes()[0]
    client = Client()
    login(client, "leader@example.org")
    assert client.post("/accounts/2fa/authenticate/", {"code": code})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_second_factor_secrets_are_wrapped_under_the_kek(org: Personas) -> None:
    RecoveryCodes.activate(org.leader)
    for authenticator in Authenticator.objects.filter(user=org.leader):
        stored = str(authenticator.data)
        assert "vault:" in stored
        assert TOTP_SECRET not in stored


def test_api_tokens_are_unaffected_and_sessions_are_refused_until_set_up(org: Personas) -> None:
    token = token_for(without_authenticator(org.office))
    client = logged_in(org.office)
    assert Client().get("/api/v1/me", headers=bearer(token)).json()["email"] == "office@example.org"
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_required"
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer("dsn_forged")).status_code == 401


def test_a_second_factor_secret_changed_in_the_database_is_tampering(org: Personas) -> None:
    client = Client()
    login(client, "office@example.org")
    authenticator = Authenticator.objects.get(user=org.office, type=Authenticator.Type.TOTP)
    for damaged in (TOTP_SECRET, "vault:not base64!", "vault:" + "A" * 80):
        authenticator.data["secret"] = damaged
        authenticator.save()
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
        assert response.status_code == 500
        assert "failed its integrity check" in response.content.decode()
