"""Nobody takes over someone else's account through its e-mail addresses, nobody locks a
colleague out with wrong passwords, and two factors can be required of everyone."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from dissent.people.models import User
from tests.conftest import PASSWORD, Personas, logged_in
from tests.web.test_admin_audit import admin_client

MALLORY = "mallory@elsewhere.example"
STRANGER, OWNER = "203.0.113.9", "198.51.100.7"


def reset(email: str) -> Any:
    return Client().post("/accounts/password/reset/", {"email": email})


def login_from(address: str, email: str, password: str) -> Any:
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"login": email, "password": password})


def test_the_admin_site_cannot_give_anyone_an_address_or_verify_one(org: Personas) -> None:
    client = admin_client(org.admin)
    planted = {"user": org.drafter.pk, "email": MALLORY, "verified": "on", "primary": "", "_save": "Save"}
    assert client.post("/admin/account/emailaddress/add/", planted).status_code == 403
    assert not EmailAddress.objects.filter(email=MALLORY).exists()

    address = EmailAddress.objects.create(user=org.drafter, email="dana@home.example", verified=False)
    client.post("/admin/account/emailaddress/", {"action": "make_verified", "_selected_action": [address.pk]})
    assert client.post(f"/admin/account/emailaddress/{address.pk}/change/", planted).status_code == 403
    address.refresh_from_db()
    assert (address.email, address.verified) == ("dana@home.example", False)


def test_the_admin_site_cannot_change_the_address_a_person_logs_in_with(org: Personas) -> None:
    client = admin_client(org.admin)
    page = f"/admin/people/user/{org.drafter.pk}/change/"
    form = {
        "email": MALLORY,
        "name": org.drafter.name,
        "language": "en",
        "time_zone": "",
        "eligible": "on",
        "is_active": "on",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "role_assignments-TOTAL_FORMS": 0,
        "role_assignments-INITIAL_FORMS": 0,
        "_save": "Save",
    }
    client.post(page, form)
    assert User.objects.get(pk=org.drafter.pk).email == "drafter@example.org"


def test_a_reset_link_goes_only_to_the_login_address(org: Personas) -> None:
    """Even an address that got onto the account some other way opens nothing."""
    EmailAddress.objects.create(user=org.drafter, email=MALLORY, verified=True, primary=False)
    planted = reset(MALLORY)
    assert mail.outbox == []
    unknown = reset("nobody@example.org")
    assert mail.outbox == []
    known = reset("drafter@example.org")
    assert [m.to for m in mail.outbox] == [["drafter@example.org"]]
    assert planted.status_code == unknown.status_code == known.status_code == 302
    assert planted["Location"] == unknown["Location"] == known["Location"]


def test_a_changed_login_address_is_announced_to_the_old_one(
    org: Personas, django_capture_on_commit_callbacks
) -> None:
    client = logged_in(org.drafter)
    client.post("/accounts/email/", {"action_add": "", "email": "dana@new.example.org"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/email/", {"action_primary": "", "email": "dana@new.example.org"})
    assert User.objects.get(pk=org.drafter.pk).email == "dana@new.example.org"
    [notice] = mail.outbox
    assert notice.to == ["drafter@example.org"]
    assert "dana@new.example.org" in notice.body


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(org: Personas) -> None:
    for _attempt in range(5):
        assert login_from(STRANGER, "drafter@example.org", "guess").status_code == 200
    refused = login_from(STRANGER, "drafter@example.org", PASSWORD)
    assert "Too many failed login attempts" in refused.content.decode()
    assert login_from(OWNER, "drafter@example.org", PASSWORD).status_code == 302


def test_guessing_spread_over_many_addresses_meets_the_accounts_ceiling(org: Personas) -> None:
    for attempt in range(100):
        login_from(f"10.0.{attempt // 250}.{attempt % 250}", "drafter@example.org", "guess")
    assert (
        "Too many failed login attempts"
        in login_from(OWNER, "drafter@example.org", PASSWORD).content.decode()
    )


def test_a_setting_requires_two_factors_of_everyone(org: Personas, settings) -> None:
    assert logged_in(org.drafter).get("/").status_code == 200
    settings.MFA_FOR_EVERYONE = True
    response = logged_in(org.drafter).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
