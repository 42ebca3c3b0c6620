"""The data side of the signing crash test (tests/signing/test_crash.py), run as its own process
on the data dir and database its environment names, the ones ``dissent serve`` uses.

``python -m tests.signing.crash_process world N``: an organisation of N eligible people in
the benchmark's bureaus (bench/sign_service.py), one memo circulating with every bureau
invited, and a bearer token each; prints the memo, its version hash and the tokens as JSON.
``state MEMO``: what the database holds for the memo's current version, as JSON; exits
non-zero when the memo's count or a unit's tally differs from COUNT(*).
"""

from __future__ import annotations

import json
import sys


def world(signers: int) -> None:
    from bench.sign_service import open_memo, organisation

    from dissent.people.services import create_tokens

    drafter, people, units = organisation(signers, "crash")
    memo = open_memo(drafter, units)
    tokens = create_tokens(emails=[p.email for p in people])
    assert memo.current_version is not None
    print(json.dumps({"memo": memo.public_id, "sha256": memo.current_version.sha256, "tokens": tokens}))


def state(memo_id: str) -> None:
    from django.db.models import Count

    from dissent.audit.models import AuditEvent
    from dissent.channel.models import Memo
    from dissent.signing.models import Signature
    from tests.signing.helpers import assert_counts_are_exact

    memo = Memo.objects.get(public_id=memo_id)
    active = Signature.objects.filter(version_id=memo.current_version_id, withdrawn_at__isnull=True)
    twice = active.values("signer_id").annotate(n=Count("pk")).filter(n__gt=1)
    events = AuditEvent.objects.filter(memo_id=memo_id, action="signature.added")
    facts = {
        "signers": sorted(active.values_list("signer__email", flat=True)),
        "signed_twice": [row["signer_id"] for row in twice],
        "signature_events": events.count(),
        "unsealed_events": AuditEvent.objects.filter(seq__isnull=True).count(),
    }
    print(json.dumps(facts))
    assert_counts_are_exact(memo_id)


if __name__ == "__main__":
    from dissent.cli.shared import setup_django

    command, arg = sys.argv[1:]
    building = command == "world"
    setup_django(migrate=building, keys=building)  # ``state`` only reads, as soon as it can
    if building:
        world(int(arg))
    else:
        state(arg)
