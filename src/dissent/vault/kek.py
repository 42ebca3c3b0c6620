"""The key-encryption key (KEK): where it lives outside the database, and how secrets are wrapped by it.

No Django here: reading the key and the wrapped-secret format must not depend on a
database being reachable, so start-up errors can name the real problem.

Where the KEK comes from (never from the database):

- ``DISSENT_KEK`` (base64 of 32 bytes) when set; during a rotation also ``DISSENT_KEK_NEXT``;
- otherwise the file ``DISSENT_HOME/kek`` (mode 0600); during a rotation also ``kek.next``.

Every KEK has a short public fingerprint, its ``kek_id``, stored beside whatever it wraps,
so a process can tell which key it needs and a rotation can tell what is left to re-wrap.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nacl.secret import Aead
from nacl.utils import random as random_bytes

from dissent.home import data_dir

KEK_ENV = "DISSENT_KEK"
NEXT_KEK_ENV = "DISSENT_KEK_NEXT"
KEK_FILE = "kek"
NEXT_KEK_FILE = "kek.next"
KEK_SIZE = 32
KEK_ID_LENGTH = 16

# A wrapped secret is self-describing: MAGIC, the kek_id that wrapped it, then the AEAD box.
MAGIC = b"dsk1"
HEADER_LENGTH = len(MAGIC) + KEK_ID_LENGTH


class KekError(Exception):
    """The KEK is missing, unreadable, malformed, or not the one the stored data was wrapped with.

    An operator's problem, not a user's: its message is one sentence saying what to do.
    """


def kek_id(kek: bytes) -> str:
    """A short public fingerprint that says which KEK wrapped a data key."""
    return hashlib.sha256(b"dissent-kek-id" + kek).hexdigest()[:KEK_ID_LENGTH]


@dataclass(frozen=True)
class Kek:
    key: bytes = field(repr=False)
    id: str

    @classmethod
    def from_bytes(cls, key: bytes) -> Kek:
        return cls(key=key, id=kek_id(key))


@dataclass(frozen=True)
class Keyring:
    """The KEKs this process can use: the primary one and, while a rotation runs, the next one."""

    primary: Kek
    next: Kek | None
    source: str
    from_env: bool

    def keys(self) -> dict[str, Kek]:
        found = {self.primary.id: self.primary}
        if self.next is not None:
            found[self.next.id] = self.next
        return found


def decode_kek(text: str, source: str) -> Kek:
    try:
        kek = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KekError(
            f"{source} is not a key-encryption key: it must be base64 of {KEK_SIZE} random bytes"
        ) from None
    if len(kek) != KEK_SIZE:
        raise KekError(
            f"{source} is not a key-encryption key: it must hold {KEK_SIZE} bytes, it holds {len(kek)}"
        )
    return Kek.from_bytes(kek)


def new_kek_text() -> str:
    """A fresh random KEK in the form DISSENT_KEK and the key file take."""
    return base64.b64encode(random_bytes(KEK_SIZE)).decode("ascii")


def write_kek_file(path: Path) -> Kek:
    """Create ``path`` (0600) holding a new KEK; ``FileExistsError`` if it exists (two starters agree)."""
    text = new_kek_text()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return decode_kek(text, str(path))


def read_kek_file(path: Path, *, may_create: Callable[[], bool] | None = None) -> Kek:
    """Read a KEK file; create it only when ``may_create`` says the installation holds nothing yet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if may_create is None or not may_create():
            raise KekError(
                f"the key-encryption key {path} is missing and this installation already holds data "
                f"wrapped under it: restore the file from your key backup, or set {KEK_ENV}"
            ) from None
        try:
            return write_kek_file(path)
        except FileExistsError:
            return read_kek_file(path)
    except OSError as exc:
        raise KekError(
            f"the key-encryption key {path} cannot be read ({exc.strerror}): "
            "it must be a file readable by the user running Dissent Channel"
        ) from None
    return decode_kek(data.decode("ascii", errors="replace"), str(path))


def loose_permissions(path: Path) -> str | None:
    """A warning when a key file may be read by users other than its owner."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if mode & 0o077:
        return f"{path} may be read by other users (mode {mode:04o}): run chmod 600 {path}"
    return None


def read_keyring(*, may_create: Callable[[], bool]) -> Keyring:
    """The KEKs named by the environment, or else by the files in DISSENT_HOME."""
    env, env_next = os.environ.get(KEK_ENV, ""), os.environ.get(NEXT_KEK_ENV, "")
    if env.strip():
        return Keyring(
            primary=decode_kek(env, KEK_ENV),
            next=decode_kek(env_next, NEXT_KEK_ENV) if env_next.strip() else None,
            source=KEK_ENV,
            from_env=True,
        )
    if env_next.strip():
        raise KekError(f"{NEXT_KEK_ENV} is set but {KEK_ENV} is not: a rotation needs both, or neither")
    home = data_dir()
    next_path = home / NEXT_KEK_FILE
    return Keyring(
        primary=read_kek_file(home / KEK_FILE, may_create=may_create),
        next=read_kek_file(next_path) if next_path.exists() else None,
        source=str(home / KEK_FILE),
        from_env=False,
    )


def secret_aad(wrapped_by: str, aad: str) -> bytes:
    """The header is authenticated too, so a wrapped secret cannot be relabelled."""
    return b"dissent-wrapped-secret\x00" + wrapped_by.encode("ascii") + b"\x00" + aad.encode("utf-8")


def wrap(kek: Kek, data: bytes, *, aad: str) -> bytes:
    """XChaCha20-Poly1305 under ``kek``, prefixed by MAGIC and the kek_id."""
    box = Aead(kek.key).encrypt(data, secret_aad(kek.id, aad))
    return MAGIC + kek.id.encode("ascii") + bytes(box)


def wrapped_by(blob: bytes) -> str:
    """The kek_id a wrapped secret names; ``ValueError`` when it is not a wrapped secret at all."""
    if len(blob) <= HEADER_LENGTH or not blob.startswith(MAGIC):
        raise ValueError("not a wrapped secret")
    label = blob[len(MAGIC) : HEADER_LENGTH]
    try:
        return label.decode("ascii")
    except UnicodeDecodeError:
        raise ValueError("not a wrapped secret") from None


def unwrap(kek: Kek, blob: bytes, *, aad: str) -> bytes:
    """Open a wrapped secret; ``nacl.exceptions.CryptoError`` when it was changed or moved."""
    return bytes(Aead(kek.key).decrypt(blob[HEADER_LENGTH:], secret_aad(kek.id, aad)))
