"""The statements of the signing hot path, written out.

On the service path the ORM spent longer compiling these statements than the database
spent running them (1.7 ms against 0.1 ms for the read; about 0.2 ms per write), so they
are plain SQL with every value a parameter and every name taken from the models
(bench/sign_service.py measures them). Counters move in the database
(``count = count + delta``, what an F() expression compiles to), never read-modify-write.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import lru_cache
from typing import Any

from django.db import connection, transaction

from dissent import rows
from dissent.audit import services as audit
from dissent.audit.models import AuditEvent
from dissent.channel.models import Drafter, Memo, MemoVersion
from dissent.channel.status import MemoStatus
from dissent.people.models import Membership
from dissent.rows import table
from dissent.signing.models import Invitation, PersonKey, Signature, SignatureGoal, Tally


@lru_cache(maxsize=1)
def signing_target_sql() -> str:
    """Memo, current version, the signer's relation, primary unit, earlier choice and key, and the
    count at which the next milestone of the goal not yet told is reached (``(n + 2) / 3`` is
    the ceiling of n/3 in integers on both databases)."""
    return f"""
        SELECT m.id, m.public_id, m.status, v.id, v.number, v.sha256,
            EXISTS (SELECT 1 FROM {table(Drafter)} d WHERE d.memo_id = m.id AND d.user_id = %s),
            EXISTS (SELECT 1 FROM {table(Invitation)} i WHERE i.memo_id = m.id AND i.invitee_id = %s),
            (SELECT ms.unit_id FROM {table(Membership)} ms WHERE ms.user_id = %s
                ORDER BY ms.position, ms.id LIMIT 1),
            (SELECT CASE WHEN g.third_reached_at IS NULL THEN (g.target + 2) / 3
                WHEN g.two_thirds_reached_at IS NULL THEN (2 * g.target + 2) / 3 END
                FROM {table(SignatureGoal)} g WHERE g.memo_id = m.id),
            (SELECT s.name_visible FROM {table(Signature)} s WHERE s.memo_id = m.id AND s.signer_id = %s
                ORDER BY s.id DESC LIMIT 1),
            k.sealed_seed
        FROM {table(Memo)} m
        JOIN {table(MemoVersion)} v ON v.id = m.current_version_id
        LEFT JOIN {table(PersonKey)} k ON k.user_id = %s
        WHERE m.public_id = %s
    """  # noqa: S608 - names from the models, values are parameters


def signing_target_row(*, actor_pk: int, memo_id: str) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(signing_target_sql(), [actor_pk] * 5 + [memo_id])
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def add_signature(row: Signature, event: AuditEvent) -> int | None:
    """Write the signature, count it on the memo and its unit, and append its audit event, all or
    nothing. Returns the memo's new count, or None (nothing written) when an edit or a
    submission committed since the memo was read.

    The partial unique index refuses a second active signature (IntegrityError). On
    PostgreSQL all four writes are one statement, which commits by itself: every round trip
    on this path (BEGIN and COMMIT included) cost CPU on both sides and time in which the
    worker waited (docs/benchmarks.md). SQLite runs them in one transaction.
    """
    if connection.vendor == "postgresql":
        return add_in_one_statement(row, event)
    with transaction.atomic():
        rows.insert(row)
        count = count_on_memo(memo_pk=row.memo_id, version_pk=row.version_id, delta=1)
        if count is None:
            transaction.set_rollback(True)
            return None
        count_in_tally(version_pk=row.version_id, unit_id=row.unit_id, delta=1)
        event.object_id = str(row.pk)
        audit.append(event)
    return count


def add_in_one_statement(row: Signature, event: AuditEvent) -> int | None:
    sql, signature_fields, event_fields = add_signature_sql(with_unit=row.unit_id is not None)
    params: list[Any] = [MemoStatus.CIRCULATING.value, row.memo_id, row.version_id, row.version_id]
    if row.unit_id is not None:
        params.append(row.unit_id)
    params += rows.insert_values(row, signature_fields) + rows.insert_values(event, event_fields)
    # Alone, the statement is its own transaction. Inside a caller's transaction it gets a
    # savepoint, so that a refused signature (IntegrityError) does not abort the caller's.
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, row.pk, event.pk = cursor.fetchone()
    if count is None:
        return None
    event.object_id = str(row.pk)
    event._state.adding = False
    audit.appended(event)
    return int(count)


@lru_cache(maxsize=2)
def add_signature_sql(*, with_unit: bool) -> tuple[str, rows.Fields, rows.Fields]:
    """Count on the memo first: its UPDATE takes the memo's row lock and re-checks status and
    version, and every other part waits on it (``EXISTS … counted``), so an edit or a
    submission committed meanwhile wins and nothing is written. The unit's counter is an
    upsert on its unique constraint, so two first signatures from one unit make one row.
    """
    signature, signature_fields = rows.insert_select_statement(
        Signature, (), "EXISTS (SELECT 1 FROM counted)"
    )
    event, event_fields = rows.insert_select_statement(
        AuditEvent,
        (("object_id", "CAST((SELECT id FROM added) AS varchar)"),),
        "EXISTS (SELECT 1 FROM added)",
    )
    tally = table(Tally)
    version, unit_type = (rows.cast_type(Tally._meta.get_field(name)) for name in ("version", "unit"))  # type: ignore[arg-type]
    unit, conflict = (
        (f"CAST(%s AS {unit_type})", "(version_id, unit_id)")
        if with_unit
        else ("NULL", "(version_id) WHERE unit_id IS NULL")
    )
    sql = (
        f"WITH counted AS (UPDATE {table(Memo)} SET signature_count = signature_count + 1 "  # noqa: S608
        "WHERE status = %s AND id = %s AND current_version_id = %s RETURNING signature_count), "
        f"tallied AS (INSERT INTO {tally} (version_id, unit_id, count) "
        f"SELECT CAST(%s AS {version}), {unit}, 1 WHERE EXISTS (SELECT 1 FROM counted) "
        f"ON CONFLICT {conflict} DO UPDATE SET count = {tally}.count + 1 RETURNING id), "
        f"added AS ({signature}), audited AS ({event}) "
        "SELECT (SELECT signature_count FROM counted), (SELECT id FROM added), (SELECT id FROM audited)"
    )
    return sql, signature_fields, event_fields


def count_on_memo(*, memo_pk: int, version_pk: int, delta: int) -> int | None:
    """Count on the memo if it still circulates this version and return the new count; None when
    an edit or a submission won.

    The UPDATE takes the memo's row lock, so signing, editing and submitting one memo queue
    behind each other and the count always belongs to the current version.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(Memo)} SET signature_count = signature_count + %s "  # noqa: S608
            "WHERE id = %s AND status = %s AND current_version_id = %s RETURNING signature_count",
            [delta, memo_pk, MemoStatus.CIRCULATING.value, version_pk],
        )
        row = cursor.fetchone()
        return None if row is None else int(row[0])


def count_in_tally(*, version_pk: int, unit_id: int | None, delta: int) -> None:
    """Per-unit counter of one version; the caller holds the memo's row lock, so no two writers race."""
    unit = "unit_id IS NULL" if unit_id is None else "unit_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(Tally)} SET count = count + %s WHERE version_id = %s AND {unit}",  # noqa: S608
            [delta, version_pk] + ([] if unit_id is None else [unit_id]),
        )
        if cursor.rowcount == 0:
            Tally.objects.create(version_id=version_pk, unit_id=unit_id, count=delta)
