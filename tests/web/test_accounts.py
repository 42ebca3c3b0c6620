"""Logging in and out, password reset, the closed sign-up, the admin site, and the person's language."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from dissent.people.models import ApiToken, User
from tests.conftest import PASSWORD, Personas, bearer, logged_in, token_for


def login(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_the_start_page_asks_a_visitor_to_log_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_person_logs_in_with_email_and_password_and_sees_their_units(org: Personas, client: Client) -> None:
    response = login(client, "Drafter@Example.org")
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Welcome, Dana Drafter" in page
    assert "Northern Bureau" in page


def test_a_wrong_password_is_refused(org: Personas, client: Client) -> None:
    response = login(client, "drafter@example.org", "not the password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(org: Personas) -> None:
    client = logged_in(org.drafter)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_nobody_can_sign_themselves_up(db: None, client: Client) -> None:
    response = client.post(
        "/accounts/signup/", {"email": "new@example.org", "password1": "a long enough pw 123"}
    )
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_password_reset_mails_a_link_and_the_new_password_works(org: Personas, client: Client) -> None:
    client.post("/accounts/password/reset/", {"email": "drafter@example.org"})
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/accounts/password/reset/key/" in word)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    new = "a brand new passphrase 42"
    client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert login(Client(), "drafter@example.org", new).status_code == 302


def test_the_admin_site_is_only_for_administrators(org: Personas) -> None:
    assert logged_in(org.admin).get("/admin/").status_code == 200
    for person in (org.drafter, org.office_head, org.leader, org.auditor):
        assert logged_in(person).get("/admin/").status_code == 302


def test_is_staff_alone_does_not_open_the_admin(org: Personas) -> None:
    org.leader.is_staff = True
    org.leader.save()
    assert logged_in(org.leader).get("/admin/").status_code == 302


def test_pages_speak_the_language_of_the_persons_profile(org: Personas) -> None:
    page = logged_in(org.cosigner).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "欢迎" in page
    assert 'lang="zh-hans"' in page


def test_choosing_a_language_in_the_header_updates_the_profile(org: Personas) -> None:
    client = logged_in(org.drafter)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    org.drafter.refresh_from_db()
    assert org.drafter.language == "zh-hans"
    assert "欢迎" in client.get("/").content.decode()


def test_a_visitor_may_choose_a_language_for_the_login_page(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert 'lang="zh-hans"' in client.get("/accounts/login/").content.decode()


def test_an_unknown_page_is_a_plain_404(client: Client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_an_administrator_edits_the_channel_settings_in_the_admin(org: Personas) -> None:
    client = logged_in(org.admin)
    page = client.get("/admin/channel/channelsettings/1/change/")
    assert page.status_code == 200
    assert "Policy Planning" in page.content.decode()


def test_an_administrator_revokes_a_token_in_the_admin(org: Personas) -> None:
    token = token_for(org.drafter)
    row = ApiToken.objects.get(user=org.drafter)
    client = logged_in(org.admin)
    client.post("/admin/people/apitoken/", {"action": "revoke", "_selected_action": [row.pk]}, follow=True)
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_the_navigation_offers_each_role_its_pages(org: Personas) -> None:
    auditor_page = logged_in(org.auditor).get("/inbox/").content.decode()
    assert 'href="/audit/"' in auditor_page
    assert 'href="/office/"' not in auditor_page
    office_page = logged_in(org.office).get("/inbox/").content.decode()
    assert 'href="/office/"' in office_page
    assert 'href="/audit/"' not in office_page


def test_the_log_in_page_offers_no_sign_up_and_leads_to_choosing_a_password(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in page
    assert "sign up" not in page.lower()
    assert 'href="/accounts/password/reset/"' in page
    assert 'name="login"' in page
    assert 'name="password"' in page
    chinese = client.get("/accounts/login/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "登录" in chinese
    assert "/accounts/signup/" not in chinese
