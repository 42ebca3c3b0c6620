"""Signing on the in-process service path, then a memo with 10,000 signers end to end.

Floor (measured in the same run on the same database): one Ed25519 verify plus one
single-row INSERT in its own committed transaction — the least a durable, checked
signature can cost. Also measured: what the memo page costs at 10,000 signers, freezing the
set at submission, the export, and ``dissent verify`` of the 10,000-signature bundle
(target: under 3 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from huey.contrib.djhuey import HUEY
from nacl.signing import SigningKey

from dissent.channel import selectors as channel_selectors
from dissent.channel import services as channel
from dissent.channel.models import ChannelSettings, Memo
from dissent.channel.views_data import memo_view
from dissent.people.models import Membership, Unit, User
from dissent.people.roles import UnitKind
from dissent.proof.verify import verify_bundle
from dissent.signing import selectors, services

SIGNERS = 10_000
BUREAUS = 20
FLOOR_ROUNDS = 2_000


def floor_per_second(rounds: int = FLOOR_ROUNDS) -> float:
    """One Ed25519 verify and one committed single-row insert, through the same Django connection."""
    key = SigningKey.generate()
    message = b"m" * 200
    signature = key.sign(message).signature
    verify_key = key.verify_key
    ddl = (
        "CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, payload VARCHAR(200))"
        if connection.vendor == "sqlite"
        else "CREATE TABLE bench_floor (id BIGSERIAL PRIMARY KEY, payload VARCHAR(200))"
    )
    with connection.cursor() as cursor:
        cursor.execute(ddl)
    start = time.perf_counter()
    for i in range(rounds):
        verify_key.verify(message, signature)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_floor (payload) VALUES (%s)", [f"row {i}"])
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
    return rounds / elapsed


def organisation(signers: int, prefix: str) -> tuple[User, list[User], list[str]]:
    """A drafter and ``signers`` eligible people spread over bureaus of two agencies."""
    org, _new = Unit.objects.get_or_create(
        code="BORG", defaults={"name": "Bench", "kind": UnitKind.ORGANISATION}
    )
    agencies = [
        Unit.objects.get_or_create(
            code=f"BAG{a}", defaults={"name": f"A{a}", "kind": UnitKind.AGENCY, "parent": org}
        )[0]
        for a in range(2)
    ]
    bureaus = [
        Unit.objects.get_or_create(
            code=f"BB{b:02d}", defaults={"name": f"B{b}", "kind": UnitKind.BUREAU, "parent": agencies[b % 2]}
        )[0]
        for b in range(BUREAUS)
    ]
    User.objects.bulk_create(
        [
            User(email=f"{prefix}{i:05d}@bench.example", name=f"Signer {i}", eligible=True)
            for i in range(signers + 1)
        ],
        batch_size=500,
    )
    people = list(User.objects.filter(email__startswith=prefix).order_by("email"))
    Membership.objects.bulk_create(
        [Membership(user=p, unit=bureaus[i % BUREAUS]) for i, p in enumerate(people)], batch_size=500
    )
    if ChannelSettings.current().receiving_office is None:
        config = ChannelSettings.current()
        config.receiving_office = bureaus[0]
        config.save()
    return people[0], people[1:], [b.code for b in bureaus]


def open_memo(drafter: User, units: list[str]) -> Memo:
    """A circulating memo with every unit invited; the invitation's tasks (e-mails, invitees'
    keys) run here and now, so no queued task runs inside a measurement."""
    HUEY.immediate = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    memo = channel.create_memo(
        actor=drafter,
        title="Benchmark memo",
        summary="Many signers.",
        body="The text everyone signs.\n" * 50,
        recommendations=["Measure it."],
    )
    channel.circulate_memo(actor=drafter, memo_id=memo.public_id)
    services.invite(actor=drafter, memo_id=memo.public_id, unit_codes=units)
    return Memo.objects.select_related("current_version", "data_key").get(pk=memo.pk)


def timed(func: Callable[[], Any], repeat: int = 5) -> tuple[float, int]:
    """Best wall time of ``repeat`` runs in milliseconds, and the queries of one run."""
    best = float("inf")
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            func()
            best = min(best, time.perf_counter() - start)
        queries = len(captured)
    return round(best * 1000, 2), queries


def run() -> dict[str, Any]:
    floor = floor_per_second()
    drafter, people, units = organisation(SIGNERS, "svc")
    memo = open_memo(drafter, units)
    sha = memo.current_version.sha256  # type: ignore[union-attr]
    start = time.perf_counter()
    for person in people:
        services.sign_memo(actor=person, memo_id=memo.public_id, version_sha256=sha)
    elapsed = time.perf_counter() - start
    rate = len(people) / elapsed
    memo.refresh_from_db()
    assert memo.signature_count == SIGNERS

    memo, access = channel_selectors.memo_for(drafter, memo.public_id)
    page = {
        "memo object (GET /memos/{id})": timed(lambda: memo_view(drafter, memo, access, via="bench")),
        "signer list, first page of 50": timed(lambda: selectors.signers_page(drafter, memo, access)),
        "signer list, last page of 50": timed(
            lambda: selectors.signers_page(drafter, memo, access, offset=SIGNERS - 50)
        ),
        "counts per unit": timed(lambda: selectors.counts_by_unit(memo)),
        "signing summary (count, per unit, target, own receipt)": timed(
            lambda: selectors.signing_summary(drafter, memo, access)
        ),
        "count history by day (loaded on its own)": timed(lambda: selectors.count_history(memo)),
    }

    start = time.perf_counter()
    channel.submit_memo(actor=drafter, memo_id=memo.public_id)
    freeze = time.perf_counter() - start
    memo.refresh_from_db()
    start = time.perf_counter()
    data = services.export_bundle_for_operator(memo_id=memo.public_id)
    export = time.perf_counter() - start
    start = time.perf_counter()
    report = verify_bundle(data)
    verify_in_process = time.perf_counter() - start
    assert report.ok, report.failures[:3]
    assert report.signatures == SIGNERS
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.json"
        path.write_bytes(data)
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "dissent.cli", "verify", str(path)],
            capture_output=True,
            text=True,
            env=env,
        )
        verify_cli = time.perf_counter() - start
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {
        "signers": SIGNERS,
        "floor_per_second": round(floor),
        "service_signatures_per_second": round(rate),
        "ratio_to_floor": round(rate / floor, 3),
        "page_ms_and_queries_at_10000_signers": page,
        "submit_with_freeze_seconds": round(freeze, 3),
        "export_bundle_seconds": round(export, 3),
        "bundle_bytes": len(data),
        "verify_in_process_seconds": round(verify_in_process, 3),
        "dissent_verify_cli_seconds": round(verify_cli, 3),
        "verify_target_seconds": 3,
        "meets_verify_target": verify_cli < 3,
    }
