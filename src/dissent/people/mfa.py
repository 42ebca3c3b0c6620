"""Two-factor authentication (django-allauth's mfa): who must use it, and where its secrets live.

People who see other people's memos or run the installation (office, office head,
leadership, auditor, admin) must have an authenticator app (TOTP; recovery codes come
with it); with ``DISSENT_MFA_FOR_EVERYONE`` everyone must. Until they set one up, every
page sends them to the set-up. Personal API tokens are not affected: a token is a separate
credential an administrator issues, and it expires (``DISSENT_TOKEN_DAYS``, at most a year).

allauth stores TOTP secrets and recovery-code seeds in the database; here they are
wrapped under the key-encryption key like every other secret, so a database dump does
not hand out second factors, and ``dissent keys rotate`` re-wraps them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import cache
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from dissent.people.models import User
from dissent.people.roles import Role
from dissent.vault.kek import Kek
from dissent.vault.services import Tampered, rewrap_secret, unwrap_secret, wrap_secret

MFA_ROLES = frozenset({Role.OFFICE, Role.OFFICE_HEAD, Role.LEADERSHIP, Role.AUDITOR, Role.ADMIN})
WRAPPED_PREFIX = "vault:"
AAD = "allauth-mfa"
WRAPPED_KEYS = ("secret", "seed")


def must_set_up_mfa(person: Any) -> bool:
    """Must use two factors (a privileged role, or everyone with ``DISSENT_MFA_FOR_EVERYONE``)
    but has no authenticator app yet (one query)."""
    if not person.is_authenticated:
        return False
    has_totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    required = User.objects.filter(pk=person.pk)
    if not settings.MFA_FOR_EVERYONE:
        required = required.filter(role_assignments__role__in=MFA_ROLES)
    return required.exclude(Exists(has_totp)).exists()


class VaultMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds, wrapped under the KEK instead of stored in the clear."""

    def encrypt(self, text: str) -> str:
        return WRAPPED_PREFIX + base64.b64encode(wrap_secret(text.encode("utf-8"), aad=AAD)).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        return unwrap_secret(stored_blob(encrypted_text), aad=AAD).decode("utf-8")


def stored_blob(text: str) -> bytes:
    """The wrapped secret inside allauth's stored text; anything else was put there by hand."""
    if not text.startswith(WRAPPED_PREFIX):
        raise Tampered(where="an MFA secret is stored unwrapped")
    try:
        return base64.b64decode(text.removeprefix(WRAPPED_PREFIX), validate=True)
    except ValueError as exc:
        raise Tampered(where="an MFA secret is not base64") from exc


def rewrapped_text(text: str, *, to: Kek) -> str | None:
    blob = rewrap_secret(stored_blob(text), aad=AAD, to=to)
    return None if blob is None else WRAPPED_PREFIX + base64.b64encode(blob).decode("ascii")


class MfaSecretStore:
    """allauth's authenticators, for ``dissent keys rotate`` (registered in ``PeopleConfig.ready``)."""

    name = "two-factor secrets"

    def rewrap(self, *, to: Kek, batch_size: int) -> int:
        done, after = 0, 0
        while True:
            with transaction.atomic():
                rows = Authenticator.objects.select_for_update().filter(
                    pk__gt=after, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
                )
                batch = list(rows.order_by("pk")[:batch_size])
                if not batch:
                    return done
                changed = [row for row in batch if self.rewrap_row(row, to=to)]
                Authenticator.objects.bulk_update(changed, ["data"])
            done, after = done + len(changed), batch[-1].pk

    def rewrap_row(self, row: Authenticator, *, to: Kek) -> bool:
        changed = False
        for key in WRAPPED_KEYS:
            if key in row.data and (new := rewrapped_text(row.data[key], to=to)) is not None:
                row.data[key] = new
                changed = True
        return changed


@cache
def exempt_paths() -> tuple[tuple[str, ...], frozenset[str]]:
    """Path prefixes and exact paths a person may use before setting up two factors."""
    prefixes = (settings.STATIC_URL, reverse("mfa_index"))
    exact = frozenset(reverse(name) for name in ("account_logout", "account_reauthenticate", "set_language"))
    return prefixes, exact


class MfaRequiredMiddleware:
    """Send people whose role requires two factors to the set-up before anything else.

    Under /api/, a browser session of such a person answers 403 ``mfa_required``; a request
    carrying ``Authorization`` is left to the API's token check, with the session ignored.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefixes, exact = exempt_paths()
        path = request.path
        if path in exact or path.startswith(prefixes) or not must_set_up_mfa(request.user):
            return self.get_response(request)
        if path.startswith("/api/"):
            if "Authorization" in request.headers:
                request.user = AnonymousUser()
                return self.get_response(request)
            detail = _("Set up two-factor authentication in the browser first, or use a personal API token.")
            return JsonResponse({"detail": detail, "code": "mfa_required"}, status=403)
        messages.info(
            request,
            _("Your role requires two-factor authentication: set up an authenticator app to continue."),
        )
        return redirect("mfa_activate_totp")
