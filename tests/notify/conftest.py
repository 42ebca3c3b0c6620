"""A real mail server for the delivery tests (tests/notify/smtp.py), with Django sending to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notify import smtp


@pytest.fixture
def mail_server(settings) -> Iterator[smtp.FakeSmtp]:
    fake = smtp.FakeSmtp()
    server = smtp.start(fake)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield fake
    server.shutdown()
    server.server_close()
