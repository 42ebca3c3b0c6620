"""A stream's person is the one behind its bearer token or its browser session, resolved once."""

from __future__ import annotations

from django.conf import settings

from dissent.live.auth import user_from_headers
from tests.conftest import Personas, logged_in, token_for


def session_cookie(org: Personas) -> str:
    client = logged_in(org.drafter)
    return f"csrftoken=x; {settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_the_session_cookie_and_the_bearer_token_name_their_person(org: Personas) -> None:
    assert user_from_headers(session_cookie(org), None) == org.drafter
    assert user_from_headers(None, f"Bearer {token_for(org.cosigner)}") == org.cosigner
    # as the API does: a token that is not valid leaves the session to decide
    assert user_from_headers(session_cookie(org), "Bearer dc_not-a-token") == org.drafter


def test_no_credentials_a_forged_session_or_a_deactivated_person_name_nobody(org: Personas) -> None:
    cookie = session_cookie(org)
    assert user_from_headers(None, None) is None
    assert user_from_headers(f"{settings.SESSION_COOKIE_NAME}=forged", "Basic abc") is None
    org.drafter.is_active = False
    org.drafter.save(update_fields=["is_active"])
    assert user_from_headers(cookie, None) is None


def test_a_session_ended_by_a_password_change_names_nobody(org: Personas) -> None:
    cookie = session_cookie(org)
    org.drafter.set_password("a new password for the test")
    org.drafter.save(update_fields=["password"])
    assert user_from_headers(cookie, None) is None
