"""The bearer-token lookup, written out: it runs on every API request.

Compiling it through the ORM cost six times what running it did (0.34 ms against 0.06 ms a
request, bench/sign_http.py), so it is one statement built once from the models' names
(dissent/rows.py), with the digest as its only parameter, read into a User as the ORM would.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from django.db import connection

from dissent import rows
from dissent.people.models import ApiToken, User


def person_by_token_digest(digest: str, *, now: datetime) -> User | None:
    """The active person holding the unrevoked, unexpired token with this SHA-256 digest."""
    return rows.fetch_one(
        User, token_sql(), [digest, connection.ops.adapt_datetimefield_value(now)], alias="u"
    )


@cache
def token_sql() -> str:
    columns, _names = rows.select_list(User, "u")
    return (
        f"SELECT {columns} FROM {rows.table(User)} u JOIN {rows.table(ApiToken)} t ON t.user_id = u.id "  # noqa: S608
        "WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active"
    )
