"""Personal signing keys: made on first need, the private half sealed under the KEK.

``wrap_seed``/``unwrap_seed`` are the only two places that touch the KEK for personal keys,
so moving them onto the vault's generic secret wrapping (and its key rotation) is one edit.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from nacl.exceptions import CryptoError
from nacl.secret import Aead
from nacl.signing import SigningKey

from dissent.people.models import User
from dissent.people.services import chunks
from dissent.signing.models import PersonKey
from dissent.vault.kek import KeyError_, current_kek, kek_id
from dissent.vault.services import Tampered


def seed_aad(user_id: int) -> bytes:
    """Binds a sealed seed to its person: a seed copied onto another person's row does not open."""
    return f"person-key:{user_id}".encode("ascii")


def wrap_seed(seed: bytes, *, user_id: int) -> tuple[bytes, str]:
    kek = current_kek()
    return bytes(Aead(kek).encrypt(seed, seed_aad(user_id))), kek_id(kek)


def unwrap_seed(sealed: bytes, *, wrapped_by: str, user_id: int) -> bytes:
    kek = current_kek()
    if wrapped_by != kek_id(kek):
        raise KeyError_(
            f"the signing key of person {user_id} is wrapped by KEK {wrapped_by}, "
            f"not the KEK in use ({kek_id(kek)})"
        )
    try:
        return bytes(Aead(kek).decrypt(bytes(sealed), seed_aad(user_id)))
    except CryptoError as exc:
        raise Tampered(f"the signing key of person {user_id} does not unwrap") from exc


def new_key(user_id: int) -> tuple[PersonKey, SigningKey]:
    """A fresh key pair and its row, not yet saved: the caller stores it in its own transaction."""
    key = SigningKey.generate()
    sealed, wrapped_by = wrap_seed(bytes(key), user_id=user_id)
    row = PersonKey(user_id=user_id, public_key=bytes(key.verify_key), sealed_seed=sealed, kek_id=wrapped_by)
    return row, key


def ensure_keys(user_ids: Sequence[int]) -> int:
    """Keys for everyone invited to sign, made in one batch, so that signing seldom has to."""
    have: set[int] = set()
    for part in chunks(sorted(set(user_ids))):
        have.update(PersonKey.objects.filter(user_id__in=part).values_list("user_id", flat=True))
    rows = [new_key(pk)[0] for pk in sorted(set(user_ids) - have)]
    PersonKey.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def ensure_key(user: User) -> PersonKey:
    """The person's key row, created on first need; two first requests at once agree on one key."""
    existing = PersonKey.objects.filter(user=user).first()
    if existing is not None:
        return existing
    row, _key = new_key(user.pk)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return PersonKey.objects.get(user=user)
    return row


def signing_key(row: PersonKey) -> SigningKey:
    return SigningKey(unwrap_seed(bytes(row.sealed_seed), wrapped_by=row.kek_id, user_id=row.user_id))


def public_key_of(user: User) -> bytes | None:
    row = PersonKey.objects.filter(user=user).only("public_key").first()
    return None if row is None else bytes(row.public_key)
