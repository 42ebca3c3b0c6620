"""Operators are audited: every change through the admin site is an event in the chain, and
changes that widen who reads memos are announced to the auditors and the office head."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.test import Client

from dissent import cli
from dissent.admin_site import AuditedModelAdmin
from dissent.audit.models import AuditEvent
from dissent.channel.models import ChannelSettings, ClosureDay
from dissent.notify.models import Notification
from dissent.people.models import ApiToken, User
from tests.conftest import PASSWORD, Personas, logged_in, token_for, totp_code

SETTINGS_PAGE = "/admin/channel/channelsettings/1/change/"


def admin_client(person: User) -> Client:
    """The administrator logs in as they would: password, then the authenticator-app code."""
    client = Client()
    assert client.post("/accounts/login/", {"login": person.email, "password": PASSWORD}).status_code == 302
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code()})["Location"] == "/"
    assert client.get("/admin/").status_code == 200
    return client


def settings_form(**overrides: Any) -> dict[str, Any]:
    """The channel settings' change form as the admin page would post it, unchanged but for ``overrides``."""
    config = ChannelSettings.current()
    form: dict[str, Any] = {
        "receiving_office": config.receiving_office_id or "",
        "distribution_roles": '["leadership"]',
        "distribution_people": [p.pk for p in config.distribution_people.all()],
        "deadline_mode": config.deadline_mode,
        "acknowledge_working_days": config.acknowledge_working_days,
        "response_working_days": config.response_working_days,
        "extended_response_working_days": config.extended_response_working_days,
        "eu_acknowledge_days": config.eu_acknowledge_days,
        "eu_feedback_months": config.eu_feedback_months,
        "holiday_country": config.holiday_country,
        "holiday_subdivision": config.holiday_subdivision,
        "time_zone": config.time_zone,
        "leadership_signers_threshold": "",
        "leadership_agencies_threshold": "",
        "_save": "Save",
    }
    return form | overrides


def announced_to() -> set[str]:
    return set(Notification.objects.filter(kind="access.widened").values_list("user__email", flat=True))


def test_every_registered_model_is_audited() -> None:
    """A model registered later without the audited base would fail here."""
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedModelAdmin), model


def test_an_admin_granting_themselves_the_distribution_leaves_the_grant_and_the_revert_in_the_chain(
    org: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    client = admin_client(org.admin)
    granted = client.post(SETTINGS_PAGE, settings_form(distribution_people=[org.admin.pk]))
    assert granted.status_code == 302
    assert list(ChannelSettings.current().distribution_people.all()) == [org.admin]
    reverted = client.post(SETTINGS_PAGE, settings_form(distribution_people=[]))
    assert reverted.status_code == 302

    grant, revert = AuditEvent.objects.filter(action="admin.changed").order_by("pk")
    for event in (grant, revert):
        assert event.actor_id == org.admin.pk
        assert (event.object_type, event.object_id) == ("channel.channelsettings", "1")
        assert event.details["operator"] == {"via": "admin"}
        assert list(event.details["changes"]) == ["distribution_people"]
    assert grant.details["changes"]["distribution_people"] == {"before": [], "after": [org.admin.pk]}
    assert revert.details["changes"]["distribution_people"] == {"before": [org.admin.pk], "after": []}

    assert announced_to() == {org.auditor.email, org.office_head.email}
    assert Notification.objects.filter(kind="access.widened").count() == 2  # the grant; the revert narrows
    assert "An operator widened who may read memos" in logged_in(org.auditor).get("/inbox/").content.decode()
    assert (
        Notification.objects.filter(kind="access.widened", email_status="pending").count() == 2
    )  # the outbox

    assert cli.main(["audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out


def test_changing_the_receiving_office_or_the_roles_that_read_is_announced(org: Personas) -> None:
    client = admin_client(org.admin)
    client.post(SETTINGS_PAGE, settings_form(distribution_roles='["leadership", "admin"]'))
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.details["changes"]["distribution_roles"] == {
        "before": ["leadership"],
        "after": ["leadership", "admin"],
    }
    assert announced_to() == {org.auditor.email, org.office_head.email}


def test_granting_a_role_in_the_admin_is_audited_with_before_and_after_and_announced(org: Personas) -> None:
    client = admin_client(org.admin)
    page = f"/admin/people/user/{org.drafter.pk}/change/"
    membership = org.drafter.memberships.get()
    roles = list(org.drafter.role_assignments.all())
    form = {
        "name": org.drafter.name,
        "language": "en",
        "time_zone": "",
        "eligible": "on",
        "is_active": "on",
        "memberships-TOTAL_FORMS": 1,
        "memberships-INITIAL_FORMS": 1,
        "memberships-0-id": membership.pk,
        "memberships-0-user": org.drafter.pk,
        "memberships-0-unit": membership.unit_id,
        "memberships-0-position": 0,
        "role_assignments-TOTAL_FORMS": len(roles) + 1,
        "role_assignments-INITIAL_FORMS": len(roles),
        **{f"role_assignments-{i}-id": r.pk for i, r in enumerate(roles)},
        **{f"role_assignments-{i}-user": org.drafter.pk for i in range(len(roles) + 1)},
        **{f"role_assignments-{i}-role": r.role for i, r in enumerate(roles)},
        f"role_assignments-{len(roles)}-role": "auditor",
        "_save": "Save",
    }
    assert client.post(page, form).status_code == 302
    assert org.drafter.role_codes() == ["auditor", "staff"]
    event = AuditEvent.objects.get(action="admin.changed")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "people.user",
        str(org.drafter.pk),
        org.admin.pk,
    )
    assert event.details["changes"] == {
        "role_assignments": {"before": ["staff"], "after": ["auditor", "staff"]}
    }
    assert announced_to() >= {org.auditor.email, org.office_head.email}


def test_adding_and_deleting_in_the_admin_are_events_without_secrets(org: Personas) -> None:
    client = admin_client(org.admin)
    client.post(
        "/admin/channel/closureday/add/", {"date": "2027-01-02", "name": "Stocktaking", "_save": "Save"}
    )
    day = ClosureDay.objects.get()
    added = AuditEvent.objects.get(action="admin.added")
    assert added.details["changes"]["date"] == {"before": None, "after": "2027-01-02"}
    client.post(f"/admin/channel/closureday/{day.pk}/delete/", {"post": "yes"})
    deleted = AuditEvent.objects.get(action="admin.deleted")
    assert (deleted.object_type, deleted.object_id) == ("channel.closureday", str(day.pk))
    assert deleted.details["changes"]["name"] == {"before": "Stocktaking", "after": None}
    assert not announced_to()

    token_for(org.drafter)
    row = ApiToken.objects.get(user=org.drafter)
    client.post("/admin/people/apitoken/", {"action": "revoke", "_selected_action": [row.pk]})
    revoked = AuditEvent.objects.get(action="admin.action")
    assert revoked.details["admin_action"] == "revoke"
    assert revoked.details["changes"]["revoked_at"]["before"] is None
    assert "digest" not in revoked.details["changes"]
    assert row.digest not in str(revoked.details)


def test_removing_an_authenticator_is_audited_and_shows_no_secret(org: Personas) -> None:
    client = admin_client(org.admin)
    authenticator = Authenticator.objects.get(user=org.leader)
    client.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"})
    event = AuditEvent.objects.get(action="admin.deleted")
    assert event.details["changes"]["data"] == {"before": "(secret)", "after": "(secret)", "changed": True}
    assert "vault:" not in str(event.details)
