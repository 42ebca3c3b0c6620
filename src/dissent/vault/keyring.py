"""This process's KEKs, and which KEK wraps new secrets.

A process keeps the KEKs it has read. When it meets something wrapped by a KEK it does not
know (a rotation has just re-wrapped it), it reads the key files or environment again, so
running servers follow a rotation without a restart. Keys are only ever added: a row read
before a rotation still opens after it.
"""

from __future__ import annotations

import threading

from django.db import connection, transaction

from dissent.home import data_dir
from dissent.vault.kek import Kek, KekError, Keyring, read_keyring
from dissent.vault.models import DataKey, KeyState

SERVER_KEY_FILE = "server_ed25519.sealed"

_lock = threading.Lock()
_ring: Keyring | None = None
_known: dict[str, Kek] = {}


def installation_is_empty() -> bool:
    """Nothing has been wrapped yet, so a missing KEK file may be created rather than restored."""
    if (data_dir() / SERVER_KEY_FILE).exists():
        return False
    tables = set(connection.introspection.table_names())
    for model in (KeyState, DataKey):
        if model._meta.db_table in tables and model.objects.exists():
            return False
    return True


def reload() -> Keyring:
    """Read the KEKs again from the environment or DISSENT_HOME."""
    global _ring
    with _lock:
        ring = read_keyring(may_create=installation_is_empty)
        _known.update(ring.keys())
        _ring = ring
        return ring


def keyring() -> Keyring:
    return _ring if _ring is not None else reload()


def forget() -> None:
    """Drop every KEK this process has read (tests switch DISSENT_HOME between installations)."""
    global _ring
    with _lock:
        _ring = None
        _known.clear()


def key_for(wrapped_by: str) -> Kek:
    """The KEK with fingerprint ``wrapped_by``, re-reading the key sources once if it is new to us."""
    found = _known.get(wrapped_by)
    if found is None:
        ring = reload()
        found = _known.get(wrapped_by)
        if found is None:
            raise KekError(
                f"stored data is wrapped by key-encryption key {wrapped_by}, but {ring.source} holds "
                f"{ring.primary.id}: restore the right key from your key backup"
            )
    return found


def wrapping_kek() -> Kek:
    """The KEK to wrap with now. Locks the KEK state until the caller's transaction ends.

    Call it inside the transaction that stores what it wraps: a rotation waits for that
    transaction, so it cannot miss the new row.
    """
    with transaction.atomic():
        KeyState.objects.get_or_create(pk=1, defaults={"kek_id": keyring().primary.id})
        state = KeyState.objects.select_for_update().get(pk=1)
        return key_for(state.kek_id)
