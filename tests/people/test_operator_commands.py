"""Operators at the command line are audited too, and personal API tokens end."""

from __future__ import annotations

import getpass
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from dissent import cli
from dissent.audit.models import AuditEvent
from dissent.notify.models import Notification
from dissent.people.models import ApiToken
from tests.conftest import PEOPLE, Personas, bearer


def tokens_created(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert cli.main(["tokens", "create", *args]) == 0
    return [line.split()[1] for line in capsys.readouterr().out.splitlines()]


def test_a_people_import_granting_a_reader_role_is_one_event_and_is_announced(
    org: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = PEOPLE.replace("Dana Drafter,NOR,staff,", "Dana Drafter,NOR,staff;leadership,")
    path = tmp_path / "people.csv"
    path.write_text(changed)
    assert cli.main(["people", "import", str(path)]) == 0

    event = AuditEvent.objects.get(action="cli.people_imported")
    assert event.actor_id is None
    assert event.details["operator"] == {"via": "cli", "os_user": getpass.getuser()}
    assert event.details["changes"] == {
        "role_assignments": {"before": [], "after": [f"{org.drafter.pk}:leadership"]}
    }
    assert (event.details["created"], event.details["updated"]) == (0, 9)
    watchers = set(Notification.objects.filter(kind="access.widened").values_list("user", flat=True))
    assert watchers == {org.auditor.pk, org.office_head.pk}


def test_an_import_that_grants_nothing_is_still_an_event_but_no_announcement(
    org: Personas, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE)
    assert cli.main(["people", "import", str(path)]) == 0
    assert AuditEvent.objects.get(action="cli.people_imported").details["changes"] == {}
    assert not Notification.objects.filter(kind="access.widened").exists()


def test_tokens_expire_after_the_days_asked_for_and_then_answer_like_unknown_ones(
    org: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    [token] = tokens_created(capsys, "--days", "1", "drafter@example.org")
    row = ApiToken.objects.get()
    assert timedelta(hours=23) < row.expires_at - timezone.now() <= timedelta(days=1)
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        expired = Client().get("/api/v1/me", headers=bearer(token))
        unknown = Client().get("/api/v1/me", headers=bearer("dsn_" + "x" * 43))
    assert expired.status_code == unknown.status_code == 401
    assert expired.content == unknown.content


def test_tokens_last_ninety_days_unless_told_and_at_most_a_year(
    org: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens_created(capsys, "drafter@example.org")
    lifetime = ApiToken.objects.get().expires_at - timezone.now()
    assert timedelta(days=89) < lifetime <= timedelta(days=90)
    for days in ("0", "367", "-3"):
        assert cli.main(["tokens", "create", "--days", days, "drafter@example.org"]) == 2
        assert "--days must be from 1 to 366" in capsys.readouterr().err
    assert ApiToken.objects.count() == 1


def test_creating_and_revoking_tokens_are_events_naming_ids_not_tokens(
    org: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    [token] = tokens_created(capsys, "office@example.org")
    row = ApiToken.objects.get()
    created = AuditEvent.objects.get(action="cli.tokens_created")
    assert created.details["tokens"] == [
        {"token": row.pk, "person": org.office.pk, "expires_at": row.expires_at.isoformat()}
    ]
    assert cli.main(["tokens", "revoke", str(row.pk)]) == 0
    assert "1 token(s) revoked" in capsys.readouterr().out
    revoked = AuditEvent.objects.get(action="cli.tokens_revoked")
    assert revoked.details["tokens"] == [{"token": row.pk, "person": org.office.pk}]
    for event in (created, revoked):
        assert token not in str(event.details)
        assert row.digest not in str(event.details)
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_tokens_list_shows_each_token_by_id_and_person_never_the_token(
    org: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    [drafter_token] = tokens_created(capsys, "drafter@example.org")
    tokens_created(capsys, "--days", "7", "office@example.org")
    assert cli.main(["tokens", "list", "--email", "Drafter@Example.org"]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split("\t") == ["id", "person", "token", "created", "expires", "revoked"]
    row = ApiToken.objects.get(user=org.drafter)
    assert lines == [
        f"{row.pk}\tdrafter@example.org\t{row.prefix}…\t{row.created_at.isoformat(timespec='seconds')}"
        f"\t{row.expires_at.isoformat(timespec='seconds')}\t-"
    ]
    assert drafter_token not in lines[0]
    assert cli.main(["tokens", "list"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
