"""Login throttling, sessions that end when idle, and re-authentication before signing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client, RequestFactory

from dissent.api.auth import PersonalToken
from dissent.people.reauth import ReauthenticationNeeded, ensure_recent_authentication, recently_authenticated
from tests.conftest import PASSWORD, Personas, logged_in, token_for

START = 1_900_000_000


def login(client: Client, email: str = "drafter@example.org", password: str = PASSWORD) -> int:
    return client.post("/accounts/login/", {"login": email, "password": password}).status_code


def test_repeated_failed_logins_are_throttled_even_with_the_right_password_after(
    org: Personas, client: Client
) -> None:
    for _ in range(5):
        assert login(client, password="wrong guess") == 200
    refused = client.post("/accounts/login/", {"login": "drafter@example.org", "password": PASSWORD})
    assert "Too many failed login attempts" in refused.content.decode()
    assert client.get("/").status_code == 302
    assert login(Client(), "cosigner@example.org") == 302


def test_failures_for_one_person_do_not_lock_out_another(org: Personas) -> None:
    for _ in range(5):
        login(Client(), password="wrong guess")
    assert login(Client(), "cosigner@example.org") == 302


def test_a_session_ends_after_30_idle_minutes(org: Personas) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        assert login(client) == 302
        clock.shift(timedelta(minutes=31))
        assert client.get("/").status_code == 302


def test_activity_keeps_a_session_alive(org: Personas) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        assert login(client) == 302
        for _ in range(4):
            clock.shift(timedelta(minutes=25))
            assert client.get("/").status_code == 200


def test_the_idle_period_is_a_setting(org: Personas, settings) -> None:
    settings.SESSION_COOKIE_AGE = 5 * 60
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        assert login(client) == 302
        clock.shift(timedelta(minutes=4))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=6))
        assert client.get("/").status_code == 302


def test_a_bad_idle_period_is_a_clear_start_up_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "dissent.cli", "check"],
        env=env | {"DISSENT_HOME": str(tmp_path), "DISSENT_SESSION_IDLE_MINUTES": "half an hour"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "DISSENT_SESSION_IDLE_MINUTES must be a whole number of minutes" in result.stderr


@pytest.mark.urls("tests.urls")
def test_a_fresh_login_may_sign(org: Personas) -> None:
    client = Client()
    login(client)
    assert client.post("/test/sign").content == b"signed by Dana Drafter <drafter@example.org>"


@pytest.mark.urls("tests.urls")
def test_after_15_minutes_the_person_confirms_their_password_then_the_signature_goes_through(
    org: Personas,
) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        login(client)
        clock.shift(timedelta(minutes=16))
        asked = client.post("/test/sign")
        assert asked.status_code == 302
        assert asked["Location"] == "/accounts/reauthenticate/?next=%2Ftest%2Fsign"
        resumed = client.post(asked["Location"], {"password": PASSWORD})
        assert resumed.content == b"signed by Dana Drafter <drafter@example.org>"
        assert client.post("/test/sign").status_code == 200


@pytest.mark.urls("tests.urls")
def test_a_session_with_no_login_record_must_reauthenticate(org: Personas) -> None:
    assert logged_in(org.drafter).post("/test/sign")["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.urls("tests.urls")
def test_a_visitor_is_sent_to_log_in(db: None) -> None:
    assert Client().post("/test/sign")["Location"].startswith("/accounts/login/")


def test_a_bearer_token_needs_no_reauthentication(org: Personas) -> None:
    request = RequestFactory().get("/api/v1/me")
    PersonalToken().authenticate(request, token_for(org.drafter))
    assert recently_authenticated(request)
    ensure_recent_authentication(request)


def test_the_api_predicate_raises_a_typed_error_for_an_old_session(org: Personas) -> None:
    request = RequestFactory().get("/api/v1/me")
    request.user = org.drafter
    request.session = logged_in(org.drafter).session
    assert not recently_authenticated(request)
    with pytest.raises(ReauthenticationNeeded) as info:
        ensure_recent_authentication(request)
    assert (info.value.code, info.value.status) == ("reauthentication_required", 401)
