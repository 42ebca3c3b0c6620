"""Every write to people, units, roles and tokens.

Directory imports are all-or-nothing: the whole file is checked first, then written
in one transaction with set-based queries, so 10,000 people take seconds, not minutes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dissent.errors import InvalidInput, NotFound
from dissent.people import sql
from dissent.people.directory import (
    DirectoryFileError,
    PersonRow,
    RowError,
    UnitRow,
    decode,
    parse_people,
    parse_units,
)
from dissent.people.models import (
    LANGUAGE_CHOICES,
    ApiToken,
    Membership,
    RoleAssignment,
    Unit,
    User,
    normalize_email,
)
from dissent.people.roles import Role

TOKEN_PREFIX = "dsn_"  # noqa: S105 - a label that makes leaked tokens easy to scan for, not a secret
MIN_TOKEN_DAYS, MAX_TOKEN_DAYS = 1, 366
CHUNK = 900  # stays under SQLite's bound-parameter limit on old builds
T = TypeVar("T")


class ImportRejected(InvalidInput):
    """The file has invalid rows and ``skip_invalid`` was not asked for: nothing was written."""

    code = "import_rejected"

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} invalid row(s); nothing was imported")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: list[RowError]


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_units(*, data: bytes, skip_invalid: bool = False) -> ImportResult:
    """Create or update units by code; parents may be listed before or after their children."""
    try:
        text = decode(data)
        existing = dict(Unit.objects.values_list("code", "parent__code"))
        parsed = parse_units(text, {code: parent or "" for code, parent in existing.items()})
    except DirectoryFileError as exc:
        raise ImportRejected([RowError(0, str(exc))]) from exc
    if parsed.errors and not skip_invalid:
        raise ImportRejected(parsed.errors)
    with transaction.atomic():
        created, updated = write_units(parsed.rows)
    return ImportResult(created=created, updated=updated, skipped=parsed.errors)


def write_units(rows: list[UnitRow]) -> tuple[int, int]:
    codes = [row.code for row in rows]
    existing = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    Unit.objects.bulk_create(
        [Unit(code=row.code, name=row.name, kind=row.kind) for row in rows],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "kind"],
    )
    ids = dict(Unit.objects.values_list("code", "id"))
    for row in rows:
        Unit.objects.filter(code=row.code).update(parent_id=ids.get(row.parent_code))
    return len(set(codes) - existing), len(existing)


def import_people(*, data: bytes, skip_invalid: bool = False) -> ImportResult:
    """Create or update people by e-mail; their units, roles and headships become what the file says.

    People absent from the file are left as they are: a partial file never removes anyone.
    """
    try:
        text = decode(data)
        parsed = parse_people(text, Unit.objects.values_list("code", flat=True))
    except DirectoryFileError as exc:
        raise ImportRejected([RowError(0, str(exc))]) from exc
    if parsed.errors and not skip_invalid:
        raise ImportRejected(parsed.errors)
    with transaction.atomic():
        created, updated = write_people(parsed.rows)
    return ImportResult(created=created, updated=updated, skipped=parsed.errors)


def write_people(rows: list[PersonRow]) -> tuple[int, int]:
    emails = [row.email for row in rows]
    existing: set[str] = set()
    for part in chunks(emails):
        existing.update(User.objects.filter(email__in=part).values_list("email", flat=True))
    users = [
        User(
            email=row.email,
            name=row.name,
            eligible=row.eligible,
            language=row.language,
            is_staff=Role.ADMIN in row.roles,
            is_superuser=Role.ADMIN in row.roles,
            password="!" + secrets.token_urlsafe(30),  # unusable until set by reset or admin
        )
        for row in rows
    ]
    User.objects.bulk_create(
        users,
        batch_size=CHUNK // 8,
        update_conflicts=True,
        unique_fields=["email"],
        update_fields=["name", "eligible", "language", "is_staff", "is_superuser"],
    )
    ids: dict[str, int] = {}
    for part in chunks(emails):
        ids.update(User.objects.filter(email__in=part).values_list("email", "id"))
    user_ids = list(ids.values())
    for id_part in chunks(user_ids):
        Membership.objects.filter(user_id__in=id_part).delete()
        RoleAssignment.objects.filter(user_id__in=id_part).delete()
    unit_ids = dict(Unit.objects.values_list("code", "id"))
    Membership.objects.bulk_create(
        [
            Membership(user_id=ids[row.email], unit_id=unit_ids[code], position=pos)
            for row in rows
            for pos, code in enumerate(row.units)
        ],
        batch_size=CHUNK // 3,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=ids[row.email], role=role) for row in rows for role in row.roles],
        batch_size=CHUNK // 2,
    )
    for id_part in chunks(user_ids):
        Unit.objects.filter(head_id__in=id_part).update(head=None)
    for row in rows:
        if row.head:
            Unit.objects.filter(id=unit_ids[row.units[0]]).update(head_id=ids[row.email])
    return len(set(emails) - existing), len(existing)


def set_language(*, person: User, language: str) -> None:
    """Remember the language a person chose, for pages and for the e-mails they receive."""
    if language not in {code for code, _name in LANGUAGE_CHOICES}:
        raise InvalidInput(f"unknown language {language!r}")
    person.language = language
    person.save(update_fields=["language"])


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_tokens(*, emails: Sequence[str], days: int | None = None) -> list[tuple[str, str]]:
    """Issue one new personal token per address; returns (email, token), the only time it is seen.

    Each expires after ``days`` (1 to 366; default ``DISSENT_TOKEN_DAYS``). Unknown or
    inactive addresses reject the whole call so that no one is half-served.
    """
    lifetime = settings.DISSENT_TOKEN_DAYS if days is None else days
    if not MIN_TOKEN_DAYS <= lifetime <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a token lasts {MIN_TOKEN_DAYS} to {MAX_TOKEN_DAYS} days, not {lifetime}")
    expires_at = timezone.now() + timedelta(days=lifetime)
    wanted = [normalize_email(e) for e in emails]
    found: dict[str, int] = {}
    for part in chunks(wanted):
        found.update(User.objects.filter(email__in=part, is_active=True).values_list("email", "id"))
    unknown = [e for e in wanted if e not in found]
    if unknown:
        raise NotFound("no active person with e-mail " + ", ".join(unknown))
    issued = [(email, TOKEN_PREFIX + secrets.token_urlsafe(32)) for email in wanted]
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=found[email], digest=token_digest(token), prefix=token[:12], expires_at=expires_at
            )
            for email, token in issued
        ],
        batch_size=CHUNK // 4,
    )
    return issued


def revoke_tokens(*, tokens: Iterable[ApiToken]) -> int:
    """Revoke tokens at once; a revoked token authenticates nothing from then on."""
    ids = [t.pk for t in tokens]
    return ApiToken.objects.filter(pk__in=ids, revoked_at__isnull=True).update(revoked_at=timezone.now())


def authenticate_token(token: str) -> User | None:
    """The active person behind a bearer token, or None. One indexed lookup, no slow hash."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return sql.person_by_token_digest(token_digest(token), now=timezone.now())
