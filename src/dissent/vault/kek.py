"""The key-encryption key (KEK): outside the database, in the data dir or the environment."""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from nacl.utils import random as random_bytes

from dissent.home import data_dir

KEK_FILE = "kek"
KEK_SIZE = 32


class KeyError_(Exception):
    """The KEK is missing, unreadable or not the one the data was wrapped with."""


def kek_id(kek: bytes) -> str:
    """A short public fingerprint that says which KEK wrapped a data key."""
    return hashlib.sha256(b"dissent-kek-id" + kek).hexdigest()[:16]


def decode_kek(text: str, source: str) -> bytes:
    try:
        kek = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise KeyError_(f"{source}: not base64") from exc
    if len(kek) != KEK_SIZE:
        raise KeyError_(f"{source}: must hold {KEK_SIZE} bytes, holds {len(kek)}")
    return kek


@lru_cache(maxsize=1)
def current_kek() -> bytes:
    """DISSENT_KEK (base64) if set, else DISSENT_HOME/kek, created with mode 0600 on first use."""
    if os.environ.get("DISSENT_KEK"):
        return decode_kek(os.environ["DISSENT_KEK"], "DISSENT_KEK")
    path = data_dir() / KEK_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return decode_kek(path.read_text(encoding="ascii"), str(path))
    kek = random_bytes(KEK_SIZE)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.b64encode(kek).decode("ascii") + "\n")
    return kek
