"""`dissent audit verify` over 1,000,000 events (target: under 15 s on a 2-core machine).

The events are generated in Python with the same payload and canonical JSON as
``record()`` and bulk-inserted (COPY on PostgreSQL), so the chain is valid. Floor: reading
the same rows as raw tuples, as verify does, in one process without hashing anything:
what any verifier pays to fetch the chain from this database. For comparison, the same
read through the ORM (``values_list``) is reported too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from dissent.audit.models import AuditEvent, ChainHead
from dissent.audit.sql import CHUNK, chain_rows
from dissent.audit.verify import verify_chain
from dissent.proof.canonical import canonical_json
from dissent.proof.chain import GENESIS_HASH, PAYLOAD_FIELDS, link_hash, payload

EVENTS = 1_000_000
BATCH = 20_000
ACTIONS = ("memo.read", "memo.submitted", "signature.added", "memo.acknowledged", "audit.read")
COLUMNS = ", ".join((*PAYLOAD_FIELDS, "prev_hash", "hash"))


def events() -> list[tuple[Any, ...]]:
    """EVENTS rows with realistic metadata-only details, chained on to whatever is there."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    rows: list[tuple[Any, ...]] = []
    first, prev = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, GENESIS_HASH)
    for seq in range(first + 1, first + EVENTS + 1):
        memo = str(seq % 5_000 + 1)
        fields = (
            seq,
            start + timedelta(milliseconds=37 * seq),
            seq % 20_000 + 1,
            ACTIONS[seq % len(ACTIONS)],
            "channel.memo",
            memo,
            memo,
            {"version": seq % 7 + 1, "via": "web"},
        )
        digest = link_hash(prev, canonical_json(payload(*fields)))
        rows.append((*fields, prev, digest))
        prev = digest
    return rows


def insert(rows: list[tuple[Any, ...]]) -> None:
    table = AuditEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row[:7], json.dumps(row[7]), *row[8:]))
        else:
            marks = ", ".join(["%s"] * 10)
            adapt = connection.ops.adapt_datetimefield_value
            for i in range(0, len(rows), BATCH):
                cursor.executemany(
                    f"INSERT INTO {table} ({COLUMNS}) VALUES ({marks})",  # noqa: S608
                    [(*r[:1], adapt(r[1]), *r[2:7], json.dumps(r[7]), *r[8:]) for r in rows[i : i + BATCH]],
                )
        ChainHead.objects.update_or_create(pk=1, defaults={"seq": rows[-1][0], "hash": rows[-1][9]})


def floor_seconds() -> float:
    start = time.perf_counter()
    assert sum(1 for _ in chain_rows(1, None)) >= EVENTS
    return time.perf_counter() - start


def orm_read_seconds() -> float:
    start = time.perf_counter()
    n = sum(
        1
        for _ in AuditEvent.objects.order_by("seq")
        .values_list(*PAYLOAD_FIELDS, "prev_hash", "hash")
        .iterator(chunk_size=CHUNK)
    )
    assert n >= EVENTS
    return time.perf_counter() - start


def cli_seconds() -> tuple[float, int]:
    """The operator's view: `dissent audit verify` as a new process, start-up included."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dissent.cli", "audit", "verify"], capture_output=True, check=False
    )
    return time.perf_counter() - start, done.returncode


def run() -> dict[str, Any]:
    start = time.perf_counter()
    rows = events()
    insert(rows)
    del rows
    generated = time.perf_counter() - start
    floor = floor_seconds()
    orm_read = orm_read_seconds()
    start = time.perf_counter()
    report = verify_chain(workers=1)
    one_process = time.perf_counter() - start
    assert report.ok, report.broken
    start = time.perf_counter()
    report = verify_chain(workers=None)
    elapsed = time.perf_counter() - start
    assert report.ok, report.broken
    assert report.last_seq >= EVENTS
    connection.close()
    cli, returncode = cli_seconds()
    assert returncode == 0
    return {
        "events": EVENTS,
        "generate_and_insert_seconds": round(generated, 1),
        "floor_read_seconds": round(floor, 2),
        "orm_read_seconds": round(orm_read, 2),
        "verify_one_process_seconds": round(one_process, 2),
        "verify_seconds": round(elapsed, 2),
        "verify_processes": min(os.cpu_count() or 1, EVENTS // 2),
        "ratio_to_floor": round(elapsed / floor, 1),
        "events_per_second": round(EVENTS / elapsed),
        "cli_verify_with_startup_seconds": round(cli, 2),
        "target_seconds": 15,
        "meets_target": max(elapsed, cli) < 15,
    }
