"""Pseudonym keys: shared by every process of one server through the keeper, destroyed on close."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dissent.forums.keys import KEY_BYTES, KeeperClient, KeyKeeper, MemoryKeys, RedisKeys


def test_the_keeper_gives_every_client_the_same_key_until_it_is_destroyed(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "keys.sock"
    keeper = KeyKeeper(path)
    keeper.start()
    try:
        one, two = KeeperClient(str(path)), KeeperClient(str(path))  # as two web workers would
        key = one.key("s1")
        assert len(key) == KEY_BYTES
        assert two.key("s1") == key
        assert two.key("s2") != key
        one.destroy("s1")
        assert two.key("s1") != key
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0
    finally:
        keeper.shutdown()
        keeper.server_close()


def test_memory_and_redis_keys_are_made_once_and_forgotten_on_destroy() -> None:
    for store in (MemoryKeys(), RedisKeys("redis://127.0.0.1:6379/15")):
        session = f"test-{os.getpid()}-{id(store)}"
        key = store.key(session)
        assert store.key(session) == key
        store.destroy(session)
        assert store.key(session) != key
        store.destroy(session)
