"""Envelope encryption: each memo has a data key; content is sealed with XChaCha20-Poly1305.

Unwrapped data keys are cached per process (they are small and unwrapping is cheap, but
a page of memos should not unwrap each key twice). ``aad`` binds a ciphertext to its
place, so a ciphertext copied into another row does not open there.

Other secrets (people's private signing keys, TOTP seeds, the server's key) are wrapped
directly under the KEK with ``wrap_secret``; the result names the KEK that wrapped it, so
``dissent keys rotate`` can re-wrap it (see ``vault.stores``).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from nacl.exceptions import CryptoError
from nacl.secret import Aead
from nacl.utils import random as random_bytes

from dissent.errors import DomainError
from dissent.vault import kek as keks
from dissent.vault.keyring import key_for, wrapping_kek
from dissent.vault.models import DataKey

log = logging.getLogger(__name__)


class Tampered(DomainError):
    """A ciphertext does not open: it was changed, moved, or sealed under another key.

    Never shown as garbage: callers get this error, the API answers with its code, pages
    with a clear sentence, and the log says which ciphertext (``where``).
    """

    code = "tampered"
    status = 500
    default_detail = _(
        "Stored content failed its integrity check: it was changed or moved outside Dissent Channel, "
        "so it is not shown. The failure has been logged for the administrators."
    )

    def __init__(self, detail: str | None = None, *, where: str = "") -> None:
        super().__init__(detail)
        self.where = where
        log.error("integrity check failed: %s", where or self.detail)


def new_data_key() -> DataKey:
    with transaction.atomic():
        kek = wrapping_kek()
        return DataKey.objects.create(
            wrapped=bytes(Aead(kek.key).encrypt(random_bytes(Aead.KEY_SIZE))), kek_id=kek.id
        )


@lru_cache(maxsize=4096)
def unwrapped(data_key_id: int, wrapped: bytes, wrapped_by: str) -> bytes:
    kek = key_for(wrapped_by)
    try:
        return bytes(Aead(kek.key).decrypt(wrapped))
    except CryptoError as exc:
        raise Tampered(where=f"data key {data_key_id} does not unwrap") from exc


def box(key: DataKey) -> Aead:
    return Aead(unwrapped(key.pk, bytes(key.wrapped), key.kek_id))


def seal(key: DataKey, plaintext: bytes, *, aad: bytes) -> bytes:
    return bytes(box(key).encrypt(plaintext, aad))


def open_sealed(key: DataKey, ciphertext: bytes, *, aad: bytes) -> bytes:
    try:
        return bytes(box(key).decrypt(bytes(ciphertext), aad))
    except CryptoError as exc:
        raise Tampered(
            where=f"a ciphertext under data key {key.pk} does not open ({aad.decode(errors='replace')})"
        ) from exc


def seal_text(key: DataKey, text: str, *, aad: str) -> bytes:
    return seal(key, text.encode("utf-8"), aad=aad.encode("utf-8"))


def open_text(key: DataKey, ciphertext: bytes, *, aad: str) -> str:
    return open_sealed(key, ciphertext, aad=aad.encode("utf-8")).decode("utf-8")


def wrap_secret(data: bytes, *, aad: str) -> bytes:
    """Wrap ``data`` under the current KEK; ``aad`` names its place (e.g. ``personal-key:42``).

    Call it inside the transaction that stores the result, so a concurrent rotation cannot
    miss it, and register where it is stored with ``vault.stores.register``.
    """
    with transaction.atomic():
        return keks.wrap(wrapping_kek(), data, aad=aad)


def unwrap_secret(wrapped: bytes | memoryview, *, aad: str) -> bytes:
    """Open what ``wrap_secret`` wrapped, with whichever KEK it names."""
    blob = bytes(wrapped)
    try:
        kek = key_for(keks.wrapped_by(blob))
        return keks.unwrap(kek, blob, aad=aad)
    except (ValueError, CryptoError) as exc:
        raise Tampered(where=f"wrapped secret {aad!r} does not open") from exc


def rewrap_secret(wrapped: bytes | memoryview, *, aad: str, to: keks.Kek) -> bytes | None:
    """The same secret wrapped under ``to``; None when it already is (rotation resumes cheaply)."""
    blob = bytes(wrapped)
    try:
        if keks.wrapped_by(blob) == to.id:
            return None
    except ValueError as exc:
        raise Tampered(where=f"wrapped secret {aad!r} is not a wrapped secret") from exc
    return keks.wrap(to, unwrap_secret(blob, aad=aad), aad=aad)
