"""``dissent verify``'s checks: a good bundle holds, and any one changed byte is named, never a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dissent.proof import bundle
from dissent.proof.canonical import canonical_json, sha256_hex
from dissent.proof.verify import verify_bundle
from tests.proof.sample import SERVER_KEY, sample_bundle

GOOD = bundle.encode(sample_bundle())


def edited(change) -> bytes:
    doc = sample_bundle()
    change(doc)
    return bundle.encode(doc)


def wheres(data: bytes) -> list[str]:
    return [f.where for f in verify_bundle(data).failures]


def test_a_good_bundle_verifies() -> None:
    report = verify_bundle(GOOD, server_key=bundle.b64(bytes(SERVER_KEY.verify_key)))
    assert report.ok, report.failures
    assert (report.memo_id, report.version_number, report.signatures) == ("3f9a1c0de2b47a10", 2, 2)


def test_every_single_changed_byte_fails() -> None:
    for i in range(len(GOOD)):
        for flip in (0x01, 0x20):
            tampered = GOOD[:i] + bytes([GOOD[i] ^ flip]) + GOOD[i + 1 :]
            assert not verify_bundle(tampered).ok, (i, GOOD[max(0, i - 20) : i + 20])


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_any_byte_replaced_by_any_other_fails(position: int, value: int) -> None:
    i = position % len(GOOD)
    if GOOD[i] == value:
        return
    assert not verify_bundle(GOOD[:i] + bytes([value]) + GOOD[i + 1 :]).ok


def test_a_forged_signature_names_its_entry() -> None:
    def forge(doc):
        doc["signatures"][1]["signed_at"] = "2026-11-21T14:02:09.000002+00:00"

    failures = wheres(edited(forge))
    assert "signatures[1] (signer 42)" in failures
    assert "signatures[0] (signer 17)" not in failures
    assert "receipt" in failures  # the frozen set no longer matches either


def test_a_changed_text_fails_the_version_and_every_signature() -> None:
    def change(doc):
        doc["version"]["document"]["body"] = "Something else."

    failures = wheres(edited(change))
    assert failures == ["version"]  # the hash still matches what was signed; the text does not

    def rehash(doc):
        doc["version"]["document"]["body"] = "Something else."
        doc["version"]["sha256"] = sha256_hex(canonical_json(doc["version"]["document"]))

    failures = wheres(edited(rehash))
    assert "signatures[0] (signer 17)" in failures
    assert "signatures[1] (signer 42)" in failures
    assert "receipt" in failures


def test_a_moved_unit_is_named() -> None:
    def move(doc):
        doc["signatures"][0]["unit"] = "XYZ"

    failures = wheres(edited(move))
    assert "signatures[0] (signer 17)" in failures
    assert "receipt" in failures


def test_a_removed_signature_fails_the_receipt() -> None:
    def drop(doc):
        del doc["signatures"][0]

    report = verify_bundle(edited(drop))
    assert any("froze 2 signatures; the bundle lists 1" in f.reason for f in report.failures)


def test_a_signer_listed_twice_is_named() -> None:
    doc = sample_bundle(
        [("17", "NOR", "2026-11-20T09:15:00.123456+00:00"), ("17", "NOR", "2026-11-20T09:16:00.000000+00:00")]
    )
    assert any("already at signatures[0]" in f.reason for f in verify_bundle(bundle.encode(doc)).failures)


def test_another_server_key_is_refused_when_pinned() -> None:
    report = verify_bundle(GOOD, server_key=bundle.b64(bytes(32)))
    assert [f.where for f in report.failures] == ["receipt"]


def test_pretty_printed_is_not_the_bundle() -> None:
    pretty = json.dumps(json.loads(GOOD), indent=2).encode()
    assert wheres(pretty) == ["file"]


def test_a_lone_surrogate_is_named_as_such() -> None:
    data = GOOD.replace(b"Keep it separate.", b"Keep it \\ud800separate.")
    report = verify_bundle(data)
    assert [str(f) for f in report.failures] == [
        "file: cannot be put in canonical form: "
        "canonical JSON refuses U+D800: a lone surrogate (half of a UTF-16 pair) has no UTF-8 form"
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe",
        b"[]",
        b"null",
        b'{"format": 1.5}',
        b"[" * 100_000,
        b'{"format":"dissent-bundle/1","memo_id":"x","receipt":{},"signatures":[1,{}],"version":[]}\n',
        b'{"format":"dissent-bundle/1","memo_id":"x","receipt":{"signature":"","statement":[]},'
        b'"signatures":"no","version":{"document":{},"number":true,"sha256":"A"}}\n',
    ],
)
def test_garbage_is_a_failure_not_a_crash(data: bytes) -> None:
    report = verify_bundle(data)
    assert not report.ok
