"""Envelope encryption: each memo has a data key; content is sealed with XChaCha20-Poly1305.

Unwrapped data keys are cached per process (they are small and unwrapping is cheap, but
a page of memos should not unwrap each key twice). ``aad`` binds a ciphertext to its
place, so a ciphertext copied into another row does not open there.
"""

from __future__ import annotations

from functools import lru_cache

from nacl.exceptions import CryptoError
from nacl.secret import Aead
from nacl.utils import random as random_bytes

from dissent.vault.kek import KeyError_, current_kek, kek_id
from dissent.vault.models import DataKey


class Tampered(Exception):
    """A ciphertext does not open: it was changed, moved, or sealed under another key."""


def new_data_key() -> DataKey:
    kek = current_kek()
    return DataKey.objects.create(
        wrapped=bytes(Aead(kek).encrypt(random_bytes(Aead.KEY_SIZE))), kek_id=kek_id(kek)
    )


@lru_cache(maxsize=4096)
def unwrapped(data_key_id: int, wrapped: bytes, wrapped_by: str) -> bytes:
    kek = current_kek()
    if wrapped_by != kek_id(kek):
        raise KeyError_(
            f"data key {data_key_id} is wrapped by KEK {wrapped_by}, not the KEK in use ({kek_id(kek)})"
        )
    try:
        return bytes(Aead(kek).decrypt(wrapped))
    except CryptoError as exc:
        raise Tampered(f"data key {data_key_id} does not unwrap") from exc


def box(key: DataKey) -> Aead:
    return Aead(unwrapped(key.pk, bytes(key.wrapped), key.kek_id))


def seal(key: DataKey, plaintext: bytes, *, aad: bytes) -> bytes:
    return bytes(box(key).encrypt(plaintext, aad))


def open_sealed(key: DataKey, ciphertext: bytes, *, aad: bytes) -> bytes:
    try:
        return bytes(box(key).decrypt(bytes(ciphertext), aad))
    except CryptoError as exc:
        raise Tampered(
            f"a ciphertext under data key {key.pk} does not open ({aad.decode(errors='replace')})"
        ) from exc


def seal_text(key: DataKey, text: str, *, aad: str) -> bytes:
    return seal(key, text.encode("utf-8"), aad=aad.encode("utf-8"))


def open_text(key: DataKey, ciphertext: bytes, *, aad: str) -> str:
    return open_sealed(key, ciphertext, aad=aad.encode("utf-8")).decode("utf-8")
