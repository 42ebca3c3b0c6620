"""The live path as a browser or an API client meets it: who may open a stream, what it sends."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from dissent.api.errors import NOT_AUTHENTICATED, NOT_FOUND
from dissent.fanout import Fanout
from dissent.live import stream
from dissent.live.app import LiveApplication
from tests.conftest import Personas, bearer, token_for
from tests.live.fakes import Feed, Headers, Protocol, Scope, application

EVENTS = "/api/v1/sessions/{}/events"


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


async def open_stream(app: LiveApplication, scope: Scope) -> tuple[Protocol, asyncio.Task[None]]:
    client = Protocol()
    task = asyncio.create_task(app.__rsgi__(scope, client))  # type: ignore[arg-type]
    return client, task


async def close_stream(client: Protocol, task: asyncio.Task[None]) -> None:
    client.leave()
    await asyncio.wait_for(task, 10)


def version_of(write: bytes) -> str:
    found = re.search(rb"^id: (\w+)$", write, re.MULTILINE)
    assert found is not None, write
    return found.group(1).decode()


def test_a_stream_without_credentials_is_refused_with_the_apis_401() -> None:
    async def scenario() -> None:
        app = application(Feed(shown={"s1": "q1"}, visible={"s1"}), Fanout())
        client, task = await open_stream(app, Scope(EVENTS.format("s1")))
        await task
        assert (client.status, json.loads(client.body)) == (401, NOT_AUTHENTICATED)

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_a_session_the_person_may_not_see_answers_the_apis_404(org: Personas) -> None:
    """A signed-in person (bearer token, resolved on the live thread) asks for a session that is
    hidden from them, or that does not exist: the same 404 as the API's."""
    headers = Headers({k.lower(): v for k, v in bearer(token_for(org.drafter)).items()})

    async def scenario() -> None:
        app = application(Feed(shown={"s1": "q1", "hidden": "q"}, visible={"s1"}), Fanout())
        for session_id in ("hidden", "missing"):
            client, task = await open_stream(app, Scope(EVENTS.format(session_id), headers=headers))
            await task
            assert (client.status, json.loads(client.body)) == (404, NOT_FOUND)
        client, task = await open_stream(app, Scope(EVENTS.format("s1"), headers=headers))
        assert b"q1" in (await client.next_write()) + (await client.next_write())
        await close_stream(client, task)
        app.close()

    run(scenario)


def test_a_stream_sends_a_jittered_retry_then_the_snapshot_with_its_version() -> None:
    async def scenario() -> None:
        app = application(Feed(shown={"s1": "first\nsecond"}), Fanout())
        client, task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        retry = await client.next_write()
        snapshot = await client.next_write()
        await close_stream(client, task)
        assert client.status == 200
        assert client.headers["content-type"] == "text/event-stream"
        assert client.headers["cache-control"] == "no-store"
        assert re.fullmatch(rb"retry: (\d+)\n\n", retry)
        assert 2000 <= int(retry.split()[1]) <= 4000
        assert snapshot.startswith(b"event: ranking\ndata: first\ndata: second\n\nevent: highlighted\n")
        assert snapshot.endswith(f"id: {version_of(snapshot)}\n\n".encode())

    run(scenario)


def test_a_token_for_another_session_is_not_enough() -> None:
    async def scenario() -> None:
        app = application(Feed(shown={"s1": "a", "s2": "b"}), Fanout())
        client, task = await open_stream(app, Scope(EVENTS.format("s2"), "token=signed:s1:staff"))
        await task
        assert client.status == 401

    run(scenario)


def test_a_reconnect_with_the_current_version_skips_the_first_snapshot() -> None:
    async def scenario() -> None:
        feed, fanout = Feed(shown={"s1": "a"}), Fanout()
        app = application(feed, fanout)
        first, first_task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        await first.next_write()
        current = version_of(await first.next_write())
        again = Scope(EVENTS.format("s1"), "token=signed:s1:staff", Headers({"last-event-id": current}))
        second, second_task = await open_stream(app, again)
        assert (await second.next_write()).startswith(b"retry:")
        feed.shown["s1"] = "b"
        fanout.publish("forum:s1", b"")
        changed = await second.next_write()  # the first write after retry is the change, not "a"
        assert b"data: b\n" in changed
        assert version_of(changed) != current
        await close_stream(first, first_task)
        await close_stream(second, second_task)

    run(scenario)


def test_a_slow_client_gets_the_newest_snapshot_not_a_queue() -> None:
    """While a client cannot take writes, snapshots replace each other in its slot; another
    client on the same session is not held up."""

    async def scenario() -> None:
        feed, fanout = Feed(shown={"s1": "v0"}), Fanout()
        app = application(feed, fanout)
        slow, slow_task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        fast, fast_task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        for client in (slow, fast):
            await client.next_write()
            assert b"v0" in await client.next_write()
        slow.open.clear()
        for n in (1, 2, 3):
            feed.shown["s1"] = f"v{n}"
            fanout.publish("forum:s1", b"")
            assert f"v{n}".encode() in await fast.next_write()
        slow.open.set()
        assert b"v1" in await slow.next_write()  # the write that was under way when it stalled
        assert b"v3" in await slow.next_write()  # v2 was replaced in its slot, never sent
        feed.shown["s1"] = "v4"
        fanout.publish("forum:s1", b"")
        assert b"v4" in await slow.next_write()
        await close_stream(slow, slow_task)
        await close_stream(fast, fast_task)

    run(scenario)


def test_the_ticker_stops_when_the_last_follower_leaves() -> None:
    async def scenario() -> None:
        feed, fanout = Feed(shown={"s1": "a"}), Fanout()
        app = application(feed, fanout)
        one, one_task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        two, two_task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        for client in (one, two):
            await client.next_write()
            await client.next_write()
        assert feed.reads == 1  # one rendering for both
        ticker = app.tickers.running["s1", "staff"]
        await close_stream(one, one_task)
        assert app.tickers.running == {("s1", "staff"): ticker}
        await close_stream(two, two_task)
        assert app.tickers.running == {}
        await asyncio.sleep(0)
        assert ticker.task is not None
        assert ticker.task.cancelled()
        assert fanout.hub.wanted() == set()
        reads = feed.reads
        fanout.publish("forum:s1", b"")
        await asyncio.sleep(0.3)
        assert feed.reads == reads

    run(scenario)


def test_streams_beyond_the_limit_are_refused_with_503_and_other_requests_go_to_django() -> None:
    async def scenario() -> None:
        app = application(Feed(shown={"s1": "a"}), Fanout(), max_streams=1)
        first, first_task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        await first.next_write()
        second, second_task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        await second_task
        assert second.status == 503
        assert json.loads(second.body)["code"] == "unavailable"
        page, page_task = await open_stream(app, Scope("/api/v1/sessions/s1/events/extra"))
        await page_task
        assert page.body == b"django"
        await close_stream(first, first_task)
        third, third_task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        assert (await third.next_write()).startswith(b"retry:")
        await close_stream(third, third_task)

    run(scenario)


def test_a_quiet_stream_is_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "PING_SECONDS", 0.0)
    monkeypatch.setattr(stream, "PING_CHECK_SECONDS", 0.01)

    async def scenario() -> None:
        app = application(Feed(shown={"s1": "a"}), Fanout())
        client, task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        await client.next_write()
        assert b"data: a" in await client.next_write()
        assert await client.next_write() == b": ping\n\n"
        await close_stream(client, task)

    run(scenario)


def test_a_stream_ends_after_its_lifetime_so_that_the_reconnect_is_authorised_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stream, "STREAM_SECONDS", 0.0)
    monkeypatch.setattr(stream, "PING_CHECK_SECONDS", 0.01)

    async def scenario() -> None:
        app = application(Feed(shown={"s1": "a"}), Fanout())
        client, task = await open_stream(app, Scope(EVENTS.format("s1"), "token=signed:s1:staff"))
        await asyncio.wait_for(task, 10)
        assert client.status == 200
        assert app.tickers.running == {}

    run(scenario)
