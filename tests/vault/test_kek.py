"""Where the key-encryption key comes from, and the start-up check that refuses a missing or wrong one."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from dissent.vault import keyring
from dissent.vault import services as vault
from dissent.vault.kek import KekError, kek_id, new_kek_text
from dissent.vault.models import KeyState
from dissent.vault.server_key import server_signing_key
from dissent.vault.startup import check_keys
from tests.vault.conftest import forget_keys


def test_an_empty_installation_gets_a_kek_file_readable_only_by_its_owner(db: None, vault_home: Path) -> None:
    status = check_keys()
    kek_file = vault_home / "kek"
    assert kek_file.stat().st_mode & 0o777 == 0o600
    assert status.kek_id == kek_id(base64.b64decode(kek_file.read_text()))
    assert status.warnings == []


def test_the_wrapping_kek_is_recorded_with_the_first_data_key(db: None, vault_home: Path) -> None:
    key = vault.new_data_key()
    assert KeyState.objects.get().kek_id == key.kek_id == check_keys().kek_id


def test_a_missing_kek_is_an_error_once_data_exists_never_a_new_key(db: None, vault_home: Path) -> None:
    vault.new_data_key()
    (vault_home / "kek").unlink()
    forget_keys()
    with pytest.raises(KekError, match=r"kek is missing .* restore the file from your key backup"):
        check_keys()
    with pytest.raises(KekError):
        vault.new_data_key()
    assert not (vault_home / "kek").exists()


def test_a_server_key_file_alone_is_enough_to_refuse_a_new_kek(db: None, vault_home: Path) -> None:
    server_signing_key()
    (vault_home / "kek").unlink()
    forget_keys()
    with pytest.raises(KekError, match="missing"):
        check_keys()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (base64.b64encode(b"short").decode(), "must hold 32 bytes, it holds 5"),
        ("not base64 at all!", "base64 of 32 random bytes"),
        ("\xff\xfe", "base64 of 32 random bytes"),
    ],
)
def test_a_malformed_kek_file_is_a_clear_error(
    db: None, vault_home: Path, content: str, message: str
) -> None:
    (vault_home / "kek").write_bytes(content.encode("latin-1"))
    with pytest.raises(KekError, match=message):
        check_keys()


def test_an_unreadable_kek_file_is_a_clear_error(db: None, vault_home: Path) -> None:
    (vault_home / "kek").mkdir()
    with pytest.raises(KekError, match="cannot be read"):
        check_keys()


def test_another_kek_than_the_one_that_wrapped_the_data_is_refused(db: None, vault_home: Path) -> None:
    key = vault.new_data_key()
    (vault_home / "kek").write_text(new_kek_text() + "\n")
    forget_keys()
    with pytest.raises(KekError, match=f"the data needs {key.kek_id}"):
        check_keys()


def test_a_kek_from_the_environment_writes_no_file(
    db: None, vault_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = new_kek_text()
    monkeypatch.setenv("DISSENT_KEK", text)
    key = vault.new_data_key()
    assert key.kek_id == kek_id(base64.b64decode(text))
    assert not (vault_home / "kek").exists()
    assert check_keys().source == "DISSENT_KEK"


def test_a_kek_file_beside_a_kek_in_the_environment_is_a_warning(
    db: None, vault_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_keys()
    monkeypatch.setenv("DISSENT_KEK", new_kek_text())
    assert any("kek is not used: move that file to your key backup" in w for w in check_keys().warnings)


def test_a_bad_kek_in_the_environment_names_the_variable(
    db: None, vault_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISSENT_KEK", "c2hvcnQ=")
    with pytest.raises(KekError, match="DISSENT_KEK is not a key-encryption key"):
        check_keys()


def test_a_next_kek_without_a_current_one_is_refused(
    db: None, vault_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISSENT_KEK_NEXT", new_kek_text())
    with pytest.raises(KekError, match="DISSENT_KEK_NEXT is set but DISSENT_KEK is not"):
        check_keys()


def test_a_kek_file_others_may_read_is_a_warning(db: None, vault_home: Path) -> None:
    check_keys()
    (vault_home / "kek").chmod(0o644)
    assert any("chmod 600" in w for w in check_keys().warnings)


def test_the_server_key_is_wrapped_and_stays_the_same(db: None, vault_home: Path) -> None:
    public = bytes(server_signing_key().verify_key)
    sealed = (vault_home / "server_ed25519.sealed").read_bytes()
    assert sealed.startswith(b"dsk1" + keyring.keyring().primary.id.encode())
    forget_keys()
    assert bytes(server_signing_key().verify_key) == public
