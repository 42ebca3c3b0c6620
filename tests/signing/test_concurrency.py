"""200 signers at once while a drafter edits: real threads, each with its own database connection."""

from __future__ import annotations

import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from nacl.signing import VerifyKey

from dissent.channel import services as channel
from dissent.channel.models import Memo
from dissent.people.models import User
from dissent.proof import bundle
from dissent.proof.canonical import canonical_json
from dissent.signing import services as signing
from dissent.signing.models import Signature
from dissent.signing.selectors import SignatureReceipt
from tests.conftest import Personas
from tests.signing.helpers import assert_counts_are_exact, staff

SIGNERS = 200
EDITS = 3


def current_sha(memo_id: str) -> str:
    version = Memo.objects.select_related("current_version").get(public_id=memo_id).current_version
    assert version is not None
    return version.sha256


def signs_current(user: User, memo_id: str) -> bool:
    memo = Memo.objects.get(public_id=memo_id)
    return Signature.objects.filter(
        memo=memo, signer=user, version_id=memo.current_version_id, withdrawn_at__isnull=True
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_200_signers_at_once_while_the_drafter_edits(org: Personas) -> None:
    people = staff(SIGNERS, "WAT")
    memo = channel.create_memo(
        actor=org.drafter, title="Water", summary="", body="First text.", recommendations=["Keep it."]
    )
    channel.circulate_memo(actor=org.drafter, memo_id=memo.public_id)
    signing.invite(actor=org.drafter, memo_id=memo.public_id, unit_codes=["WAT"])
    # SQLite takes a thread per signer; PostgreSQL's connection limit is shared with other databases.
    workers = SIGNERS if connection.vendor == "sqlite" else 40
    go = threading.Event()
    receipts: list[SignatureReceipt] = []
    errors: list[BaseException] = []
    stale = [0]
    lock = threading.Lock()

    def signer(user: User) -> None:
        """Sign what the page shows; a text changed in between is a stale_version, so read and sign again."""
        try:
            go.wait(timeout=60)
            if signs_current(user, memo.public_id):
                return
            while True:
                try:
                    receipt = signing.sign_memo(
                        actor=user, memo_id=memo.public_id, version_sha256=current_sha(memo.public_id)
                    )
                except signing.StaleVersion:
                    with lock:
                        stale[0] += 1
                    continue
                with lock:
                    receipts.append(receipt)
                return
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    def editor() -> None:
        try:
            go.wait(timeout=60)
            for n in range(EDITS):
                while Signature.objects.filter(memo=memo).count() < 20 * (n + 1):
                    time.sleep(0.005)  # edit while signatures arrive, not before or after them
                channel.edit_memo(actor=org.drafter, memo_id=memo.public_id, body=f"Text number {n + 2}.")
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers + 1) as pool:
        pool.submit(editor)
        for person in people:
            pool.submit(signer, person)
        go.set()
    with ThreadPoolExecutor(max_workers=workers) as pool:  # "please re-sign": everyone at once again
        for person in people:
            pool.submit(signer, person)
    assert errors == [], errors[:3]
    assert len(receipts) > SIGNERS  # some signed an earlier text and re-signed the final one

    memo.refresh_from_db()
    assert memo.current_version is not None
    assert memo.current_version.number == 1 + EDITS
    rows = list(Signature.objects.filter(memo=memo).select_related("version"))
    # Nothing lost, nothing invented: one row for every receipt handed out, and the reverse.
    assert len(rows) == len(receipts)
    by_signature = {bundle.b64(bytes(r.signature)): r for r in rows}
    assert len(by_signature) == len(rows)
    for receipt in receipts:
        row = by_signature[receipt.signature]
        assert row.version.sha256 == receipt.version_sha256  # exactly the version that was signed
        assert str(row.signer_id) == receipt.signer_id
        statement = bundle.signature_statement(
            memo_id=memo.public_id,
            version_sha256=row.version.sha256,
            signer_id=str(row.signer_id),
            signer_public_key=bundle.b64(bytes(row.public_key)),
            signed_at=bundle.format_time(row.signed_at),
        )
        VerifyKey(bytes(row.public_key)).verify(
            canonical_json(statement), base64.b64decode(receipt.signature)
        )
    # No duplicates: at most one signature per signer and version, and everyone on the final text once.
    pairs = [(r.signer_id, r.version_id) for r in rows]
    assert len(pairs) == len(set(pairs))
    final = [r for r in rows if r.version_id == memo.current_version_id]
    assert sorted(r.signer_id for r in final) == sorted(p.pk for p in people)
    assert memo.signature_count == SIGNERS
    assert_counts_are_exact(memo.public_id)
