"""The counters a signature moves, each one UPDATE inside the signing transaction.

Pages never COUNT signatures: they read ``Memo.signature_count`` and the ``Tally`` rows kept
in step here. The increments happen in the database (``count = count + delta``, what an F()
expression compiles to), written out because on the signing hot path the ORM's compilation
of each F() update cost more than the statement itself (bench/sign_service.py).
"""

from __future__ import annotations

from django.db import connection

from dissent.channel.models import Memo
from dissent.channel.status import MemoStatus
from dissent.signing.models import Tally

MEMO = Memo._meta.db_table
TALLY = Tally._meta.db_table


def count_on_memo(*, memo_pk: int, version_pk: int, delta: int) -> bool:
    """Count on the memo if it still circulates this version; False when an edit or a submission won.

    The UPDATE takes the memo's row lock, so signing, editing and submitting one memo queue
    behind each other and the count always belongs to the current version.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {MEMO} SET signature_count = signature_count + %s "  # noqa: S608 - names from the models
            "WHERE id = %s AND status = %s AND current_version_id = %s",
            [delta, memo_pk, MemoStatus.CIRCULATING.value, version_pk],
        )
        return cursor.rowcount == 1


def count_in_tally(*, version_pk: int, unit_id: int | None, delta: int) -> None:
    """Per-unit counter of one version; the caller holds the memo's row lock, so no two writers race."""
    unit = "unit_id IS NULL" if unit_id is None else "unit_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TALLY} SET count = count + %s WHERE version_id = %s AND {unit}",  # noqa: S608
            [delta, version_pk] + ([] if unit_id is None else [unit_id]),
        )
        if cursor.rowcount == 0:
            Tally.objects.create(version_id=version_pk, unit_id=unit_id, count=delta)
