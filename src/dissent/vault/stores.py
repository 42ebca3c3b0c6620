"""Every place that holds something wrapped under the KEK, so a rotation can re-wrap all of it.

The vault registers its own places (data keys, the server key file). An app that stores
``wrap_secret`` output registers its table once, in its ``AppConfig.ready``::

    stores.register(stores.BlobFieldStore(
        model="signing.PersonalKey", field="wrapped_private_key",
        aad=lambda row: f"personal-key:{row.user_id}",
    ))

Each store re-wraps in batches, each batch a short transaction that locks only its rows,
so the server keeps serving while a rotation runs. Re-wrapping is idempotent: a rotation
that was interrupted starts again where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps
from django.db import models, transaction
from nacl.exceptions import CryptoError
from nacl.secret import Aead

from dissent.vault import server_key
from dissent.vault.kek import Kek, wrapped_by
from dissent.vault.keyring import key_for
from dissent.vault.models import DataKey
from dissent.vault.services import Tampered, rewrap_secret


class SecretStore(Protocol):
    @property
    def name(self) -> str: ...

    def rewrap(self, *, to: Kek, batch_size: int) -> int:
        """Re-wrap everything here that is not wrapped by ``to``; return how many were re-wrapped."""
        ...


class DataKeyStore:
    """Memo data keys: the KEK is named by the ``kek_id`` column, so pending rows are one query away."""

    name = "data keys"

    def rewrap(self, *, to: Kek, batch_size: int) -> int:
        done = 0
        while True:
            with transaction.atomic():
                batch = list(
                    DataKey.objects.select_for_update().exclude(kek_id=to.id).order_by("pk")[:batch_size]
                )
                if not batch:
                    return done
                for row in batch:
                    try:
                        key = Aead(key_for(row.kek_id).key).decrypt(bytes(row.wrapped))
                    except CryptoError as exc:
                        raise Tampered(where=f"data key {row.pk} does not unwrap") from exc
                    row.wrapped, row.kek_id = bytes(Aead(to.key).encrypt(key)), to.id
                DataKey.objects.bulk_update(batch, ["wrapped", "kek_id"])
            done += len(batch)


@dataclass(frozen=True)
class BlobFieldStore:
    """A model field holding ``wrap_secret`` output; ``aad(row)`` names the place it was wrapped for."""

    model: str
    field: str
    aad: Callable[[Any], str]

    @property
    def name(self) -> str:
        return f"{self.model}.{self.field}"

    def rewrap(self, *, to: Kek, batch_size: int) -> int:
        model: type[models.Model] = apps.get_model(self.model)
        done, after = 0, None
        while True:
            with transaction.atomic():
                rows = model._default_manager.select_for_update().order_by("pk")
                batch = list((rows if after is None else rows.filter(pk__gt=after))[:batch_size])
                if not batch:
                    return done
                changed = []
                for row in batch:
                    value = getattr(row, self.field)
                    new = rewrap_secret(value, aad=self.aad(row), to=to) if value else None
                    if new is not None:
                        setattr(row, self.field, new)
                        changed.append(row)
                model._default_manager.bulk_update(changed, [self.field])
            done, after = done + len(changed), batch[-1].pk


class ServerKeyFileStore:
    """The server's signing key in DISSENT_HOME, replaced atomically (running servers keep it in memory)."""

    name = "server signing key"

    def rewrap(self, *, to: Kek, batch_size: int) -> int:
        path = server_key.server_key_path()
        if not path.exists():
            return 0
        new = rewrap_secret(path.read_bytes(), aad=server_key.AAD, to=to)
        if new is None:
            return 0
        server_key.write_atomically(path, new, replace=True)
        return 1


def server_key_kek_id() -> str | None:
    """Which KEK wrapped the server key file, for the start-up check; None when there is none yet."""
    path = server_key.server_key_path()
    if not path.exists():
        return None
    try:
        return wrapped_by(path.read_bytes())
    except ValueError as exc:
        raise Tampered(where=f"{path} is not a wrapped secret") from exc


_registry: dict[str, SecretStore] = {}


def register(store: SecretStore) -> None:
    """Add a place that holds wrapped secrets (registering the same name again replaces it)."""
    _registry[store.name] = store


def registered() -> list[SecretStore]:
    return list(_registry.values())


register(DataKeyStore())
register(ServerKeyFileStore())
