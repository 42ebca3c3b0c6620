"""``dissent keys rotate``: everything re-wrapped under a new KEK; the old KEK then opens nothing."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection, models
from django.test import Client
from nacl.exceptions import CryptoError
from nacl.secret import Aead

from dissent import cli
from dissent.audit.models import AuditEvent
from dissent.vault import keyring, stores
from dissent.vault import services as vault
from dissent.vault.kek import Kek, decode_kek, new_kek_text, unwrap
from dissent.vault.models import DataKey, KeyState
from dissent.vault.rotation import RotationRefused, exclusive, rotate_kek, switch_to
from dissent.vault.server_key import server_signing_key
from tests.conftest import PASSWORD, Personas, totp_code
from tests.vault.conftest import forget_keys


class SecretHolder(models.Model):
    """Stands in for a table another app registers (people's signing keys, say)."""

    owner = models.IntegerField()
    secret = models.BinaryField(null=True)
    objects: models.Manager[SecretHolder] = models.Manager()

    class Meta:
        app_label = "vault"
        managed = False
        db_table = "test_vault_secret_holder"

    def __str__(self) -> str:
        return f"secret of {self.owner}"


@pytest.fixture
def holders(db: None) -> Iterator[type[SecretHolder]]:
    blob = "bytea" if connection.vendor == "postgresql" else "blob"
    key = "serial primary key" if connection.vendor == "postgresql" else "integer primary key autoincrement"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE test_vault_secret_holder (id {key}, owner integer, secret {blob})")
    stores.register(
        stores.BlobFieldStore(
            model="vault.SecretHolder", field="secret", aad=lambda row: f"holder:{row.owner}"
        )
    )
    yield SecretHolder
    stores._registry.pop("vault.SecretHolder.secret")


def file_kek(path: Path) -> Kek:
    return decode_kek(path.read_text(), str(path))


def make_content(holder: type[SecretHolder], n: int = 5) -> list[tuple[int, bytes]]:
    sealed = []
    for i in range(n):
        key = vault.new_data_key()
        sealed.append((key.pk, vault.seal_text(key, f"memo {i}", aad=f"memo:{i}:body")))
        holder.objects.create(owner=i, secret=vault.wrap_secret(f"seed {i}".encode(), aad=f"holder:{i}"))
    holder.objects.create(owner=99, secret=None)
    return sealed


def assert_all_opens(holder: type[SecretHolder], sealed: list[tuple[int, bytes]]) -> None:
    for i, (pk, ciphertext) in enumerate(sealed):
        assert vault.open_text(DataKey.objects.get(pk=pk), ciphertext, aad=f"memo:{i}:body") == f"memo {i}"
        row = holder.objects.get(owner=i)
        assert vault.unwrap_secret(row.secret or b"", aad=f"holder:{i}") == f"seed {i}".encode()


def assert_opens_nothing(old: Kek, holder: type[SecretHolder], home: Path) -> None:
    for row in DataKey.objects.all():
        with pytest.raises(CryptoError):
            Aead(old.key).decrypt(bytes(row.wrapped))
    for holder_row in holder.objects.exclude(secret=None):
        with pytest.raises(CryptoError):
            unwrap(old, bytes(holder_row.secret or b""), aad=f"holder:{holder_row.owner}")
    with pytest.raises(CryptoError):
        unwrap(old, (home / "server_ed25519.sealed").read_bytes(), aad="server-signing-key")


def test_rotation_rewraps_everything_and_the_old_kek_opens_nothing(
    vault_home: Path, holders: type[SecretHolder]
) -> None:
    sealed = make_content(holders)
    public = bytes(server_signing_key().verify_key)
    old = file_kek(vault_home / "kek")

    rotation = rotate_kek(batch_size=2)

    new = file_kek(vault_home / "kek")
    assert new.id == rotation.new_kek_id != old.id == rotation.old_kek_id
    assert rotation.rewrapped == {
        "data keys": 5,
        "server signing key": 1,
        "vault.SecretHolder.secret": 5,
        "two-factor secrets": 0,
        "signing.PersonKey.sealed_seed": 0,
    }
    assert not (vault_home / "kek.next").exists()
    assert (vault_home / "kek").stat().st_mode & 0o777 == 0o600
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {new.id}
    assert KeyState.objects.get().kek_id == new.id
    forget_keys()
    assert_all_opens(holders, sealed)
    assert bytes(server_signing_key().verify_key) == public
    assert_opens_nothing(old, holders, vault_home)


def test_a_process_that_only_knew_the_old_kek_follows_the_rotation(
    vault_home: Path, holders: type[SecretHolder]
) -> None:
    sealed = make_content(holders, n=2)
    old = keyring.keyring()
    rotate_kek()
    forget_keys()
    keyring._known[old.primary.id] = old.primary
    keyring._ring = old
    assert_all_opens(holders, sealed)
    assert keyring.keyring().primary.id == file_kek(vault_home / "kek").id


def test_new_secrets_are_wrapped_under_the_new_kek_as_soon_as_rotation_starts(
    vault_home: Path, holders: type[SecretHolder]
) -> None:
    vault.new_data_key()
    new = Kek.from_bytes(base64.b64decode(text := new_kek_text()))
    (vault_home / "kek.next").write_text(text)
    switch_to(new)
    assert vault.new_data_key().kek_id == new.id
    assert vault.wrap_secret(b"x", aad="a")[4:20] == new.id.encode()


def test_an_interrupted_rotation_finishes_with_the_same_new_kek(
    vault_home: Path, holders: type[SecretHolder]
) -> None:
    sealed = make_content(holders, n=3)
    text = new_kek_text()
    (vault_home / "kek.next").write_text(text)
    new = decode_kek(text, "kek.next")
    switch_to(new)
    stores.DataKeyStore().rewrap(to=new, batch_size=1)
    assert any("rotation has not finished" in w for w in cli_warnings())

    rotation = rotate_kek()

    assert rotation.new_kek_id == new.id == file_kek(vault_home / "kek").id
    assert rotation.rewrapped["data keys"] == 0
    forget_keys()
    assert_all_opens(holders, sealed)


def cli_warnings() -> list[str]:
    from dissent.vault.startup import check_keys

    return check_keys().warnings


def test_rotation_with_the_kek_in_the_environment_needs_the_next_key_there_too(
    vault_home: Path, holders: type[SecretHolder], monkeypatch: pytest.MonkeyPatch
) -> None:
    old_text, new_text = new_kek_text(), new_kek_text()
    monkeypatch.setenv("DISSENT_KEK", old_text)
    sealed = make_content(holders, n=2)
    server_signing_key()
    with pytest.raises(RotationRefused, match="give its output as DISSENT_KEK_NEXT to every server"):
        rotate_kek()

    monkeypatch.setenv("DISSENT_KEK_NEXT", new_text)
    rotation = rotate_kek()

    assert rotation.from_env
    assert not (vault_home / "kek").exists()
    assert not (vault_home / "kek.next").exists()
    monkeypatch.setenv("DISSENT_KEK", new_text)
    monkeypatch.delenv("DISSENT_KEK_NEXT")
    forget_keys()
    assert_all_opens(holders, sealed)
    assert_opens_nothing(decode_kek(old_text, "old"), holders, vault_home)


def test_only_one_rotation_runs_at_a_time(vault_home: Path, holders: type[SecretHolder]) -> None:
    with exclusive(), pytest.raises(RotationRefused, match="another `dissent keys rotate` is running"):
        rotate_kek()


def test_a_damaged_data_key_stops_the_rotation_before_the_old_kek_is_dropped(
    vault_home: Path, holders: type[SecretHolder]
) -> None:
    key = vault.new_data_key()
    DataKey.objects.filter(pk=key.pk).update(wrapped=bytes(key.wrapped)[:-1] + b"\x00")
    with pytest.raises(vault.Tampered):
        rotate_kek()
    assert (vault_home / "kek.next").exists()


def test_the_cli_rotates_and_says_to_back_up_the_new_key(
    vault_home: Path, holders: type[SecretHolder], capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(holders, n=1)
    assert cli.main(["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    assert "data keys: 1 re-wrapped" in out
    assert f"{vault_home / 'kek'} now holds key {file_kek(vault_home / 'kek').id}; back it up now" in out
    event = AuditEvent.objects.get(action="cli.keys_rotated")  # fingerprints only, never a key
    assert event.details["changes"]["kek_id"]["after"] == file_kek(vault_home / "kek").id
    assert event.details["operator"]["via"] == "cli"


def test_the_cli_explains_the_environment_flow(
    vault_home: Path, holders: type[SecretHolder], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("DISSENT_KEK", new_kek_text())
    assert cli.main(["keys", "rotate"]) == 2
    assert "run `dissent keys generate`" in capsys.readouterr().err


def test_keys_generate_prints_a_usable_kek(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["keys", "generate"]) == 0
    assert len(decode_kek(capsys.readouterr().out, "output").key) == 32


def test_two_factor_secrets_are_rewrapped_and_still_log_people_in(vault_home: Path, org: Personas) -> None:
    old = file_kek(vault_home / "kek")
    rotation = rotate_kek()
    assert rotation.rewrapped["two-factor secrets"] == 5
    stored = Authenticator.objects.get(user=org.office).data["secret"]
    assert base64.b64decode(stored.removeprefix("vault:"))[4:20] == rotation.new_kek_id.encode()
    with pytest.raises(CryptoError):
        unwrap(old, base64.b64decode(stored.removeprefix("vault:")), aad="allauth-mfa")
    forget_keys()
    client = Client()
    client.post("/accounts/login/", {"login": "office@example.org", "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code()})["Location"] == "/"


def test_a_batch_size_below_one_is_refused_before_anything_changes(
    vault_home: Path, holders: type[SecretHolder], capsys: pytest.CaptureFixture[str]
) -> None:
    vault.new_data_key()
    assert cli.main(["keys", "rotate", "--batch-size", "0"]) == 2
    assert "--batch-size must be at least 1" in capsys.readouterr().err
    with pytest.raises(ValueError, match="at least 1"):
        rotate_kek(batch_size=0)
    assert not (vault_home / "kek.next").exists()


def test_the_old_kek_is_kept_when_something_was_left_unwrapped(
    vault_home: Path, holders: type[SecretHolder], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.new_data_key()
    old = file_kek(vault_home / "kek")
    monkeypatch.setattr(stores.DataKeyStore, "rewrap", lambda self, *, to, batch_size: 0)
    with pytest.raises(RotationRefused, match=f"still wrapped under {old.id}"):
        rotate_kek()
    assert file_kek(vault_home / "kek") == old


def test_rotation_rewraps_personal_signing_keys(org: Personas) -> None:
    from dissent.signing.keys import ensure_key, signing_key
    from dissent.signing.models import PersonKey
    from dissent.vault.rotation import rotate_kek

    ensure_key(org.drafter)
    before = bytes(PersonKey.objects.get(user=org.drafter).sealed_seed)
    public = bytes(PersonKey.objects.get(user=org.drafter).public_key)
    rotate_kek(batch_size=10, progress=lambda _line: None)
    row = PersonKey.objects.get(user=org.drafter)
    assert bytes(row.sealed_seed) != before
    assert bytes(signing_key(row).verify_key) == public
