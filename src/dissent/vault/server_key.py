"""The server's own Ed25519 key: signs bundle receipts and audit checkpoints.

Its seed lives in the data dir, wrapped under the KEK (``wrap_secret``), so a copy of the
data dir without the KEK cannot sign in the server's name.
"""

from __future__ import annotations

import os
from contextlib import suppress
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from nacl.signing import SigningKey

from dissent.home import data_dir
from dissent.vault.keyring import SERVER_KEY_FILE
from dissent.vault.services import unwrap_secret, wrap_secret

AAD = "server-signing-key"


def server_key_path() -> Path:
    return data_dir() / SERVER_KEY_FILE


def write_atomically(path: Path, data: bytes, *, replace: bool) -> None:
    """Readers see the old file or the new one, never half of one; ``replace=False`` keeps a winner."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@lru_cache(maxsize=1)
def server_signing_key() -> SigningKey:
    """Load the server key, creating it on first use."""
    path = server_key_path()
    if not path.exists():
        key = SigningKey.generate()
        with transaction.atomic(), suppress(FileExistsError):
            write_atomically(path, wrap_secret(bytes(key), aad=AAD), replace=False)
    return SigningKey(unwrap_secret(path.read_bytes(), aad=AAD))
