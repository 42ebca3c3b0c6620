"""The server's own Ed25519 key: signs bundle receipts and audit checkpoints.

Its seed lives in the data dir, sealed under the KEK, so a copy of the data dir without
the KEK cannot sign in the server's name.
"""

from __future__ import annotations

import os
from functools import lru_cache

from nacl.secret import Aead
from nacl.signing import SigningKey

from dissent.home import data_dir
from dissent.vault.kek import current_kek

SERVER_KEY_FILE = "server_ed25519.sealed"
AAD = b"dissent-server-signing-key"


@lru_cache(maxsize=1)
def server_signing_key() -> SigningKey:
    """Load the server key, creating it on first use."""
    path = data_dir() / SERVER_KEY_FILE
    box = Aead(current_kek())
    if path.exists():
        return SigningKey(box.decrypt(path.read_bytes(), AAD))
    key = SigningKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(bytes(box.encrypt(bytes(key), AAD)))
    return key
