"""Personal signing keys: made on first need, the private half sealed under the KEK.

Seeds are wrapped with the vault's ``wrap_secret`` (the wrapped bytes name their KEK), and
the table is registered with the vault's stores, so ``dissent keys rotate`` re-wraps them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from nacl.signing import SigningKey

from dissent.people.models import User
from dissent.people.services import chunks
from dissent.signing.models import PersonKey
from dissent.vault.services import unwrap_secret, wrap_secret


def seed_aad(user_id: int) -> str:
    """Binds a wrapped seed to its person: a seed copied onto another person's row does not open."""
    return f"person-key:{user_id}"


def wrap_seed(seed: bytes, *, user_id: int) -> bytes:
    return wrap_secret(seed, aad=seed_aad(user_id))


def unwrap_seed(sealed: bytes, *, user_id: int) -> bytes:
    return unwrap_secret(sealed, aad=seed_aad(user_id))


def new_key(user_id: int) -> tuple[PersonKey, SigningKey]:
    """A fresh key pair and its row, not yet saved: the caller stores it in its own transaction."""
    key = SigningKey.generate()
    sealed = wrap_seed(bytes(key), user_id=user_id)
    row = PersonKey(user_id=user_id, public_key=bytes(key.verify_key), sealed_seed=sealed)
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
    return SigningKey(unwrap_seed(bytes(row.sealed_seed), user_id=row.user_id))


def public_key_of(user: User) -> bytes | None:
    row = PersonKey.objects.filter(user=user).only("public_key").first()
    return None if row is None else bytes(row.public_key)
