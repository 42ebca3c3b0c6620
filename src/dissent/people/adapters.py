"""allauth, fitted to a directory of staff: nobody signs up, and nobody locks a colleague out.

Failed logins are counted per client address and per account *and* address
(``login_failed``), so a stranger's wrong passwords from one address do not lock the owner
out at another; a larger ceiling per account alone (``login_failed_account``) still stops
guessing spread over many addresses. One address cannot reach that ceiling: its own limit
allows fewer attempts per account in the same time (settings.ACCOUNT_RATE_LIMITS).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.http import HttpRequest

APP = "allauth.account"
PER_ACCOUNT = "login_failed_account"


class DirectoryAccountAdapter(DefaultAccountAdapter):
    """People come from the organisation's directory import, so nobody signs themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def account_key(self, request: HttpRequest, **credentials: Any) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth's per-"key" limit counts this: the account at this client address."""
        return f"{self.account_key(request, **credentials)}@{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the attempt against the account's ceiling, then (allauth) its address limits."""
        ceiling = ratelimit.consume(
            request, app=APP, action=PER_ACCOUNT, key=self.account_key(request, **credentials)
        )
        if not ceiling:
            raise self.validation_error("too_many_login_attempts")
        try:
            super().pre_authenticate(request, **credentials)
        except Exception:
            ceiling.rollback()  # refused before any password was tried
            raise
        self._login_failed_rl_usage.usage.extend(ceiling.usage)  # a good password rolls back both

    def send_notification_mail(
        self, template_prefix: str, user: Any, context: Any = None, email: Any = None
    ) -> None:
        """allauth's security notices (password changed or reset, address added or removed),
        except a change of login address, which ``people/addresses.py`` announces on every route."""
        if template_prefix != "account/email/email_changed":
            super().send_notification_mail(template_prefix, user, context, email)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset the account starts afresh, at every address."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(request, app=APP, action=PER_ACCOUNT, key=self.account_key(request, **credentials))
