"""Per-session pseudonym keys that never reach the database or the disk.

While a session is open, a person's votes and anonymous questions are stored under
``pseudonym(session, person)``: HMAC-SHA256 of their id under a random per-session key. The
key is held in memory only, and destroyed when the session closes; after that, no pseudonym
left anywhere (a deleted row in a database page, a WAL segment, a backup) can be tied to a
person, by anyone, the operator included.

Where the key lives:

- Redis, when ``REDIS_URL`` is set: shared by every app server. Run that Redis without
  persistence (no RDB snapshots, no AOF): ``dissent check --deploy`` warns of one that
  persists (``checks.py``).
- Otherwise the ``dissent serve`` process keeps the keys and its web workers and task
  worker ask it over a Unix socket in a private directory (``KeyKeeper``): they are separate
  processes, and each holding its own key would let a person vote once per worker.
- A process with neither (tests, one-off commands) keeps them in its own memory.

A key lives as long as its holder: when every app server restarts (or Redis does) during an
open session, the session gets a new key, and a person can vote once more on a question they
had voted on before. docs/security.md says so.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import socket
import socketserver
import threading
from pathlib import Path
from typing import Protocol

from django.conf import settings

KEY_BYTES = 32
SOCKET_ENV = "DISSENT_KEYS_SOCKET"
REDIS_PREFIX = "dissent:forum-key:"


class KeyStore(Protocol):
    def key(self, session_id: str) -> bytes:
        """The session's key, made on first use."""

    def destroy(self, session_id: str) -> None: ...


class MemoryKeys:
    """Keys in this process's memory: for a single process, and inside the keeper."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def key(self, session_id: str) -> bytes:
        with self._lock:
            return self._keys.setdefault(session_id, secrets.token_bytes(KEY_BYTES))

    def destroy(self, session_id: str) -> None:
        with self._lock:
            self._keys.pop(session_id, None)


class RedisKeys:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def key(self, session_id: str) -> bytes:
        name = REDIS_PREFIX + session_id
        self._redis.set(name, secrets.token_bytes(KEY_BYTES), nx=True)
        value = self._redis.get(name)
        assert isinstance(value, bytes)
        return value

    def destroy(self, session_id: str) -> None:
        self._redis.delete(REDIS_PREFIX + session_id)


class KeeperClient:
    """Asks the ``dissent serve`` process for keys: one short connection per question."""

    def __init__(self, path: str) -> None:
        self._path = path

    def _ask(self, line: str) -> bytes:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5)
            conn.connect(self._path)
            conn.sendall(line.encode() + b"\n")
            answer = b""
            while chunk := conn.recv(64):
                answer += chunk
        return answer

    def key(self, session_id: str) -> bytes:
        answer = self._ask(f"KEY {session_id}")
        if len(answer) != KEY_BYTES:
            raise RuntimeError("the key keeper gave no key")
        return answer

    def destroy(self, session_id: str) -> None:
        self._ask(f"DESTROY {session_id}")


class KeyKeeper(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The keys of one ``dissent serve``, answered over a socket only its user may open."""

    daemon_threads = True

    def __init__(self, path: Path, keys: MemoryKeys | None = None) -> None:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        path.parent.chmod(0o700)
        path.unlink(missing_ok=True)
        self.keys = keys or MemoryKeys()
        old_umask = os.umask(0o177)
        try:
            super().__init__(str(path), KeeperRequest)
        finally:
            os.umask(old_umask)

    def start(self) -> None:
        threading.Thread(target=self.serve_forever, name="forum-keys", daemon=True).start()


class KeeperRequest(socketserver.StreamRequestHandler):
    server: KeyKeeper

    def handle(self) -> None:
        verb, _, session_id = self.rfile.readline(100).decode("ascii", "replace").strip().partition(" ")
        if not session_id:
            return
        if verb == "KEY":
            self.wfile.write(self.server.keys.key(session_id))
        elif verb == "DESTROY":
            self.server.keys.destroy(session_id)


_store: KeyStore | None = None
_store_lock = threading.Lock()


def store() -> KeyStore:
    global _store
    with _store_lock:
        if _store is None:
            redis_url = getattr(settings, "REDIS_URL", "")
            keeper = os.environ.get(SOCKET_ENV)
            if redis_url:
                _store = RedisKeys(redis_url)
            elif keeper:
                _store = KeeperClient(keeper)
            else:
                _store = MemoryKeys()
        return _store


def pseudonym(session_id: str, person_id: int) -> str:
    """The person's name in this session while it is open; unlinkable once its key is gone."""
    key = store().key(session_id)
    return hmac.new(key, str(person_id).encode(), hashlib.sha256).hexdigest()


def destroy(session_id: str) -> None:
    store().destroy(session_id)
