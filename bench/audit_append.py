"""Audit events appended per second by concurrent writers, against a floor without the chain.

Each writer is a separate process (as the web server's workers are) with its own database
connection, running short transactions back to back for a fixed time. Three modes:

- floor: each transaction inserts one row into a plain table (raw SQL);
- unchained: the same insert plus an audit row written through the ORM, never sealed:
  what writing an audit row at all costs;
- chained: the same insert plus ``record()``, sealed right after each commit, as commands
  and the task worker do;
- sealer_thread: the same, sealed in batches by the process's sealer thread, as web workers
  do (on SQLite the same as chained: it seals inside the transaction). Events committed
  in a run's last 50 ms may be sealed just after it;
- head_locked: the design this replaced, for comparison: the writer locks the chain head
  inside its own transaction, appends a sealed event and moves the head, so every
  writer waits for the one before it to commit.

chained/floor is the figure asked for; chained/unchained isolates the hash chain's cost.

A second series gives each transaction WORK_MS of further work after the audit call
(sleeping, as a transaction does while it waits for its other queries): the head lock is
held through it, so head-locked writers queue; writers of unsealed events do not.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import statistics
import time
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from dissent.audit.models import AuditEvent, ChainHead
from dissent.audit.services import SEALER, record, seal_in_background, seal_pending
from dissent.audit.verify import verify_chain
from dissent.proof.chain import chain_hash

WRITERS = (1, 4, 16)
SECONDS = 2.0
ROUNDS = 3
MODES = ("floor", "unchained", "chained", "sealer_thread", "head_locked")
WORK_MS = 5


def writer(mode: str, work: float, start_at: float, stop_at: float, counts: Any, index: int) -> None:
    """One writer: short transactions back to back until the deadline; reports its count."""
    connections.close_all()
    if mode == "sealer_thread":
        seal_in_background()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    while time.time() < start_at:
        time.sleep(0.001)
    done = 0
    while time.time() < stop_at:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_append (note) VALUES (%s)", [f"w{index} #{done}"])
            if mode in ("chained", "sealer_thread"):
                record(actor=None, action="bench.append", memo_id=str(index), details={"n": done})
            elif mode == "head_locked":
                append_under_head_lock(index, done)
            elif mode == "unchained":
                AuditEvent.objects.create(
                    at=timezone.now(), action="bench.unchained", memo_id=str(index), details={"n": done}
                )
            if work:
                time.sleep(work)
        done += 1
    counts[index] = done
    SEALER.close()
    connections.close_all()


def append_under_head_lock(index: int, done: int) -> None:
    head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
    seq = head.seq + 1
    event = AuditEvent(
        seq=seq,
        at=timezone.now(),
        action="bench.locked",
        memo_id=str(index),
        details={"n": done},
        prev_hash=head.hash,
    )
    event.hash = chain_hash(head.hash, event)
    event.save(force_insert=True)
    head.seq, head.hash = seq, event.hash
    head.save(update_fields=["seq", "hash"])


def measure(*, writers: int, mode: str, work: float = 0.0) -> float:
    """Events (or rows) per second committed by ``writers`` processes together."""
    connections.close_all()
    context = mp.get_context("fork")
    counts = context.Array("l", writers)
    start_at = time.time() + 0.5
    stop_at = start_at + SECONDS
    procs = [
        context.Process(target=writer, args=(mode, work, start_at, stop_at, counts, i))
        for i in range(writers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
        assert proc.exitcode == 0, f"writer failed with exit code {proc.exitcode}"
    return sum(counts[:]) / SECONDS


def medians(*, writers: int, modes: tuple[str, ...], work: float = 0.0) -> list[float]:
    rates: dict[str, list[float]] = {mode: [] for mode in modes}
    for _round in range(ROUNDS):
        for mode in modes:
            rates[mode].append(measure(writers=writers, mode=mode, work=work))
            seal_pending()  # unchained rows, so that no run seals another's
    return [statistics.median(rates[mode]) for mode in modes]


def run() -> dict[str, Any]:
    """Modes interleaved, ROUNDS times each, medians reported: a shared machine's noise hits all alike."""
    with connection.cursor() as cursor:
        key = "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
        cursor.execute(f"CREATE TABLE bench_append (id {key}, note varchar(40))")
    results: dict[str, Any] = {"seconds_per_run": SECONDS, "rounds": ROUNDS, "runs": []}
    results["load_average_before"] = round(os.getloadavg()[0], 1)
    for n in WRITERS:
        floor, unchained, chained, threaded, locked = medians(writers=n, modes=MODES)
        results["runs"].append(
            {
                "writers": n,
                "floor_rows_per_s": round(floor),
                "unchained_events_per_s": round(unchained),
                "chained_events_per_s": round(chained),
                "ratio_to_floor": round(chained / floor, 2),
                "ratio_to_unchained": round(chained / unchained, 2),
                "sealer_thread_events_per_s": round(threaded),
                "sealer_thread_ratio_to_floor": round(threaded / floor, 2),
                "head_locked_events_per_s": round(locked),
                "head_locked_ratio_to_floor": round(locked / floor, 2),
            }
        )
    results["work_ms"] = WORK_MS
    results["runs_with_work"] = []
    for n in WRITERS[1:]:
        floor, chained, threaded, locked = medians(
            writers=n, modes=("floor", "chained", "sealer_thread", "head_locked"), work=WORK_MS / 1000
        )
        results["runs_with_work"].append(
            {
                "writers": n,
                "floor_rows_per_s": round(floor),
                "chained_events_per_s": round(chained),
                "ratio_to_floor": round(chained / floor, 2),
                "sealer_thread_events_per_s": round(threaded),
                "sealer_thread_ratio_to_floor": round(threaded / floor, 2),
                "head_locked_events_per_s": round(locked),
                "head_locked_ratio_to_floor": round(locked / floor, 2),
            }
        )
    results["load_average_after"] = round(os.getloadavg()[0], 1)
    report = verify_chain()
    assert report.ok, report.broken
    results["events_appended"] = AuditEvent.objects.filter(action="bench.append").count()
    results["chain_verified"] = report.ok
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_append")
    return results
