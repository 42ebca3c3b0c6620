"""The data directory (DISSENT_HOME): where an installation keeps what is its own.

Kept apart from settings so that the CLI and settings agree on one place, and so
that secrets generated on first start are written once, with owner-only permissions.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    """The data directory, created on first use (default ``./var``)."""
    path = Path(os.environ.get("DISSENT_HOME", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_or_create_secret(name: str, nbytes: int = 50) -> str:
    """Return the secret stored in ``DISSENT_HOME/name``, generating it (mode 0600) if absent.

    ``O_EXCL`` makes two processes starting at once agree on one value.
    """
    path = data_dir() / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    value = secrets.token_urlsafe(nbytes)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value
