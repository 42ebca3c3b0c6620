"""Typed domain errors. Services raise them; the API, pages and CLI map them once.

Each carries a stable ``code`` that clients may rely on and an HTTP ``status`` for the API.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_detail = _("The request could not be carried out.")

    def __init__(self, detail: str | None = None) -> None:
        self.detail = str(detail) if detail is not None else str(self.default_detail)
        super().__init__(self.detail)


class NotFound(DomainError):
    """Also what an actor gets for anything they may not see: existence is never confirmed."""

    code = "not_found"
    status = 404
    default_detail = _("Not found.")


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
    default_detail = _("You may not do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidInput(DomainError):
    code = "invalid"
    status = 422
