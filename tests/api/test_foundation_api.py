"""The API skeleton: who am I, how I authenticate, and errors that are always JSON."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dissent.people import services
from dissent.people.models import ApiToken, Membership, RoleAssignment, Unit
from tests.conftest import Personas, bearer, logged_in, token_for


def test_me_with_a_bearer_token_returns_the_person(org: Personas, client: Client) -> None:
    body = client.get("/api/v1/me", headers=bearer(token_for(org.leader))).json()
    assert body == {
        "id": str(org.leader.pk),
        "email": "leader@example.org",
        "name": "Lena Leader",
        "units": ["MIN"],
        "roles": ["leadership", "staff"],
        "eligible": True,
        "language": "en",
        "time_zone": "",
        "public_key": None,
    }


def test_me_with_a_browser_session(org: Personas) -> None:
    assert logged_in(org.cosigner).get("/api/v1/me").json()["language"] == "zh-hans"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("dsn_not-a-real-token"),
        bearer("garbage"),
        {"Authorization": "Basic Zm9vOmJhcg=="},
    ],
)
def test_without_valid_credentials_the_answer_is_401_json(
    org: Personas, client: Client, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_token_stops_working(org: Personas, client: Client) -> None:
    token = token_for(org.drafter)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    services.revoke_tokens(tokens=ApiToken.objects.filter(user=org.drafter))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_deactivated_person_cannot_use_their_token(org: Personas, client: Client) -> None:
    token = token_for(org.drafter)
    org.drafter.is_active = False
    org.drafter.save()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/memos/does-not-exist/nothing", "/api/v1/"])
def test_unknown_api_paths_are_json_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_openapi_and_docs_are_served(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_an_unexpected_failure_is_a_json_500_without_internals(
    org: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(person: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("dissent.api.people.selectors.with_directory", explode)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/me", headers=bearer(token_for(org.drafter)))
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal error.", "code": "server_error"}


def test_me_costs_a_fixed_number_of_queries(org: Personas, client: Client) -> None:
    """Token, units, roles, signing key: the same four queries however many units and roles."""
    busy = org.office_head
    for n, code in enumerate(("ORG", "MIN", "NOR", "WAT"), start=1):
        Membership.objects.create(user=busy, unit=Unit.objects.get(code=code), position=n)
    RoleAssignment.objects.bulk_create(RoleAssignment(user=busy, role=r) for r in ("auditor", "leadership"))
    counts = []
    for person in (org.drafter, busy):
        headers = bearer(token_for(person))
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 200
        assert response.json()["email"] == person.email
        counts.append(len(captured))
    assert response.json()["units"] == ["PPS", "ORG", "MIN", "NOR", "WAT"]
    assert counts[0] == counts[1] == 4, counts
