"""The auditor's pages: a filterable trail and its CSV export; for anyone else they do not exist."""

from __future__ import annotations

import csv
import io

import pytest

from dissent.audit.models import AuditEvent
from tests.conftest import Personas, logged_in


def test_the_auditor_sees_who_read_memo_41(chain: list[AuditEvent], org: Personas) -> None:
    response = logged_in(org.auditor).get("/audit/", {"memo": "41", "action": "memo.read"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 events" in page
    assert "office@example.org" in page
    assert "leader@example.org" in page
    assert "Read a memo" in page
    assert "cosigner@example.org" not in page


def test_the_auditor_finds_everything_one_person_did_by_e_mail(
    chain: list[AuditEvent], org: Personas
) -> None:
    page = logged_in(org.auditor).get("/audit/", {"actor": "Cosigner@Example.org"}).content.decode()
    assert "1 event" in page
    assert "Signed a memo" in page


def test_an_unknown_e_mail_is_a_form_error(chain: list[AuditEvent], org: Personas) -> None:
    response = logged_in(org.auditor).get("/audit/", {"actor": "ghost@example.org"})
    assert response.status_code == 400
    assert "Nobody with this e-mail address" in response.content.decode()


def test_a_date_range_that_ends_before_it_starts_is_a_form_error(org: Personas) -> None:
    response = logged_in(org.auditor).get("/audit/", {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 400


def test_long_trails_are_paginated(chain: list[AuditEvent], org: Personas, settings) -> None:
    from dissent.web import audit as views

    views.PER_PAGE, saved = 2, views.PER_PAGE
    try:
        page = logged_in(org.auditor).get("/audit/", {"page": "2"}).content.decode()
    finally:
        views.PER_PAGE = saved
    assert "Page 2 of 3" in page


@pytest.mark.parametrize("persona", ["office", "office_head", "leader", "outsider", "admin"])
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_for_everyone_but_auditors_the_pages_do_not_exist(
    chain: list[AuditEvent], org: Personas, persona: str, path: str
) -> None:
    assert logged_in(getattr(org, persona)).get(path).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="audit.").exists()


def test_a_visitor_who_is_not_signed_in_is_sent_to_log_in(db: None, client) -> None:
    response = client.get("/audit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_viewing_the_trail_is_audited(chain: list[AuditEvent], org: Personas) -> None:
    logged_in(org.auditor).get("/audit/", {"memo": "41"})
    read = AuditEvent.objects.get(action="audit.read")
    assert read.actor_id == org.auditor.pk
    assert read.details == {"filters": {"memo": "41", "page": 1}}


def test_the_csv_export_has_the_filtered_events_and_is_audited(
    chain: list[AuditEvent], org: Personas
) -> None:
    response = logged_in(org.auditor).get("/audit/export.csv", {"memo": "41", "action": "memo.read"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert [row["actor_email"] for row in rows] == [
        "leader@example.org",
        "office@example.org",
        "drafter@example.org",
    ]
    assert rows[0]["hash"] == chain[4].hash
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == org.auditor.pk
    assert exported.details == {"filters": {"memo": "41", "action": "memo.read"}}


def test_details_are_shown_as_json(chain: list[AuditEvent], org: Personas) -> None:
    page = logged_in(org.auditor).get("/audit/", {"action": "signature.added"}).content.decode()
    assert "<code>{&quot;signature&quot;: &quot;7&quot;}</code>" in page
