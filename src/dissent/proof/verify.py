"""Offline verification of a signed bundle: no database, no server, no Django.

Every check that fails adds a ``Failure`` naming where (``file``, ``version``,
``signatures[12] (signer 40)``, ``receipt``) and why; the verifier never stops at the first
problem and never raises on bad input, so one run names every broken entry.
docs/bundle-format.md describes the same steps for verifiers in other languages.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from dissent.proof import bundle
from dissent.proof.canonical import canonical_json, sha256_hex

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
TOP_FIELDS = ("format", "memo_id", "receipt", "signatures", "version")
VERSION_FIELDS = ("document", "number", "sha256")
RECEIPT_ENVELOPE = ("signature", "statement")
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64


@dataclass(frozen=True)
class Failure:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class Report:
    failures: list[Failure] = field(default_factory=list)
    memo_id: str | None = None
    version_number: int | None = None
    version_sha256: str | None = None
    signatures: int = 0
    server_public_key: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, where: str, reason: str) -> None:
        self.failures.append(Failure(where, reason))


def decode_b64(value: Any, size: int) -> bytes | None:
    """Bytes of ``size`` from canonical base64 only: a second spelling of the same bytes is a change too."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != size or bundle.b64(raw) != value:
        return None
    return raw


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_canonical_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return bundle.format_time(datetime.fromisoformat(value)) == value
    except ValueError:
        return False


def has_fields(report: Report, obj: Any, fields: tuple[str, ...], where: str) -> bool:
    if not isinstance(obj, dict):
        report.fail(where, "is not a JSON object")
        return False
    missing = sorted(set(fields) - set(obj))
    extra = sorted(set(obj) - set(fields))
    if missing:
        report.fail(where, "missing " + ", ".join(missing))
    if extra:
        report.fail(where, "unexpected " + ", ".join(extra))
    return not missing and not extra


def signature_holds(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(public_key).verify(message, signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


def verify_bundle(data: bytes, *, server_key: str | None = None) -> Report:
    """Check every hash and signature of a bundle file's bytes; ``server_key`` pins the receipt's signer."""
    report = Report()
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        report.fail("file", f"is not UTF-8 (byte {exc.start})")
        return report
    except (ValueError, RecursionError) as exc:
        report.fail("file", f"is not JSON ({exc})")
        return report
    try:
        canonical = bundle.encode(parsed)
    except (TypeError, RecursionError):
        report.fail("file", "holds values canonical JSON does not allow (numbers must be integers)")
        return report
    except ValueError as exc:
        report.fail("file", f"cannot be put in canonical form: {exc}")
        return report
    if canonical != data:
        at = next((i for i, (a, b) in enumerate(zip(canonical, data, strict=False)) if a != b), None)
        at = min(len(canonical), len(data)) if at is None else at
        report.fail("file", f"is not in canonical form (first difference at byte {at})")
    if not has_fields(report, parsed, TOP_FIELDS, "bundle"):
        return report
    if parsed["format"] != bundle.FORMAT:
        report.fail("format", f"is {parsed['format']!r}, expected {bundle.FORMAT!r}")
    memo_id = parsed["memo_id"]
    if not isinstance(memo_id, str) or not memo_id:
        report.fail("memo_id", "is not a non-empty string")
        return report
    report.memo_id = memo_id
    version_sha256 = check_version(report, parsed["version"], memo_id)
    entries = check_signatures(report, parsed["signatures"], memo_id, version_sha256)
    check_receipt(report, parsed["receipt"], memo_id, entries, server_key)
    return report


def check_version(report: Report, version: Any, memo_id: str) -> str:
    """The text's SHA-256 is recomputed from the document; returns the hash the signatures must name."""
    if not has_fields(report, version, VERSION_FIELDS, "version"):
        return ""
    number, claimed, document = version["number"], version["sha256"], version["document"]
    if not is_int(number) or number < 1:
        report.fail("version", "number is not a positive integer")
    else:
        report.version_number = number
    if not isinstance(claimed, str) or not SHA256_HEX.fullmatch(claimed):
        report.fail("version", "sha256 is not 64 lower-case hexadecimal digits")
        return ""
    report.version_sha256 = claimed
    if not isinstance(document, dict):
        report.fail("version", "document is not a JSON object")
        return claimed
    if document.get("memo_id") != memo_id or document.get("version") != number:
        report.fail("version", "document names another memo or version number")
    actual = sha256_hex(canonical_json(document))
    if actual != claimed:
        report.fail("version", f"the text hashes to {actual}, not {claimed}")
    return claimed


def check_signatures(
    report: Report, entries: Any, memo_id: str, version_sha256: str
) -> list[dict[str, Any]] | None:
    """Each signature over its rebuilt statement; returns the entries when all are well-formed."""
    if not isinstance(entries, list):
        report.fail("signatures", "is not a JSON list")
        return None
    report.signatures = len(entries)
    well_formed = True
    first_seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        signer = entry.get("signer_id") if isinstance(entry, dict) else None
        where = f"signatures[{i}]" + (f" (signer {signer})" if isinstance(signer, str) else "")
        if not has_fields(report, entry, bundle.ENTRY_FIELDS, where):
            well_formed = False
            continue
        if not all(isinstance(entry[f], str) for f in bundle.ENTRY_FIELDS) or not entry["signer_id"]:
            report.fail(where, "every field must be a string and signer_id non-empty")
            well_formed = False
            continue
        if entry["signer_id"] in first_seen:
            report.fail(where, f"the same signer is already at signatures[{first_seen[entry['signer_id']]}]")
        first_seen.setdefault(entry["signer_id"], i)
        if not is_canonical_time(entry["signed_at"]):
            report.fail(where, "signed_at is not a UTC time with microseconds (…T12:00:00.000000+00:00)")
        public_key = decode_b64(entry["signer_public_key"], PUBLIC_KEY_SIZE)
        signature = decode_b64(entry["signature"], SIGNATURE_SIZE)
        if public_key is None:
            report.fail(where, f"signer_public_key is not canonical base64 of {PUBLIC_KEY_SIZE} bytes")
            continue
        if signature is None:
            report.fail(where, f"signature is not canonical base64 of {SIGNATURE_SIZE} bytes")
            continue
        statement = bundle.statement_of_entry(entry, memo_id=memo_id, version_sha256=version_sha256)
        if not signature_holds(public_key, canonical_json(statement), signature):
            report.fail(where, "the signature does not verify for this memo, version and signer")
    return entries if well_formed else None


def check_receipt(
    report: Report,
    receipt: Any,
    memo_id: str,
    entries: list[dict[str, Any]] | None,
    server_key: str | None,
) -> None:
    """The office's receipt: signed by the server, over exactly this version and these signatures."""
    if not has_fields(report, receipt, RECEIPT_ENVELOPE, "receipt"):
        return
    statement = receipt["statement"]
    if not has_fields(report, statement, bundle.RECEIPT_FIELDS, "receipt.statement"):
        return
    server_public_key = decode_b64(statement["server_public_key"], PUBLIC_KEY_SIZE)
    signature = decode_b64(receipt["signature"], SIGNATURE_SIZE)
    if server_public_key is None:
        report.fail("receipt", f"server_public_key is not canonical base64 of {PUBLIC_KEY_SIZE} bytes")
    elif signature is None:
        report.fail("receipt", f"signature is not canonical base64 of {SIGNATURE_SIZE} bytes")
    elif not signature_holds(server_public_key, canonical_json(statement), signature):
        report.fail("receipt", "the server's signature does not verify")
    report.server_public_key = statement["server_public_key"]
    if server_key is not None and statement["server_public_key"] != server_key:
        report.fail("receipt", f"signed by server key {statement['server_public_key']}, not {server_key}")
    if statement["type"] != bundle.RECEIPT_TYPE:
        report.fail("receipt", f"type is {statement['type']!r}, expected {bundle.RECEIPT_TYPE!r}")
    if statement["memo_id"] != memo_id:
        report.fail("receipt", "names another memo")
    if statement["version_number"] != report.version_number:
        report.fail("receipt", "names another version number")
    if statement["version_sha256"] != report.version_sha256:
        report.fail("receipt", "names another version of the text")
    if not is_canonical_time(statement["submitted_at"]):
        report.fail("receipt", "submitted_at is not a UTC time with microseconds")
    if entries is None:
        report.fail("receipt", "cannot be compared with malformed signature entries")
        return
    if statement["count"] != len(entries):
        report.fail("receipt", f"froze {statement['count']} signatures; the bundle lists {len(entries)}")
    if statement["signatures_sha256"] != bundle.entries_sha256(entries):
        report.fail("receipt", "the signatures listed are not the set frozen at submission")
    check_units(report, statement["by_unit"], entries)


def check_units(report: Report, frozen: Any, entries: list[dict[str, Any]]) -> None:
    """Per-unit counts; entries whose unit the receipt never counted are named one by one."""
    if not isinstance(frozen, dict):
        report.fail("receipt", "by_unit is not a JSON object")
        return
    listed = bundle.count_by_unit(entries)
    for unit in sorted(set(frozen) | set(listed)):
        if frozen.get(unit) != listed.get(unit):
            report.fail(
                "receipt",
                f"unit {unit!r}: {frozen.get(unit, 0)} signature(s) frozen, {listed.get(unit, 0)} listed",
            )
    for i, entry in enumerate(entries):
        if entry["unit"] not in frozen:
            report.fail(
                f"signatures[{i}] (signer {entry['signer_id']})",
                f"unit {entry['unit']!r} has no signatures in the receipt",
            )
