"""Verify walks the chain and names the first event that was changed, removed or rewritten."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from dissent.audit.models import AuditEvent
from dissent.audit.services import record
from dissent.audit.verify import slices, verify_chain
from dissent.proof.chain import GENESIS_HASH
from tests.audit.conftest import Tamper
from tests.conftest import Personas


def test_an_untouched_chain_verifies(chain: list[AuditEvent]) -> None:
    report = verify_chain()
    assert report.ok
    assert (report.last_seq, report.last_hash) == (5, chain[-1].hash)


def test_an_empty_chain_verifies(db: None) -> None:
    report = verify_chain()
    assert report.ok
    assert (report.last_seq, report.last_hash) == (0, GENESIS_HASH)


def test_changed_details_are_detected_at_that_event(chain: list[AuditEvent], tamper: Tamper) -> None:
    tamper("UPDATE audit_auditevent SET memo_id = '99' WHERE seq = 3")
    report = verify_chain()
    assert report.broken is not None
    assert report.broken.seq == 3
    assert "content does not match its hash" in str(report.broken)
    assert report.last_seq == 2


def test_a_changed_actor_is_detected(chain: list[AuditEvent], tamper: Tamper, org: Personas) -> None:
    tamper("UPDATE audit_auditevent SET actor_id = %s WHERE seq = 2", [org.outsider.pk])
    assert verify_chain().broken.seq == 2  # type: ignore[union-attr]


def test_an_event_rewritten_with_a_fresh_hash_breaks_the_next_link(
    chain: list[AuditEvent], tamper: Tamper
) -> None:
    tamper("UPDATE audit_auditevent SET hash = %s WHERE seq = 2", ["f" * 64])
    assert str(verify_chain().broken) == "event 2: its content does not match its hash"
    tamper("UPDATE audit_auditevent SET hash = %s, prev_hash = %s WHERE seq = 2", [chain[1].hash, "e" * 64])
    assert str(verify_chain().broken) == "event 2: its prev_hash is not the hash of event 1"


def test_a_deleted_event_is_reported_missing(chain: list[AuditEvent], tamper: Tamper) -> None:
    tamper("DELETE FROM audit_auditevent WHERE seq = 3")
    assert str(verify_chain().broken) == "event 3: missing: event 2 is followed by event 4"


def test_a_deleted_tail_is_caught_by_the_chain_head(chain: list[AuditEvent], tamper: Tamper) -> None:
    tamper("DELETE FROM audit_auditevent WHERE seq >= 4")
    broken = verify_chain().broken
    assert broken is not None
    assert broken.seq == 4
    assert "the chain head names event 5, but the chain ends at event 3" in broken.reason


def test_a_rewound_chain_head_is_caught(chain: list[AuditEvent], tamper: Tamper) -> None:
    tamper("UPDATE audit_chainhead SET hash = %s", ["a" * 64])
    assert str(verify_chain().broken) == "event 5: its hash is not the one in the chain head"


def test_slices_cover_the_chain_once_and_leave_the_end_open() -> None:
    assert slices(0, 4) == [(1, None)]
    assert slices(10, 1) == [(1, None)]
    assert slices(10, 2) == [(1, 5), (6, None)]
    assert slices(10, 3) == [(1, 3), (4, 6), (7, None)]
    assert slices(3, 8) == [(1, None)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs committed rows other connections see")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_one_valid_chain_and_workers_verify_it(tamper: Tamper) -> None:
    def writer(n: int) -> None:
        for i in range(25):
            with transaction.atomic():
                record(actor=None, action="test.concurrent", details={"writer": n, "i": i})
        connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 101))
    assert verify_chain(workers=3).ok
    tamper("UPDATE audit_auditevent SET details = '{}' WHERE seq IN (40, 80)")
    assert verify_chain(workers=3).broken.seq == 40  # type: ignore[union-attr]


FORKED_WALK = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from dissent.audit import triggers
from dissent.audit.services import record
from dissent.audit.verify import verify_chain
call_command("migrate", verbosity=0)
for n in range(40):
    record(actor=None, action="test.forked", details={"n": n})
assert verify_chain(workers=2).ok
triggers.remove(connection)
connection.cursor().execute("UPDATE audit_auditevent SET details = '{}' WHERE seq IN (12, 35)")
print(verify_chain(workers=2).broken)
"""


def test_forked_workers_verify_a_committed_sqlite_chain(tmp_path: Path) -> None:
    """The slices of a long chain are walked by forked processes; here, on a file database."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DISSENT_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "dissent.settings"}
    done = subprocess.run(
        [sys.executable, "-c", FORKED_WALK], env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "event 12: its content does not match its hash"
