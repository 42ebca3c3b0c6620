"""The signed statements and the bundle file, as plain data (docs/bundle-format.md).

The server builds bundles from these functions and ``dissent verify`` rebuilds the same
statements from a bundle on a laptop with no database: one definition for both sides.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from dissent.proof.canonical import canonical_json, sha256_hex

FORMAT = "dissent-bundle/1"
RECEIPT_TYPE = "dissent-receipt/1"
ALGORITHM = "ed25519"
NO_UNIT = ""

ENTRY_FIELDS = ("signature", "signed_at", "signer_id", "signer_public_key", "unit")
RECEIPT_FIELDS = (
    "by_unit",
    "count",
    "memo_id",
    "server_public_key",
    "signatures_sha256",
    "submitted_at",
    "type",
    "version_number",
    "version_sha256",
)


def b64(data: bytes) -> str:
    """Standard base64 with padding: the only encoding of binary values in statements and bundles."""
    return base64.b64encode(bytes(data)).decode("ascii")


def format_time(moment: datetime) -> str:
    """UTC, always with microseconds: a stored time turns back into exactly the signed text."""
    if moment.tzinfo is None:
        raise ValueError("signed times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def signature_statement(
    *, memo_id: str, version_sha256: str, signer_id: str, signer_public_key: str, signed_at: str
) -> dict[str, str]:
    """What a signer's Ed25519 signature covers, as canonical JSON: one person, one exact text."""
    return {
        "memo_id": memo_id,
        "version_sha256": version_sha256,
        "signer_id": signer_id,
        "signer_public_key": signer_public_key,
        "signed_at": signed_at,
    }


def signature_entry(
    *, signer_id: str, signer_public_key: str, signed_at: str, signature: str, unit: str
) -> dict[str, str]:
    """One signature in a bundle; memo and version come from the bundle, so they are not repeated."""
    return {
        "signer_id": signer_id,
        "signer_public_key": signer_public_key,
        "signed_at": signed_at,
        "signature": signature,
        "unit": unit,
    }


def statement_of_entry(entry: dict[str, Any], *, memo_id: str, version_sha256: str) -> dict[str, str]:
    return signature_statement(
        memo_id=memo_id,
        version_sha256=version_sha256,
        signer_id=entry["signer_id"],
        signer_public_key=entry["signer_public_key"],
        signed_at=entry["signed_at"],
    )


def entries_sha256(entries: Sequence[dict[str, Any]]) -> str:
    """The frozen set's fingerprint: SHA-256 of the canonical JSON of the list, in bundle order."""
    return sha256_hex(canonical_json(list(entries)))


def count_by_unit(entries: Sequence[dict[str, Any]]) -> dict[str, int]:
    return dict(sorted(Counter(e["unit"] for e in entries).items()))


def receipt_statement(
    *,
    memo_id: str,
    version_number: int,
    version_sha256: str,
    submitted_at: str,
    entries: Sequence[dict[str, Any]],
    server_public_key: str,
) -> dict[str, Any]:
    """What the server signs at submission: this text, exactly these signatures, this count."""
    return {
        "type": RECEIPT_TYPE,
        "memo_id": memo_id,
        "version_number": version_number,
        "version_sha256": version_sha256,
        "submitted_at": submitted_at,
        "count": len(entries),
        "by_unit": count_by_unit(entries),
        "signatures_sha256": entries_sha256(entries),
        "server_public_key": server_public_key,
    }


def bundle_document(
    *,
    memo_id: str,
    version_number: int,
    version_sha256: str,
    document: dict[str, Any],
    entries: Sequence[dict[str, Any]],
    receipt: dict[str, Any],
    receipt_signature: str,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "memo_id": memo_id,
        "version": {"number": version_number, "sha256": version_sha256, "document": document},
        "signatures": list(entries),
        "receipt": {"statement": receipt, "signature": receipt_signature},
    }


def encode(bundle: dict[str, Any]) -> bytes:
    """The file: canonical JSON and one newline, so any changed byte is a detectable change."""
    return canonical_json(bundle) + b"\n"
