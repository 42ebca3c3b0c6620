"""A thread that seals the audit chain for its whole process, in batches.

Sealing is a transaction of its own (lock, read the head, read the pending events, write
their hashes, move the head). Done by every request right after its commit, it was a
quarter of a signature's server time and one more transaction per request for the
database (bench/sign_http.py, docs/benchmarks.md). So a long-running web worker hands the
job to one thread: it waits ``LINGER`` seconds after the first commit it hears of, then
seals everything pending at once, and under load one seal serves dozens of requests.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection

LINGER = 0.05  # seconds from the first commit heard of to the seal: the batching window
RETRY_AFTER = 1.0  # seconds to wait after a failed seal (the database restarting, say)

log = logging.getLogger(__name__)


class Sealer:
    """One daemon thread per process, started on the first poke, that runs ``seal`` in batches.

    A forked child starts afresh (``os.register_at_fork``): the parent's thread does not
    exist in it, and a lock the parent held at the fork would stay held for ever.
    """

    def __init__(self, seal: Callable[[], object]) -> None:
        self.seal = seal
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self.lock = threading.Lock()
        self.poked = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self.stopping = False
        self.thread: threading.Thread | None = None

    def poke(self) -> None:
        """Something committed events: seal them soon."""
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="audit-sealer", daemon=True)
                self.thread.start()
            self.idle.clear()
            self.poked.set()

    def run(self) -> None:
        while True:
            self.poked.wait()
            if not self.stopping:
                time.sleep(LINGER)
            self.poked.clear()
            try:
                close_old_connections()
                self.seal()
            except Exception:
                log.exception("sealing the audit chain failed; trying again")
                connection.close()
                if not self.stopping:
                    self.poked.set()
                    time.sleep(RETRY_AFTER)
                    continue
            with self.lock:
                if not self.poked.is_set():
                    self.idle.set()
            if self.stopping:
                connection.close()
                return

    def wait_idle(self, timeout: float) -> bool:
        """Block until everything poked so far is sealed; False on timeout."""
        return self.idle.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Seal what is pending, then end the thread and close its database connection (at exit)."""
        with self.lock:
            thread, self.stopping = self.thread, True
            self.poked.set()
        if thread is not None:
            thread.join(timeout)
        self.reset()
