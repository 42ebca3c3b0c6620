"""What ``dissent serve`` serves (granian's RSGI): listening-session streams here, all else to Django.

``GET /api/v1/sessions/<id>/events`` is answered in the event loop: an open stream holds no
thread and no database connection, only its slot (``stream.py``). Authentication happens
once, at connect: a signed token from the page (no database), else the session cookie or a
bearer token, resolved on the live path's one database thread, which also renders every
snapshot; so the live path uses at most one database connection per process. Every other
request goes to Django's WSGI application on its own thread (``wsgi_thread.py``).

RSGI rather than ASGI: granian's native interface answered a trivial request at 39,900/s
against 36,900/s for ASGI on one worker (docs/benchmarks.md), and a stream's writes are
plain awaited calls instead of message dictionaries.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qs

from django.db import close_old_connections, connections
from granian.rsgi import HTTPProtocol, ProtocolClosed, ProtocolError, Scope

from dissent.api.errors import NOT_AUTHENTICATED, NOT_FOUND
from dissent.fanout import Fanout
from dissent.live.auth import user_from_headers
from dissent.live.stream import RETRY_MS, Feed, FollowerLike, Slot, Tickers, retry_line
from dissent.people.models import User

EVENTS_PATH = re.compile(r"/api/v1/sessions/([^/]+)/events")
STREAM_HEADERS = [
    ("content-type", "text/event-stream"),
    ("cache-control", "no-store"),
    ("x-accel-buffering", "no"),  # a proxy must pass each event on at once
    ("x-content-type-options", "nosniff"),
]
# Django's thread gives up the GIL at every query, then waits for the event loop's thread to
# hand it back, by default after 5 ms: while the loop wrote snapshots to thousands of streams,
# a vote took a quarter of a second (bench/sse_fanout.py). While streams are open the GIL
# changes hands sooner; without any, the default stands, since the extra switches cost a
# page about a tenth of its throughput (docs/benchmarks.md).
STREAMING_SWITCH_SECONDS = 0.0005
BUSY = {"detail": "Too many live streams are open; try again shortly.", "code": "unavailable"}

T = TypeVar("T")


class LiveFeed(Feed, Protocol):
    """The listening-session domain as the live path calls it (``dissent.forums.feed``)."""

    def follower(self, user: User, session_id: str) -> FollowerLike | None: ...

    def read_token(self, token: str) -> FollowerLike | None: ...


def answer_json(protocol: HTTPProtocol, status: int, body: dict[str, Any]) -> None:
    headers = [("content-type", "application/json")]
    if status == 503:
        headers.append(("retry-after", str(RETRY_MS // 1000)))
    protocol.response_bytes(status, headers, json.dumps(body).encode())


class LiveApplication:
    """The RSGI application: one per web worker process."""

    def __init__(
        self,
        *,
        feed: LiveFeed,
        fanout: Fanout,
        pages: Callable[[Scope, HTTPProtocol], Any],
        max_streams: int,
    ) -> None:
        self.feed = feed
        self.pages = pages
        self.max_streams = max_streams
        self.open_streams = 0
        self.switch_interval = sys.getswitchinterval()
        self.database = ThreadPoolExecutor(1, thread_name_prefix="live")
        self.tickers = Tickers(feed, fanout, self.read)

    async def __rsgi__(self, scope: Scope, protocol: HTTPProtocol) -> None:
        match = EVENTS_PATH.fullmatch(scope.path)
        if match is None or scope.method != "GET":
            await self.pages(scope, protocol)
            return
        if self.open_streams >= self.max_streams:
            answer_json(protocol, 503, BUSY)
            return
        self.open_streams += 1
        if self.open_streams == 1:
            sys.setswitchinterval(STREAMING_SWITCH_SECONDS)
        try:
            await self.stream(scope, protocol, match.group(1))
        finally:
            self.open_streams -= 1
            if self.open_streams == 0:
                sys.setswitchinterval(self.switch_interval)

    def close(self) -> None:
        """Close the live thread's database connection and end the thread."""
        self.database.submit(connections.close_all).result()
        self.database.shutdown()

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Granian stops the worker."""
        self.close()

    async def read(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` on the live path's database thread."""
        return await asyncio.get_running_loop().run_in_executor(self.database, in_thread, function, *args)

    async def follower(self, scope: Scope, session_id: str) -> FollowerLike | int:
        """Who follows ``session_id`` and in which view; else the status that refuses them."""
        for token in parse_qs(scope.query_string).get("token", [])[:1]:
            follower = self.feed.read_token(token)
            if follower is not None and follower.session_id == session_id:
                return follower
        headers = scope.headers
        user = await self.read(user_from_headers, headers.get("cookie"), headers.get("authorization"))
        if user is None:
            return 401
        follower = await self.read(self.feed.follower, user, session_id)
        return 404 if follower is None else follower

    async def stream(self, scope: Scope, protocol: HTTPProtocol, session_id: str) -> None:
        follower = await self.follower(scope, session_id)
        if follower == 401:
            answer_json(protocol, 401, NOT_AUTHENTICATED)
            return
        if isinstance(follower, int):
            answer_json(protocol, 404, NOT_FOUND)
            return
        slot = Slot(scope.headers.get("last-event-id"))
        self.tickers.join(follower, slot)
        transport = protocol.response_stream(200, STREAM_HEADERS)
        disconnected = asyncio.ensure_future(protocol.client_disconnect())
        disconnected.add_done_callback(lambda _: slot.close())
        try:
            await transport.send_bytes(retry_line())
            while (data := await slot.next()) is not None:
                await transport.send_bytes(data)
        except (ProtocolClosed, ProtocolError, OSError):
            pass  # the client went away mid-send
        finally:
            disconnected.cancel()
            self.tickers.leave(follower, slot)


def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run ``function`` as Django runs a request: a connection past its age or broken by an
    error is replaced first and after, never kept for ever."""
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()
