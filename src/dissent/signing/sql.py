"""The statements of the signing hot path, written out.

On the service path the ORM spent longer compiling these statements than the database
spent running them (1.7 ms against 0.1 ms for the read; about 0.2 ms per write), so they
are plain SQL with every value a parameter and every name taken from the models
(bench/sign_service.py measures them). Counters move in the database
(``count = count + delta``, what an F() expression compiles to), never read-modify-write.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import connection

from dissent import rows
from dissent.channel.models import Drafter, Memo, MemoVersion
from dissent.channel.status import MemoStatus
from dissent.people.models import Membership
from dissent.rows import table
from dissent.signing.models import Invitation, PersonKey, Signature, SignatureGoal, Tally


@lru_cache(maxsize=1)
def signing_target_sql() -> str:
    """Memo, current version, the signer's relation, primary unit, goal, earlier choice and key."""
    return f"""
        SELECT m.id, m.public_id, m.status, v.id, v.number, v.sha256,
            EXISTS (SELECT 1 FROM {table(Drafter)} d WHERE d.memo_id = m.id AND d.user_id = %s),
            EXISTS (SELECT 1 FROM {table(Invitation)} i WHERE i.memo_id = m.id AND i.invitee_id = %s),
            (SELECT ms.unit_id FROM {table(Membership)} ms WHERE ms.user_id = %s
                ORDER BY ms.position, ms.id LIMIT 1),
            (SELECT g.target FROM {table(SignatureGoal)} g WHERE g.memo_id = m.id),
            (SELECT s.name_visible FROM {table(Signature)} s WHERE s.memo_id = m.id AND s.signer_id = %s
                ORDER BY s.id DESC LIMIT 1),
            k.sealed_seed
        FROM {table(Memo)} m
        JOIN {table(MemoVersion)} v ON v.id = m.current_version_id
        LEFT JOIN {table(PersonKey)} k ON k.user_id = %s
        WHERE m.public_id = %s
    """  # noqa: S608 - names from the models, values are parameters


def add_signature(row: Signature) -> bool:
    """Insert the signature and count it on the memo and its unit; False (nothing counted) when an
    edit or a submission committed since the memo was read. The caller then rolls back.

    The partial unique index refuses a second active signature (IntegrityError). On
    PostgreSQL the insert and both counters are one statement: every round trip on this
    path costs CPU on both sides and time in which the worker waits (docs/benchmarks.md).
    """
    if connection.vendor != "postgresql":
        rows.insert(row)
        if not count_on_memo(memo_pk=row.memo_id, version_pk=row.version_id, delta=1):
            return False
        count_in_tally(version_pk=row.version_id, unit_id=row.unit_id, delta=1)
        return True
    counters: list[Any] = [
        MemoStatus.CIRCULATING.value,
        row.memo_id,
        row.version_id,
        row.version_id,
        row.unit_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(add_signature_sql(), [*counters, *rows.insert_values(row)])
        row.pk, counted, tallied = cursor.fetchone()
    if counted and not tallied:
        # The unit's first signature of this version, or its counter was made after this
        # statement's snapshot: look again now that the memo's row lock is held.
        count_in_tally(version_pk=row.version_id, unit_id=row.unit_id, delta=1)
    return bool(counted)


@lru_cache(maxsize=1)
def add_signature_sql() -> str:
    """Count on the memo (taking its row lock, re-checking status and version), then on the unit."""
    insert, _fields = rows.insert_statement(Signature)
    return (
        f"WITH counted AS (UPDATE {table(Memo)} SET signature_count = signature_count + 1 "  # noqa: S608
        "WHERE status = %s AND id = %s AND current_version_id = %s RETURNING id), "
        f"tallied AS (UPDATE {table(Tally)} SET count = count + 1 WHERE version_id = %s "
        "AND unit_id IS NOT DISTINCT FROM %s AND EXISTS (SELECT 1 FROM counted) RETURNING id), "
        f"added AS ({insert}) "
        "SELECT (SELECT id FROM added), EXISTS (SELECT 1 FROM counted), EXISTS (SELECT 1 FROM tallied)"
    )


def count_on_memo(*, memo_pk: int, version_pk: int, delta: int) -> bool:
    """Count on the memo if it still circulates this version; False when an edit or a submission won.

    The UPDATE takes the memo's row lock, so signing, editing and submitting one memo queue
    behind each other and the count always belongs to the current version.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(Memo)} SET signature_count = signature_count + %s "  # noqa: S608
            "WHERE id = %s AND status = %s AND current_version_id = %s",
            [delta, memo_pk, MemoStatus.CIRCULATING.value, version_pk],
        )
        return cursor.rowcount == 1


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
