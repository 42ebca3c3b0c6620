"""The fan-out delivers a publish to every subscriber, in process or through Redis, and a
publish never fails its caller."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
import redis

from dissent.fanout import Fanout

REDIS_URL = "redis://127.0.0.1:6379/0"


async def received(subscription: object) -> bytes:
    return await asyncio.wait_for(anext(subscription), 10)  # type: ignore[call-overload]


def test_a_publish_from_another_thread_reaches_every_subscriber_of_its_channel() -> None:
    async def scenario() -> None:
        fanout = Fanout()
        one, two, other = (
            fanout.subscribe("forum:a"),
            fanout.subscribe("forum:a"),
            fanout.subscribe("forum:b"),
        )
        thread = threading.Thread(target=fanout.publish, args=("forum:a", b"changed"))
        thread.start()
        thread.join()
        assert await received(one) == b"changed"
        assert await received(two) == b"changed"
        assert other.pending is None
        for subscription in (one, two, other):
            subscription.close()
        assert fanout.hub.wanted() == set()

    asyncio.run(scenario())


def test_a_publish_that_cannot_reach_redis_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    Fanout("redis://127.0.0.1:1/0").publish("forum:a", b"")
    assert "could not publish to forum:a" in caplog.text


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL


def test_redis_carries_a_publish_between_processes_and_resubscribes_after_a_lost_connection(
    redis_url: str,
) -> None:
    """Two Fanout objects stand for two processes. After Redis drops the subscriber's
    connection, the subscriber is told to re-read (messages may have been lost) and hears
    later publishes again."""
    channel = f"forum:{uuid.uuid4().hex}"
    publisher = Fanout(redis_url)
    admin = redis.Redis.from_url(redis_url)

    async def until_heard(subscription: object) -> bytes:
        while True:  # publish until the subscription is in place (Redis keeps nothing for later)
            publisher.publish(channel, b"changed")
            try:
                return await asyncio.wait_for(anext(subscription), 0.2)  # type: ignore[call-overload]
            except TimeoutError:
                continue

    async def scenario() -> None:
        subscriber = Fanout(redis_url)
        subscription = subscriber.subscribe(channel)
        assert await asyncio.wait_for(until_heard(subscription), 10) == b"changed"
        assert admin.client_kill_filter(_type="pubsub") >= 1
        assert await received(subscription) == b""
        assert await asyncio.wait_for(until_heard(subscription), 10) == b"changed"
        subscription.close()
        assert subscriber.listener is not None
        subscriber.listener.cancel()

    asyncio.run(scenario())
