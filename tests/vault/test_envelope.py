"""Envelope encryption: content opens only with its own data key and in its own place."""

from __future__ import annotations

import pytest

from dissent.vault import services as vault


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
