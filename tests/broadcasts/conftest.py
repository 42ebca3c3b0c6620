"""The delivery tests' mail server (tests/notify/conftest.py) serves these tests too."""

from tests.notify.conftest import mail_server

__all__ = ["mail_server"]
