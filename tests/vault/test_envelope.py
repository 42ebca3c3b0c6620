"""Envelope encryption: content opens only with its own data key and in its own place."""

from __future__ import annotations

import pytest

from dissent.vault import services as vault
from dissent.vault.kek import KekError


@pytest.mark.django_db
def test_sealed_text_opens_with_its_key_and_place() -> None:
    key = vault.new_data_key()
    sealed = vault.seal_text(key, "Recommendation: publish the water report", aad="memo:1:body")
    assert b"water report" not in sealed
    assert vault.open_text(key, sealed, aad="memo:1:body") == "Recommendation: publish the water report"


@pytest.mark.django_db
def test_a_ciphertext_moved_elsewhere_or_changed_does_not_open() -> None:
    key, other = vault.new_data_key(), vault.new_data_key()
    sealed = vault.seal_text(key, "text", aad="memo:1:body")
    with pytest.raises(vault.Tampered):
        vault.open_text(key, sealed, aad="memo:2:body")
    with pytest.raises(vault.Tampered):
        vault.open_text(other, sealed, aad="memo:1:body")
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(vault.Tampered):
        vault.open_text(key, flipped, aad="memo:1:body")


@pytest.mark.django_db
def test_a_changed_data_key_is_tampering_not_garbage() -> None:
    key = vault.new_data_key()
    sealed = vault.seal_text(key, "text", aad="memo:1:body")
    key.wrapped = bytes(key.wrapped)[:-1] + bytes([bytes(key.wrapped)[-1] ^ 1])
    with pytest.raises(vault.Tampered):
        vault.open_text(key, sealed, aad="memo:1:body")


@pytest.mark.django_db
def test_a_wrapped_secret_opens_only_in_its_place() -> None:
    wrapped = vault.wrap_secret(b"ed25519 seed", aad="personal-key:7")
    assert b"ed25519 seed" not in wrapped
    assert vault.unwrap_secret(wrapped, aad="personal-key:7") == b"ed25519 seed"
    with pytest.raises(vault.Tampered):
        vault.unwrap_secret(wrapped, aad="personal-key:8")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),
        lambda b: b[:30] + bytes([b[30] ^ 1]) + b[31:],
        lambda b: b"not a wrapped secret",
        lambda b: b"",
    ],
    ids=["box", "nonce", "garbage", "empty"],
)
def test_a_damaged_wrapped_secret_is_tampering(damage) -> None:
    wrapped = vault.wrap_secret(b"seed", aad="personal-key:7")
    with pytest.raises(vault.Tampered) as info:
        vault.unwrap_secret(damage(wrapped), aad="personal-key:7")
    assert info.value.code == "tampered"
    assert "integrity check" in info.value.detail


@pytest.mark.django_db
def test_a_secret_naming_a_kek_nobody_has_is_a_key_error_not_garbage() -> None:
    wrapped = vault.wrap_secret(b"seed", aad="personal-key:7")
    relabelled = wrapped[:4] + b"0000000000000000" + wrapped[20:]
    with pytest.raises(KekError, match="wrapped by key-encryption key 0000000000000000"):
        vault.unwrap_secret(relabelled, aad="personal-key:7")
