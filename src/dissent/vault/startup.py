"""The start-up check: is the KEK there, readable, well-formed, and the one the data needs?

``dissent serve``, ``dissent check`` and the other commands run it before anything else,
so a missing or wrong KEK is one sentence and exit status 2, never a traceback or a page
of garbage. A process that meets a KEK problem later (the file removed while running)
raises the same ``KekError``, which pages show as a clear 503.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from dissent.home import data_dir
from dissent.vault import keyring
from dissent.vault.kek import KEK_ENV, KEK_FILE, NEXT_KEK_FILE, KekError, loose_permissions
from dissent.vault.models import DataKey, KeyState
from dissent.vault.services import Tampered
from dissent.vault.stores import server_key_kek_id

__all__ = ["KekError", "KeyStatus", "check_keys", "stored_kek_ids"]


@dataclass
class KeyStatus:
    kek_id: str
    source: str
    warnings: list[str] = field(default_factory=list)


def stored_kek_ids() -> set[str]:
    """Every KEK the stored data names: the wrapping KEK, each data key's, the server key file's."""
    ids: set[str] = set()
    tables = set(connection.introspection.table_names())
    if KeyState._meta.db_table in tables:
        ids.update(KeyState.objects.values_list("kek_id", flat=True))
    if DataKey._meta.db_table in tables:
        ids.update(DataKey.objects.values_list("kek_id", flat=True).order_by().distinct())
    try:
        server = server_key_kek_id()
    except Tampered as exc:
        raise KekError(f"{exc.where}: restore it from your backup of the data dir") from None
    if server is not None:
        ids.add(server)
    return ids


def check_keys() -> KeyStatus:
    """Raise ``KekError`` (one sentence) unless this process can open everything that is stored."""
    ring = keyring.reload()
    missing = stored_kek_ids() - ring.keys().keys()
    if missing:
        raise KekError(
            f"{ring.source} is not the key-encryption key this installation's data is wrapped with "
            f"(the data needs {', '.join(sorted(missing))}, {ring.source} holds {ring.primary.id}): "
            "restore the right key from your key backup"
        )
    status = KeyStatus(kek_id=ring.primary.id, source=ring.source)
    if not ring.from_env:
        for name in (KEK_FILE, NEXT_KEK_FILE):
            warning = loose_permissions(data_dir() / name)
            if warning:
                status.warnings.append(warning)
    if ring.from_env and (data_dir() / KEK_FILE).exists():
        status.warnings.append(
            f"{KEK_ENV} is set, so {data_dir() / KEK_FILE} is not used: move that file to your key backup"
        )
    if ring.next is not None and not ring.from_env:
        status.warnings.append(
            f"{data_dir() / NEXT_KEK_FILE} exists: a key rotation has not finished; "
            "run `dissent keys rotate` to finish it"
        )
    return status
