"""Publish and subscribe between the processes that serve live pages: one small interface.

``publish(channel, message)`` is called by the domain after a commit that changes what a
live page shows, from Django request threads and the task worker; ``subscribe(channel)``
is used by the live path's tickers (``dissent.live``), in an event loop. A message only
says "this channel changed": subscribers re-read the whole state and send full
snapshots, so a lost message costs freshness, never correctness.

Without ``REDIS_URL`` the fan-out is in-process only. ``dissent serve`` runs several
worker processes, and the task worker is another: a publish in one of them never reaches
a subscriber in another. The live path's tickers therefore also re-read about once a
second while anyone follows them (one query per followed session per process per second)
and send only when the bytes changed. With ``REDIS_URL`` every process publishes to and
listens on Redis pub/sub, which forgets messages while a subscriber is disconnected: the
listener resubscribes in a loop and then tells every local subscriber that something may
have changed.

``publish`` never raises into its caller: the commit has happened, and a lost message is
logged and caught up by the next re-read.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger(__name__)

RESUBSCRIBE_SECONDS = 1.0  # wait after a lost Redis connection before connecting again
REDIS_TIMEOUT_SECONDS = 0.5  # a publish waits at most this long for Redis, then gives up


class Subscription:
    """One subscriber's mailbox in its event loop: the newest message replaces an unread one,
    since every message means the same thing (re-read), and a slow reader must not pile them up."""

    def __init__(self, hub: LocalHub, channel: str) -> None:
        self.hub = hub
        self.channel = channel
        self.loop = asyncio.get_running_loop()
        self.pending: bytes | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.closed = False

    def offer(self, message: bytes) -> None:
        """From any thread: deliver ``message`` in the subscriber's loop."""
        try:
            self.loop.call_soon_threadsafe(self.put, message)
        except RuntimeError:  # the loop has closed: nobody is listening any more
            self.hub.remove(self)

    def put(self, message: bytes) -> None:
        self.pending = message
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        while self.pending is None:
            if self.closed:
                raise StopAsyncIteration
            self.waiter = self.loop.create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        message, self.pending = self.pending, None
        return message

    def close(self) -> None:
        self.closed = True
        self.hub.remove(self)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


class LocalHub:
    """The subscribers of this process, by channel; safe to deliver to from any thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.channels: dict[str, set[Subscription]] = {}

    def add(self, subscription: Subscription) -> None:
        with self.lock:
            self.channels.setdefault(subscription.channel, set()).add(subscription)

    def remove(self, subscription: Subscription) -> None:
        with self.lock:
            subscribers = self.channels.get(subscription.channel)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self.channels[subscription.channel]

    def wanted(self) -> set[str]:
        with self.lock:
            return set(self.channels)

    def deliver(self, channel: str, message: bytes) -> None:
        with self.lock:
            subscribers = list(self.channels.get(channel, ()))
        for subscription in subscribers:
            subscription.offer(message)

    def deliver_everywhere(self, message: bytes) -> None:
        for channel in self.wanted():
            self.deliver(channel, message)


class Fanout:
    """In-process fan-out, or Redis pub/sub when ``redis_url`` is given."""

    def __init__(self, redis_url: str | None = None) -> None:
        self.redis_url = redis_url
        self.hub = LocalHub()
        self.publisher: Any = None
        self.listener: asyncio.Task[None] | None = None
        self.subscribed_changed: asyncio.Event | None = None

    def publish(self, channel: str, message: bytes) -> None:
        try:
            if self.redis_url is None:
                self.hub.deliver(channel, message)
            else:
                self.redis_publisher().publish(channel, message)
        except Exception:  # the caller has committed: a lost message is caught up by a re-read
            log.exception("could not publish to %s", channel)

    def redis_publisher(self) -> Any:
        if self.publisher is None:
            import redis

            assert self.redis_url is not None
            self.publisher = redis.Redis.from_url(
                self.redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        return self.publisher

    def subscribe(self, channel: str) -> Subscription:
        """Messages on ``channel`` from now on, in the running event loop, until ``close()``."""
        subscription = Subscription(self.hub, channel)
        self.hub.add(subscription)
        if self.redis_url is not None:
            if self.listener is None or self.listener.done():
                self.subscribed_changed = asyncio.Event()
                self.listener = asyncio.get_running_loop().create_task(self.listen())
            assert self.subscribed_changed is not None
            self.subscribed_changed.set()
        return subscription

    async def listen(self) -> None:
        """Relay Redis messages to this process's subscribers, for the life of the process; after
        a lost connection, connect again and tell every subscriber to re-read."""
        import redis.asyncio

        assert self.redis_url is not None
        client = redis.asyncio.Redis.from_url(self.redis_url)
        reconnected = False
        while True:
            try:
                await self.relay(client, reconnected)
            except (OSError, redis.RedisError):
                log.warning("lost the Redis subscription; resubscribing", exc_info=True)
                reconnected = True
                await asyncio.sleep(RESUBSCRIBE_SECONDS)

    async def relay(self, client: Any, reconnected: bool) -> None:
        changed = self.subscribed_changed
        assert changed is not None
        async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
            subscribed: set[str] = set()
            while True:
                changed.clear()
                wanted = self.hub.wanted()
                if wanted - subscribed:
                    await pubsub.subscribe(*(wanted - subscribed))
                if subscribed - wanted:
                    await pubsub.unsubscribe(*(subscribed - wanted))
                subscribed = wanted
                if reconnected:  # what was sent while we were away is lost: re-read everything
                    self.hub.deliver_everywhere(b"")
                    reconnected = False
                while not changed.is_set():
                    if not subscribed:
                        await changed.wait()
                        break
                    message = await pubsub.get_message(timeout=RESUBSCRIBE_SECONDS)
                    if message is not None and message["type"] == "message":
                        self.hub.deliver(message["channel"].decode(), message["data"])


_default: Fanout | None = None
_default_lock = threading.Lock()


def default() -> Fanout:
    """This process's fan-out, configured from the settings' ``REDIS_URL`` on first use."""
    global _default
    with _default_lock:
        if _default is None:
            from django.conf import settings

            _default = Fanout(settings.REDIS_URL or None)
        return _default


def publish(channel: str, message: bytes) -> None:
    """Tell every subscriber of ``channel``, in any process, that it changed. Never raises."""
    try:
        default().publish(channel, message)
    except Exception:
        log.exception("could not publish to %s", channel)


def subscribe(channel: str) -> Subscription:
    """An async iterator of the messages on ``channel``; ``close()`` it when done."""
    return default().subscribe(channel)
