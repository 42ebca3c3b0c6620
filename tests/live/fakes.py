"""A stand-in for the listening-session domain (``dissent.forums.feed``) and for granian's RSGI
objects, so the live path is tested in the test's own event loop, without a server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from dissent.fanout import Fanout
from dissent.live.app import LiveApplication
from dissent.people.models import User


@dataclass(frozen=True)
class Follower:
    session_id: str
    view: str


@dataclass
class Feed:
    """Sessions by id with what their stream shows; ``visible`` are those anyone signed in may see."""

    shown: dict[str, str] = field(default_factory=dict)
    visible: set[str] = field(default_factory=set)
    reads: int = 0

    def channel(self, session_id: str) -> str:
        return f"forum:{session_id}"

    def follower(self, user: User, session_id: str) -> Follower | None:
        return Follower(session_id, "staff") if session_id in self.visible else None

    def snapshot(self, session_id: str, view: str) -> list[tuple[str, str]]:
        self.reads += 1
        return [("ranking", self.shown[session_id]), ("highlighted", "none")]

    def read_token(self, token: str) -> Follower | None:
        kind, _, rest = token.partition(":")
        session_id, _, view = rest.partition(":")
        return Follower(session_id, view) if kind == "signed" and view else None


class Headers(dict[str, str]):
    def items(self) -> Any:
        return list(super().items())


@dataclass
class Scope:
    path: str
    query_string: str = ""
    headers: Headers = field(default_factory=Headers)
    method: str = "GET"


class Protocol:
    """A client of the RSGI application: what it answered, each write of a stream, and the
    means to hold its writes (a slow client) or to go away."""

    def __init__(self) -> None:
        self.status = 0
        self.body = b""
        self.writes: asyncio.Queue[bytes] = asyncio.Queue()
        self.open = asyncio.Event()
        self.open.set()
        self.gone = asyncio.get_running_loop().create_future()

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.body = status, body

    def response_stream(self, status: int, headers: list[tuple[str, str]]) -> Protocol:
        self.status = status
        self.headers = dict(headers)
        return self

    async def send_bytes(self, data: bytes) -> None:
        await self.open.wait()
        self.writes.put_nowait(data)

    async def client_disconnect(self) -> None:
        await self.gone

    async def next_write(self) -> bytes:
        return await asyncio.wait_for(self.writes.get(), 10)

    def leave(self) -> None:
        self.gone.set_result(None)


def application(feed: Feed, fanout: Fanout, max_streams: int = 10) -> LiveApplication:
    async def pages(scope: Any, protocol: Any) -> None:
        protocol.response_bytes(200, [], b"django")

    return LiveApplication(feed=feed, fanout=fanout, pages=pages, max_streams=max_streams)
