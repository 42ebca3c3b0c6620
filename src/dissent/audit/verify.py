"""Walk the whole chain and say whether it is intact, naming the first event that is not.

Rows stream from the database as raw tuples in ``seq`` order (no model instances, no ORM
converters) and each hash is recomputed with the same payload and canonical JSON that
``record()`` used. Every check is local to an event and the one before it, so a long
chain is cut into slices walked by one process per core: 1,000,000 events take seconds
on two cores (docs/benchmarks.md).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise, repeat
from multiprocessing import get_context

from django.db import connections
from django.db.models import Count, Min
from django.utils import timezone

from dissent.audit import sql
from dissent.audit.models import AuditEvent, ChainHead
from dissent.proof.chain import GENESIS_HASH, link_hash, stored_payload

# Events are sealed right after their transaction commits; one older than this was not.
SEAL_GRACE = timedelta(minutes=1)
# Below this many events one process is faster than starting several.
PARALLEL_FROM = 100_000

# seq -> (hash, where that hash comes from): events whose hash is known from elsewhere.
Pins = dict[int, tuple[str, str]]


@dataclass(frozen=True)
class Broken:
    """The first event at which the chain stops holding, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"event {self.seq}: {self.reason}"


@dataclass(frozen=True)
class Report:
    """How far a walk got (the last good event) and the first problem, if any."""

    last_seq: int
    last_hash: str
    broken: Broken | None
    unsealed: int = 0

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(*, expect: tuple[int, str] | None = None, workers: int | None = 1) -> Report:
    """Check every sealed event's link and hash, that the chain still holds the head and
    ``expect``, and that no event has waited too long to be sealed.

    ``expect`` = (seq, hash) from a checkpoint: the chain must still hold exactly that
    event, which proves that nothing up to it has been rewritten since. The head is read
    before the walk, so events appended meanwhile are walked too and raise no alarm.
    ``workers`` None: one process per core for a long chain, else one. Several workers
    need committed data in a database that forked processes can open.
    """
    head_seq, head_hash = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, "")
    pins: Pins = {head_seq: (head_hash, "the chain head")} if head_seq else {}
    if expect is not None:
        pins[expect[0]] = (expect[1], "the checkpoint")
    if workers is None:
        workers = (os.cpu_count() or 1) if head_seq >= PARALLEL_FROM else 1
    bounds = slices(head_seq, workers)
    if len(bounds) == 1:
        reports = [walk(*bounds[0], pins)]
    else:
        connections.close_all()  # each process opens its own connection
        with ProcessPoolExecutor(len(bounds), mp_context=get_context("fork")) as pool:
            reports = list(pool.map(walk, *zip(*bounds, strict=True), repeat(pins)))
    for report in reports:
        if not report.ok:
            return report
    last = reports[-1]
    for seq, (_hash, source) in sorted(pins.items()):
        if seq > last.last_seq:
            reason = f"missing: {source} names event {seq}, but the chain ends at event {last.last_seq}"
            return Report(last.last_seq, last.last_hash, Broken(last.last_seq + 1, reason))
    return unsealed_tail(last)


def unsealed_tail(report: Report) -> Report:
    """Count events not yet in the chain; any older than SEAL_GRACE means sealing has stopped.

    Until it is sealed an event is protected by the triggers only, so the tail must stay short.
    """
    tail = AuditEvent.objects.filter(seq=None).aggregate(count=Count("id"), oldest=Min("at"))
    if tail["oldest"] is not None and tail["oldest"] < timezone.now() - SEAL_GRACE:
        oldest = tail["oldest"].isoformat(timespec="seconds")
        reason = (
            f"missing: {tail['count']} events, the oldest from {oldest}, were never sealed into the chain"
        )
        return Report(report.last_seq, report.last_hash, Broken(report.last_seq + 1, reason), tail["count"])
    return Report(report.last_seq, report.last_hash, None, tail["count"])


def slices(count: int, workers: int) -> list[tuple[int, int | None]]:
    """Contiguous seq ranges, one per worker; the last is open-ended to take new events."""
    workers = max(1, min(workers, count // 2 or 1))
    size = count // workers
    starts = [1 + i * size for i in range(workers)]
    return [(lo, hi - 1) for lo, hi in pairwise(starts)] + [(starts[-1], None)]


def walk(first: int, last: int | None, pins: Pins) -> Report:
    """Verify events ``first``..``last`` (None: to the end), starting from the stored hash before them."""
    prev = GENESIS_HASH
    if first > 1:
        prev = AuditEvent.objects.filter(seq=first - 1).values_list("hash", flat=True).first() or ""
    expected = first
    for row in sql.chain_rows(first, last):
        seq = row[0]
        if seq != expected:
            reason = f"missing: event {expected - 1} is followed by event {seq}"
            return Report(expected - 1, prev, Broken(expected, reason))
        if row[8] != prev:
            return Report(seq - 1, prev, Broken(seq, f"its prev_hash is not the hash of event {seq - 1}"))
        if link_hash(prev, stored_payload(row[:8])) != row[9]:
            return Report(seq - 1, prev, Broken(seq, "its content does not match its hash"))
        if seq in pins and pins[seq][0] != row[9]:
            return Report(seq - 1, prev, Broken(seq, f"its hash is not the one in {pins[seq][1]}"))
        prev = row[9]
        expected += 1
    if last is not None and expected <= last:
        reason = f"missing: events {expected} to {last} are absent"
        return Report(expected - 1, prev, Broken(expected, reason))
    return Report(expected - 1, prev, None)
