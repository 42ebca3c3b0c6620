"""The audit chain's hashes are the ones docs/audit.md defines, however the row was read back."""

from __future__ import annotations

from datetime import UTC, datetime

from dissent.proof.canonical import canonical_json
from dissent.proof.chain import GENESIS_HASH, link_hash, payload, stored_payload

AT = datetime(2026, 11, 27, 9, 30, 0, 123456, tzinfo=UTC)
EVENT = (1, AT, 7, "memo.read", "channel.memo", "41", "41", {"version": 2})


def test_the_worked_example_in_docs_audit_md_holds() -> None:
    canonical = canonical_json(payload(*EVENT))
    assert canonical == (
        b'{"action":"memo.read","actor_id":7,"at":"2026-11-27T09:30:00.123456+00:00","details":{"version":2},'
        b'"memo_id":"41","object_id":"41","object_type":"channel.memo","seq":1}'
    )
    assert (
        link_hash(GENESIS_HASH, canonical)
        == "d80b864def0e7f3d8c5b6a25ee8d3b5c1a1745f3a863ec71397878fca98cefd7"
    )


def test_a_raw_row_with_a_naive_time_and_details_as_text_hashes_like_the_event() -> None:
    raw = (*EVENT[:1], AT.replace(tzinfo=None), *EVENT[2:7], '{"version": 2}')
    assert stored_payload(raw) == canonical_json(payload(*EVENT))


def test_a_time_on_the_second_is_hashed_without_a_fraction() -> None:
    on_the_second = (*EVENT[:1], AT.replace(microsecond=0), *EVENT[2:])
    assert b'"at":"2026-11-27T09:30:00+00:00"' in canonical_json(payload(*on_the_second))
