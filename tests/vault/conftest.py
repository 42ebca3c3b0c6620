"""A private data dir per test, so KEK files can be removed, replaced and rotated freely."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dissent.vault import keyring, server_key, services


def forget_keys() -> None:
    """What a fresh process would know: nothing read, nothing unwrapped."""
    keyring.forget()
    services.unwrapped.cache_clear()
    server_key.server_signing_key.cache_clear()


@pytest.fixture
def vault_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DISSENT_HOME", str(tmp_path))
    monkeypatch.delenv("DISSENT_KEK", raising=False)
    monkeypatch.delenv("DISSENT_KEK_NEXT", raising=False)
    forget_keys()
    yield tmp_path
    forget_keys()
