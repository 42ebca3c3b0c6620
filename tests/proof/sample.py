"""A small bundle built from fixed keys with the pure helpers only: no database needed."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from nacl.signing import SigningKey

from dissent.proof import bundle
from dissent.proof.canonical import canonical_json, sha256_hex

MEMO_ID = "3f9a1c0de2b47a10"
DOCUMENT = {
    "memo_id": MEMO_ID,
    "version": 2,
    "title": "Keep the rural water programme",
    "summary": "Merging it risks the rural sites.",
    "body": "Café staff agree.\nSee the annex.",
    "recommendations": [{"number": 1, "text": "Keep it separate."}],
    "policy_area": "Development",
}
SIGNERS = [
    ("17", "NOR", "2026-11-20T09:15:00.123456+00:00"),
    ("42", "WAT", "2026-11-21T14:02:09.000001+00:00"),
]
SUBMITTED_AT = "2026-11-23T10:00:00.000000+00:00"


def key_from(label: str) -> SigningKey:
    """Deterministic keys, so the worked example in docs/bundle-format.md never changes."""
    return SigningKey(hashlib.sha256(f"dissent example key {label}".encode()).digest())


SERVER_KEY = key_from("server")


def sample_bundle(signers: list[tuple[str, str, str]] = SIGNERS) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    version_sha256 = sha256_hex(canonical_json(document))
    entries = []
    for signer_id, unit, signed_at in signers:
        key = key_from(signer_id)
        public = bundle.b64(bytes(key.verify_key))
        statement = bundle.signature_statement(
            memo_id=MEMO_ID,
            version_sha256=version_sha256,
            signer_id=signer_id,
            signer_public_key=public,
            signed_at=signed_at,
        )
        signature = bundle.b64(key.sign(canonical_json(statement)).signature)
        entries.append(
            bundle.signature_entry(
                signer_id=signer_id,
                signer_public_key=public,
                signed_at=signed_at,
                signature=signature,
                unit=unit,
            )
        )
    receipt = bundle.receipt_statement(
        memo_id=MEMO_ID,
        version_number=2,
        version_sha256=version_sha256,
        submitted_at=SUBMITTED_AT,
        entries=entries,
        server_public_key=bundle.b64(bytes(SERVER_KEY.verify_key)),
    )
    return bundle.bundle_document(
        memo_id=MEMO_ID,
        version_number=2,
        version_sha256=version_sha256,
        document=document,
        entries=entries,
        receipt=receipt,
        receipt_signature=bundle.b64(SERVER_KEY.sign(canonical_json(receipt)).signature),
    )
