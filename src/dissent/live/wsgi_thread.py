"""Every request but a stream: Django's WSGI application on its own thread, from the event loop.

The same design as granian's WSGI server that ``dissent serve`` ran before: one thread per
worker process (``server.THREADS_PER_WORKER``) with one persistent database connection.
The event loop only moves bytes: a small body is read before the hand-off, a larger one is
read by the thread as Django asks for it, and a response Django yields in pieces is sent
piece by piece, so neither a slow upload nor a long download holds the loop.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from granian.rsgi import HTTPProtocol, Scope

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

READ_AHEAD_BYTES = 64 * 1024  # a body up to this size is read before Django runs
BUFFER_BYTES = 256 * 1024  # a response up to this size is sent in one piece


class StreamedBody(io.RawIOBase):
    """``wsgi.input`` for a large body: the thread reads it chunk by chunk from the loop."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self.chunks = chunks
        self.loop = loop
        self.left = b""
        self.done = False

    async def next_chunk(self) -> bytes:
        return await anext(self.chunks)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.left and not self.done:
            try:
                self.left = asyncio.run_coroutine_threadsafe(self.next_chunk(), self.loop).result()
            except StopAsyncIteration:
                self.done = True
        size = min(len(buffer), len(self.left))
        buffer[:size] = self.left[:size]
        self.left = self.left[size:]
        return size


def environ_for(scope: Scope, body: io.IOBase, threads: int) -> dict[str, Any]:
    """The WSGI environ granian's own WSGI server built: RSGI's path is decoded text, WSGI's
    the request's bytes as Latin-1; repeated headers are joined with commas."""
    server_name, _, server_port = scope.server.rpartition(":")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scope.path.encode().decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": scope.client.rpartition(":")[0],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": threads > 1,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key not in {"CONTENT_TYPE", "CONTENT_LENGTH"}:
            key = f"HTTP_{key}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


class Answer:
    """What the thread hands back: status, headers, the first bytes, and the rest if any."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[str, str]] = []
        self.first = b""
        self.rest: Iterator[bytes] | None = None
        self.result: Iterable[bytes] | None = None

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = int(status[:3])
        self.headers = headers


class WSGIThread:
    """Runs a WSGI application on ``threads`` dedicated threads for requests from the loop."""

    def __init__(self, application: WSGIApplication, threads: int) -> None:
        self.application = application
        self.threads = threads
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="django")

    async def __call__(self, scope: Scope, protocol: HTTPProtocol) -> None:
        loop = asyncio.get_running_loop()
        length = scope.headers.get("content-length")
        if length is None and "transfer-encoding" not in scope.headers:
            body: io.IOBase = io.BytesIO()
        elif length is not None and length.isdigit() and int(length) <= READ_AHEAD_BYTES:
            body = io.BytesIO(await protocol())
        else:
            body = io.BufferedReader(StreamedBody(aiter(protocol), loop))
        answer = await loop.run_in_executor(self.executor, self.start, environ_for(scope, body, self.threads))
        if answer.rest is None:
            protocol.response_bytes(answer.status, answer.headers, answer.first)
            return
        transport = protocol.response_stream(answer.status, answer.headers)
        try:
            await transport.send_bytes(answer.first)
            rest = answer.rest
            while (chunk := await loop.run_in_executor(self.executor, self.more, rest)) is not None:
                await transport.send_bytes(chunk)
        finally:
            await loop.run_in_executor(self.executor, self.finish, answer)

    def start(self, environ: dict[str, Any]) -> Answer:
        """In the thread: run the application and read its response up to ``BUFFER_BYTES``."""
        answer = Answer()
        answer.result = self.application(environ, answer.start_response)
        chunks, size = [], 0
        pieces = iter(answer.result)
        for chunk in pieces:
            if chunk:
                chunks.append(chunk)
                size += len(chunk)
            if size > BUFFER_BYTES:
                answer.rest = pieces
                break
        answer.first = b"".join(chunks)
        if answer.rest is None:
            self.finish(answer)
        return answer

    @staticmethod
    def more(rest: Iterator[bytes]) -> bytes | None:
        """In the thread: the response's next bytes, None at its end."""
        for chunk in rest:
            if chunk:
                return chunk
        return None

    @staticmethod
    def finish(answer: Answer) -> None:
        """In the thread: close the response, which ends Django's request (its connection handling)."""
        close = getattr(answer.result, "close", None)
        if close is not None:
            close()
