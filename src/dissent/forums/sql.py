"""A person's seat at a session, written out: every vote and question starts with it.

Built through the ORM (``visible_to`` with its subqueries) it cost about 2.7 ms of a vote's
CPU to compile, more than running it; here it is one statement built once from the models'
names (dissent/rows.py). A session the person may not see and a missing one run the same
statement and are both "no seat", so neither their answers nor their timings differ.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from dissent import rows
from dissent.forums.models import ListeningSession, Registration, SessionUnit
from dissent.people.models import Membership


def session_with_standing(person_id: int, public_id: str) -> tuple[ListeningSession, bool, bool] | None:
    """The session, whether ``person_id`` is invited (or created it) and whether registered."""
    with connection.cursor() as cursor:
        cursor.execute(seat_sql(), [person_id, person_id, person_id, public_id])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, invited, registered = row
    return rows.from_row(ListeningSession, values, "s"), bool(invited), bool(registered)


@cache
def seat_sql() -> str:
    columns, _names = rows.select_list(ListeningSession, "s")
    return (
        f"SELECT {columns}, "  # noqa: S608 (names from the models, values as parameters)
        f"(s.to_all OR s.creator_id = %s OR EXISTS (SELECT 1 FROM {rows.table(SessionUnit)} su "
        f"JOIN {rows.table(Membership)} m ON m.unit_id = su.unit_id "
        f"WHERE su.session_id = s.id AND m.user_id = %s)), "
        f"EXISTS (SELECT 1 FROM {rows.table(Registration)} r WHERE r.session_id = s.id AND r.user_id = %s) "
        f"FROM {rows.table(ListeningSession)} s WHERE s.public_id = %s"
    )
