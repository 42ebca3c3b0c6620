"""GET /api/v1/audit: auditors see who did what and when, never what a memo says; others see nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dissent.audit.models import AuditEvent
from dissent.audit.services import record
from tests.conftest import Personas, bearer, token_for

METADATA_FIELDS = {"seq", "at", "actor_id", "action", "object", "memo_id", "details", "hash"}


def audit(client: Client, person: Any, **params: Any) -> Any:
    return client.get("/api/v1/audit", params, headers=bearer(token_for(person)))


def test_the_auditor_sees_who_read_memo_41_and_when(
    chain: list[AuditEvent], org: Personas, client: Client
) -> None:
    body = audit(client, org.auditor, memo="41", action="memo.read").json()
    assert body["count"] == 3
    readers = [item["actor_id"] for item in body["items"]]
    assert readers == [str(org.leader.pk), str(org.office.pk), str(org.drafter.pk)]  # newest first
    newest = body["items"][0]
    assert set(newest) == METADATA_FIELDS
    assert (newest["seq"], newest["hash"], newest["memo_id"]) == (5, chain[4].hash, "41")
    assert newest["at"].startswith(chain[4].at.isoformat()[:19])


def test_the_auditor_sees_everything_one_person_did(
    chain: list[AuditEvent], org: Personas, client: Client
) -> None:
    body = audit(client, org.auditor, actor=org.drafter.pk).json()
    assert [item["action"] for item in body["items"]] == ["memo.read", "memo.submitted"]
    assert body["items"][1]["details"] == {"version": 1}


def test_a_time_range_narrows_the_trail(chain: list[AuditEvent], org: Personas, client: Client) -> None:
    after_third = chain[2].at.isoformat()
    body = audit(client, org.auditor, since=after_third, until=chain[4].at.isoformat()).json()
    assert [item["seq"] for item in body["items"]] == [4, 3]


def test_pages_are_limited_and_counted(chain: list[AuditEvent], org: Personas, client: Client) -> None:
    body = audit(client, org.auditor, limit=2, offset=1).json()
    assert body["count"] == 5
    assert [item["seq"] for item in body["items"]] == [4, 3]
    assert len(audit(client, org.auditor, limit=100_000).json()["items"]) <= 500


@pytest.mark.parametrize("persona", ["office", "office_head", "leader", "outsider", "drafter", "admin"])
def test_for_everyone_but_auditors_the_trail_does_not_exist(
    chain: list[AuditEvent], org: Personas, client: Client, persona: str
) -> None:
    person = getattr(org, persona)
    response = audit(client, person)
    unknown = client.get("/api/v1/no-such-path", headers=bearer(token_for(person)))
    assert response.status_code == unknown.status_code == 404
    assert response.content == unknown.content
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert not AuditEvent.objects.filter(action="audit.read").exists()


def test_without_a_token_the_answer_is_401(db: None, client: Client) -> None:
    response = client.get("/api/v1/audit")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_reading_the_trail_is_itself_audited(chain: list[AuditEvent], org: Personas, client: Client) -> None:
    audit(client, org.auditor, memo="41", action="memo.read")
    read = AuditEvent.objects.get(action="audit.read")
    assert read.actor_id == org.auditor.pk
    assert read.details == {"filters": {"memo": "41", "action": "memo.read", "limit": 50, "offset": 0}}
    body = audit(client, org.auditor, action="audit.read").json()
    assert [item["actor_id"] for item in body["items"]] == [str(org.auditor.pk)]


def test_a_memo_read_shows_metadata_only(org: Personas, client: Client) -> None:
    """What the channel records for a read (memo, version) reaches the auditor; no content can."""
    record(actor=org.office, action="memo.read", memo_id="77", details={"version": 3, "via": "web"})
    with pytest.raises(ValueError, match="must not carry content"):
        record(actor=org.office, action="memo.read", memo_id="77", details={"version": 3, "body": "secret"})
    with pytest.raises(ValueError, match="must not carry content"):
        record(actor=org.office, action="memo.read", details={"changes": [{"Title": "secret"}]})
    item = audit(client, org.auditor, memo="77").json()["items"][0]
    assert set(item) == METADATA_FIELDS
    assert item["details"] == {"version": 3, "via": "web"}
    assert item["object"] is None


def test_a_malformed_time_is_a_422(org: Personas, client: Client) -> None:
    response = audit(client, org.auditor, since="last tuesday")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_the_operation_is_in_the_openapi_schema(db: None, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/audit"]["get"]["parameters"]}
    assert {"memo", "actor", "action", "since", "until", "limit", "offset"} <= parameters
