"""The Server-Sent Events of a listening session: one ticker per session and view, one slot per client.

A ticker reads the session once (``feed.snapshot``, on the live path's one database thread)
and frames the events once; the same bytes go to every follower in this process. It runs
while anyone follows it: it re-renders at most every ``TICK_SECONDS`` after a fan-out
message, and re-reads every ``REREAD_SECONDS`` in any case, because without Redis a publish
in another process (another web worker, the task worker) never reaches this one
(``dissent.fanout``). It sends only when the bytes changed.

Each follower has a one-item slot: a new snapshot replaces one not yet sent, so a slow
client receives the newest state when it is ready and never holds up the others or piles
up memory. Every snapshot carries ``id: <version>``, a short hash of its bytes (the same in
every process), so a browser that reconnects with ``Last-Event-ID`` equal to the current
version is not sent the same snapshot again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from dissent.fanout import Fanout

log = logging.getLogger(__name__)

TICK_SECONDS = 0.25  # a busy session is re-rendered at most this often
REREAD_SECONDS = 1.0  # and a followed one at least this often (other processes' publishes)
PING_SECONDS = 15.0  # a comment after this long without a send keeps proxies from closing the stream
PING_CHECK_SECONDS = 1.0
STREAM_SECONDS = 600.0  # authorisation is checked at connect only, so no stream lasts longer
PING = b": ping\n\n"
RETRY_MS = 3000  # how long a browser waits before reconnecting, give or take the jitter,
RETRY_JITTER_MS = 1000  # which spreads the reconnections after a restart
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Server-Sent Events treat as the end of a line


class FollowerLike(Protocol):
    @property
    def session_id(self) -> str: ...

    @property
    def view(self) -> str: ...


class Feed(Protocol):
    """What the live path needs of the listening-session domain (``dissent.forums.feed``)."""

    def channel(self, session_id: str) -> str: ...

    def snapshot(self, session_id: str, view: str) -> list[tuple[str, str]]: ...


@dataclass(frozen=True)
class Snapshot:
    version: str
    data: bytes  # framed events, the last one carrying ``id: version``


def retry_line() -> bytes:
    """A stream's first bytes: how long the browser waits before reconnecting, jittered so that
    the reconnections after a restart spread out."""
    return f"retry: {RETRY_MS + random.randint(-RETRY_JITTER_MS, RETRY_JITTER_MS)}\n\n".encode()


def frame(events: list[tuple[str, str]]) -> Snapshot:
    """The events as Server-Sent Events bytes; data with line breaks becomes several ``data:`` lines."""
    parts = [
        f"event: {name}\n" + "".join(f"data: {line}\n" for line in LINE_BREAK.split(data))
        for name, data in events
    ]
    body = "\n".join(parts).encode()
    version = hashlib.sha256(body).hexdigest()[:16]
    return Snapshot(version, body + f"id: {version}\n\n".encode())


class Slot:
    """A follower's one-item mailbox: ``put`` replaces what has not been taken yet."""

    def __init__(self, sent_version: str | None) -> None:
        self.loop = asyncio.get_running_loop()
        self.pending: Snapshot | None = None
        self.sent_version = sent_version
        self.sent_at = self.loop.time()
        # a stream ends after its lifetime, give or take a tenth so that a crowd does not
        # reconnect at once; the reconnect checks again who may follow (a person removed
        # from the session, or deactivated, stops receiving it)
        self.ends_at = self.sent_at + STREAM_SECONDS * random.uniform(0.9, 1.1)
        self.ping_due = False
        self.waiter: asyncio.Future[None] | None = None
        self.closed = False

    def put(self, snapshot: Snapshot) -> None:
        self.pending = snapshot
        self.wake()

    def ping(self) -> None:
        self.ping_due = True
        self.wake()

    def close(self) -> None:
        self.closed = True
        self.wake()

    def wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def next(self) -> bytes | None:
        """The bytes to send next: a snapshot not sent before, or a ping; None once closed."""
        while not self.closed:
            snapshot, self.pending = self.pending, None
            if snapshot is not None and snapshot.version != self.sent_version:
                self.sent_version = snapshot.version
                return self.sending(snapshot.data)
            if self.ping_due:
                return self.sending(PING)
            self.waiter = self.loop.create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        return None

    def sending(self, data: bytes) -> bytes:
        self.sent_at = self.loop.time()
        self.ping_due = False
        return data


class Ticker:
    """One session's rendering in one view, shared by every follower of it in this process."""

    def __init__(self, render: Callable[[], Awaitable[list[tuple[str, str]]]]) -> None:
        self.render = render
        self.slots: set[Slot] = set()
        self.current: Snapshot | None = None
        self.poked = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def add(self, slot: Slot) -> None:
        self.slots.add(slot)
        if self.current is not None:
            slot.put(self.current)

    async def run(self, fanout: Fanout, channel: str) -> None:
        subscription = fanout.subscribe(channel)
        listener = asyncio.create_task(self.listen(subscription))
        loop = asyncio.get_running_loop()
        try:
            while True:
                started = loop.time()
                await self.refresh()
                await asyncio.sleep(max(0.0, TICK_SECONDS - (loop.time() - started)))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.poked.wait(), REREAD_SECONDS)
                self.poked.clear()
        finally:
            listener.cancel()
            subscription.close()

    async def listen(self, subscription: AsyncIterator[bytes]) -> None:
        async for _message in subscription:
            self.poked.set()

    async def refresh(self) -> None:
        try:
            snapshot = frame(await self.render())
        except Exception:  # a failed read (the database restarting, say) is retried at the next tick
            log.exception("could not render a live snapshot")
            return
        if self.current is None or snapshot.version != self.current.version:
            self.current = snapshot
            for slot in self.slots:
                slot.put(snapshot)


class Tickers:
    """This process's tickers, by (session, view): started by the first follower, stopped
    when the last one leaves."""

    def __init__(self, feed: Feed, fanout: Fanout, read: Callable[..., Awaitable[list[tuple[str, str]]]]):
        self.feed = feed
        self.fanout = fanout
        self.read = read
        self.running: dict[tuple[str, str], Ticker] = {}
        self.pinger: asyncio.Task[None] | None = None

    def join(self, follower: FollowerLike, slot: Slot) -> Ticker:
        key = (follower.session_id, follower.view)
        if self.pinger is None or self.pinger.done():
            self.pinger = asyncio.create_task(self.ping())
        ticker = self.running.get(key)
        if ticker is None:
            ticker = Ticker(lambda: self.read(self.feed.snapshot, *key))
            ticker.task = asyncio.create_task(ticker.run(self.fanout, self.feed.channel(follower.session_id)))
            self.running[key] = ticker
        ticker.add(slot)
        return ticker

    async def ping(self) -> None:
        """Once a second, ping every stream that has sent nothing for ``PING_SECONDS`` and end
        those past their lifetime: one sweep for the process instead of timers per stream."""
        loop = asyncio.get_running_loop()
        while self.running:
            await asyncio.sleep(PING_CHECK_SECONDS)
            now = loop.time()
            for ticker in list(self.running.values()):
                for slot in list(ticker.slots):
                    if now >= slot.ends_at:
                        slot.close()
                    elif slot.sent_at <= now - PING_SECONDS:
                        slot.ping()

    def leave(self, follower: FollowerLike, slot: Slot) -> None:
        key = (follower.session_id, follower.view)
        ticker = self.running.get(key)
        if ticker is None:
            return
        ticker.slots.discard(slot)
        if not ticker.slots:
            del self.running[key]
            if ticker.task is not None:
                ticker.task.cancel()
