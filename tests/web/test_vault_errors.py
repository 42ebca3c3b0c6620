"""Tampered content or an unusable KEK is a clear sentence, never garbage or a traceback."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.urls("tests.urls")


def test_tampered_content_is_a_clear_page_and_is_logged(
    db: None, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = client.get("/test/tampered")
    assert response.status_code == 500
    page = response.content.decode()
    assert "failed its integrity check" in page
    assert "Traceback" not in page
    assert "memo 1 body" not in page
    assert "test: memo 1 body" in caplog.text


def test_an_unusable_kek_is_a_clear_503(db: None, client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        response = client.get("/test/kek-gone")
    assert response.status_code == 503
    assert "cannot open its encryption keys" in response.content.decode()
    assert "/srv/dissent" not in response.content.decode()
    assert "/srv/dissent/kek is missing" in caplog.text


def test_the_api_answers_tampering_with_its_code(db: None, client: Client) -> None:
    response = client.get("/test/api/tampered")
    assert response.status_code == 500
    assert response.json()["code"] == "tampered"
    assert "integrity check" in response.json()["detail"]
