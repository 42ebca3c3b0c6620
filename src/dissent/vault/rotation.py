"""``dissent keys rotate``: re-wrap everything under a new KEK while the server keeps running.

With the key file (``DISSENT_HOME/kek``):

1. write the new KEK to ``kek.next`` (0600), or reuse the one an interrupted rotation left;
2. switch the KEK state to the new key under its row lock: from then on every process
   wraps new secrets under it, re-reading the key files when it meets the new kek_id;
3. re-wrap every registered store in short batches, twice (the second pass finds nothing
   unless a slow writer slipped in);
4. replace ``kek`` by ``kek.next``. The old KEK is then on no disk and wraps nothing.

With ``DISSENT_KEK`` the command cannot change the environment of running servers, so the
operator gives every process the new key as ``DISSENT_KEK_NEXT`` first (docs/deploy.md).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from dissent.home import data_dir
from dissent.vault import keyring
from dissent.vault.kek import KEK_ENV, KEK_FILE, NEXT_KEK_ENV, NEXT_KEK_FILE, Kek, read_kek_file
from dissent.vault.models import KeyState
from dissent.vault.startup import check_keys, stored_kek_ids
from dissent.vault.stores import registered

LOCK_FILE = "kek.lock"


class RotationRefused(Exception):
    """The rotation cannot start as things are; the message says what the operator should do."""


@dataclass
class Rotation:
    old_kek_id: str
    new_kek_id: str
    from_env: bool
    source: str
    rewrapped: dict[str, int] = field(default_factory=dict)


@contextmanager
def exclusive() -> Iterator[None]:
    """One rotation at a time per data dir."""
    fd = os.open(data_dir() / LOCK_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RotationRefused("another `dissent keys rotate` is running on this data dir") from None
        yield
    finally:
        os.close(fd)


def next_kek(*, from_env: bool) -> Kek:
    ring = keyring.reload()
    if ring.next is not None:
        return ring.next
    if from_env:
        raise RotationRefused(
            f"the key-encryption key comes from {KEK_ENV}, which this command cannot change in running "
            f"servers: run `dissent keys generate`, give its output as {NEXT_KEK_ENV} to every server, "
            "worker and this command, restart them, then run `dissent keys rotate` again"
        )
    path = data_dir() / NEXT_KEK_FILE
    read_kek_file(path, may_create=lambda: True)
    ring = keyring.reload()
    assert ring.next is not None
    return ring.next


def switch_to(kek: Kek) -> str:
    """Make ``kek`` the wrapping KEK; waits for every writer that is wrapping under the old one."""
    with transaction.atomic():
        KeyState.objects.get_or_create(pk=1, defaults={"kek_id": keyring.keyring().primary.id})
        state = KeyState.objects.select_for_update().get(pk=1)
        old = state.kek_id
        if old != kek.id:
            state.kek_id, state.changed_at = kek.id, timezone.now()
            state.save(update_fields=["kek_id", "changed_at"])
    return old


def promote_next_file() -> None:
    home = data_dir()
    os.replace(home / NEXT_KEK_FILE, home / KEK_FILE)
    dir_fd = os.open(home, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def rotate_kek(*, batch_size: int = 500, progress: Callable[[str], None] = lambda _line: None) -> Rotation:
    """Re-wrap every registered store under a new KEK; see the module docstring for the steps."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    check_keys()
    from_env = keyring.keyring().from_env
    with exclusive():
        ring = keyring.reload()
        new = next_kek(from_env=from_env)
        switch_to(new)
        rotation = Rotation(
            old_kek_id=ring.primary.id, new_kek_id=new.id, from_env=from_env, source=ring.source
        )
        progress(f"re-wrapping under key-encryption key {new.id} (was {ring.primary.id})")
        for _pass in range(2):
            for store in registered():
                count = store.rewrap(to=new, batch_size=batch_size)
                rotation.rewrapped[store.name] = rotation.rewrapped.get(store.name, 0) + count
        for name, count in rotation.rewrapped.items():
            progress(f"{name}: {count} re-wrapped")
        left = stored_kek_ids() - {new.id}
        if left:
            raise RotationRefused(
                f"something is still wrapped under {', '.join(sorted(left))} after re-wrapping; "
                "the old key was kept: run `dissent keys rotate` again"
            )
        if not from_env:
            promote_next_file()
            keyring.reload()
    return rotation
