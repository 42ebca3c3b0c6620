"""`dissent audit verify` and `dissent audit checkpoint` as an operator and an outside party use them."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from django.utils import timezone
from nacl.signing import SigningKey

from dissent import cli
from dissent.audit.models import AuditEvent
from dissent.audit.services import record
from dissent.proof.canonical import canonical_json
from tests.audit.conftest import Tamper
from tests.conftest import Personas


def checkpoint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    assert cli.main(["audit", "checkpoint"]) == 0
    path = tmp_path / "checkpoint.json"
    path.write_text(capsys.readouterr().out)
    return path


def test_verify_exits_0_for_an_intact_chain(
    chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["audit", "verify"]) == 0
    assert f"audit trail intact: 5 events, head {chain[-1].hash}" in capsys.readouterr().out


def test_verify_exits_1_naming_the_first_broken_event(
    chain: list[AuditEvent], tamper: Tamper, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper('UPDATE audit_auditevent SET details = \'{"signature": "8"}\' WHERE seq = 4')
    assert cli.main(["audit", "verify"]) == 1
    assert "audit trail BROKEN at event 4: its content does not match its hash" in capsys.readouterr().err


def test_a_checkpoint_is_the_head_signed_by_the_server(
    chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    from dissent.vault.server_key import server_signing_key

    assert cli.main(["audit", "checkpoint"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"seq", "hash", "at", "public_key", "signature"}
    assert (printed["seq"], printed["hash"]) == (5, chain[-1].hash)
    key = server_signing_key().verify_key
    assert base64.b64decode(printed["public_key"]) == bytes(key)
    signed = canonical_json({k: printed[k] for k in ("seq", "hash", "at")})
    key.verify(signed, base64.b64decode(printed["signature"]))


def test_the_chain_still_holds_an_earlier_checkpoint_after_more_events(
    chain: list[AuditEvent], org: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = checkpoint(capsys, tmp_path)
    record(actor=org.auditor, action="audit.read")
    assert cli.main(["audit", "verify", "--checkpoint", str(path)]) == 0
    out = capsys.readouterr().out
    assert "audit trail intact: 6 events" in out
    assert "checkpoint holds: event 5" in out


def test_a_checkpoint_detects_a_history_rewritten_with_valid_hashes(
    chain: list[AuditEvent], org: Personas, tamper: Tamper, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone makes the office's read of the memo look like the leader's and recomputes every hash."""
    path = checkpoint(capsys, tmp_path)
    tamper("DELETE FROM audit_chainhead")
    tamper("DELETE FROM audit_auditevent")
    for event in chain:
        actor = org.leader if event.seq == 3 else type(org.drafter)(pk=event.actor_id)
        record(actor=actor, action=event.action, memo_id=event.memo_id, details=event.details)
    assert cli.main(["audit", "verify"]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "verify", "--checkpoint", str(path)]) == 1
    assert "BROKEN at event 5: its hash is not the one in the checkpoint" in capsys.readouterr().err


def test_a_forged_checkpoint_is_refused(
    chain: list[AuditEvent], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = checkpoint(capsys, tmp_path)
    forged = json.loads(path.read_text()) | {"hash": "0" * 64}
    path.write_text(json.dumps(forged))
    assert cli.main(["audit", "verify", "--checkpoint", str(path)]) == 1
    assert "signature does not verify" in capsys.readouterr().err

    other = SigningKey.generate()
    body = {"seq": 5, "hash": chain[-1].hash, "at": forged["at"]}
    path.write_text(
        json.dumps(
            body
            | {
                "public_key": base64.b64encode(bytes(other.verify_key)).decode(),
                "signature": base64.b64encode(other.sign(canonical_json(body)).signature).decode(),
            }
        )
    )
    assert cli.main(["audit", "verify", "--checkpoint", str(path)]) == 1
    assert "signed with another key than this server's" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not JSON"),
        ('{"seq": 1}', "exactly seq, hash, at, public_key and signature"),
        ('{"seq": -1, "hash": "", "at": "", "public_key": "", "signature": ""}', "not a sequence number"),
    ],
)
def test_a_malformed_checkpoint_exits_2(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "cp.json"
    path.write_text(content)
    assert cli.main(["audit", "verify", "--checkpoint", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_checkpoint_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["audit", "verify", "--checkpoint", str(tmp_path / "absent.json")]) == 2
    assert "absent.json: no such file" in capsys.readouterr().err


def test_no_checkpoint_is_signed_for_a_broken_chain(
    chain: list[AuditEvent], tamper: Tamper, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper("UPDATE audit_auditevent SET action = 'memo.ignored' WHERE seq = 1")
    assert cli.main(["audit", "checkpoint"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "BROKEN at event 1" in captured.err


def test_verify_says_how_many_events_it_sealed_before_walking_the_chain(
    chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    for memo_id in ("41", "42", "43"):
        AuditEvent.objects.create(at=timezone.now(), action="memo.read", memo_id=memo_id)
    assert cli.main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sealed 3 events that had been left unsealed\naudit trail intact: 8 events")
    assert cli.main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("audit trail intact: 8 events")
