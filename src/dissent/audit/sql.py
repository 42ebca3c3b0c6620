"""The audit chain's statements, written out, each with the measured reason.

Sealing runs after every audited request (in a web worker, once per batch of them) and
verify reads every event there is: through the ORM, compiling statements and converting
rows cost more than the database did (docs/benchmarks.md, "Audit trail"). Names come from
the models, every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, nullcontext
from typing import Any

from django.db import connection, transaction
from psycopg.types.datetime import TimestamptzLoader

from dissent.audit.models import AuditEvent, ChainHead
from dissent.proof.chain import GENESIS_HASH, PAYLOAD_FIELDS
from dissent.rows import table

SEAL_LOCK = int.from_bytes(b"dsn-seal")  # PostgreSQL advisory lock key, one for the whole chain
CHUNK = 5_000  # rows fetched at a time by a walk of the chain


def pending(cursor: Any, *, limit: int) -> list[tuple[Any, ...]]:
    """Up to ``limit`` committed unsealed events, oldest insert first: id, then PAYLOAD_FIELDS but seq."""
    content = ", ".join(PAYLOAD_FIELDS[1:])
    cursor.execute(
        f"SELECT id, {content} FROM {table(AuditEvent)} WHERE seq IS NULL ORDER BY id LIMIT %s",  # noqa: S608
        [limit],
    )
    return list(cursor.fetchall())


def commit_without_flush(cursor: Any) -> None:
    """PostgreSQL: this transaction's commit does not wait for the disk (a lost seal is made again
    from events committed durably; ``flush_earlier_commits`` before anything is signed)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL synchronous_commit = off")


def flush_earlier_commits(cursor: Any) -> None:
    """PostgreSQL: give this transaction an id, so that its commit flushes every earlier one."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_current_xact_id()")


def locked_head(cursor: Any) -> tuple[int, str]:
    """The chain head, read under the sealing lock, which is held until the transaction ends.

    PostgreSQL: an advisory lock, not ``SELECT … FOR UPDATE``: a row lock writes to the
    WAL, so every sealer, even one with nothing left to seal, would wait for a disk flush
    while holding it. SQLite: the transaction's write lock already excludes other sealers.
    """
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
    select = f"SELECT seq, hash FROM {table(ChainHead)} WHERE id = 1"  # noqa: S608
    cursor.execute(select)
    row = cursor.fetchone()
    if row is None:
        cursor.execute(
            f"INSERT INTO {table(ChainHead)} (id, seq, hash) VALUES (1, 0, %s) ON CONFLICT DO NOTHING",  # noqa: S608
            [GENESIS_HASH],
        )
        cursor.execute(select)
        row = cursor.fetchone()
    return int(row[0]), str(row[1])


def write_seals(cursor: Any, sealed: list[tuple[int, str, str, int]]) -> None:
    """Give each event its (seq, prev_hash, hash). PostgreSQL: one statement for the whole batch,
    the columns passed as four arrays (one UPDATE per event cost the sealer most of its time)."""
    events = table(AuditEvent)
    if connection.vendor != "postgresql":
        cursor.executemany(
            f"UPDATE {events} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
            sealed,
        )
        return
    seqs, prevs, hashes, ids = (list(column) for column in zip(*sealed, strict=True))
    cursor.execute(
        f"UPDATE {events} e SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash "  # noqa: S608
        "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[]) AS s(seq, prev_hash, hash, id) "
        "WHERE e.id = s.id",
        [seqs, prevs, hashes, ids],
    )


def move_head(cursor: Any, *, seq: int, digest: str) -> None:
    cursor.execute(f"UPDATE {table(ChainHead)} SET seq = %s, hash = %s WHERE id = 1", [seq, digest])  # noqa: S608


def chain_rows(first: int, last: int | None) -> Iterator[tuple[Any, ...]]:
    """Events ``first`` to ``last`` as raw tuples in seq order (PAYLOAD_FIELDS, prev_hash, hash),
    fetched in chunks.

    Raw rows skip the ORM's per-row converters, half of the cost of a walk. On PostgreSQL
    the server-side cursor lives in a read-only transaction; on SQLite a transaction would
    take the write lock, and one statement already reads one WAL snapshot.
    """
    columns = ", ".join((*PAYLOAD_FIELDS, "prev_hash", "hash"))
    upper = "" if last is None else " AND seq <= %s"
    statement = f"SELECT {columns} FROM {table(AuditEvent)} WHERE seq >= %s{upper} ORDER BY seq"  # noqa: S608
    params = [first] if last is None else [first, last]
    postgresql = connection.vendor == "postgresql"
    with (
        transaction.atomic() if postgresql else nullcontext(),
        closing(connection.chunked_cursor()) as cursor,
    ):
        if postgresql:
            # psycopg's own loader parses times in C; Django's adds a Python layer per row.
            cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(statement, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk
