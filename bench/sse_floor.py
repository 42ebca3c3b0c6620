"""The floor of bench/sse_fanout.py: a server that only writes pre-rendered bytes to its clients.

Run as ``python -m bench.sse_floor PORT SIZE INTERVAL``; it imports nothing of Django or
dissent, so its memory and CPU are the least any Server-Sent Events server could spend.
"""

from __future__ import annotations

import asyncio
import sys


async def floor_serve(port: int, size: int, interval: float) -> None:
    """The floor: accept, answer the headers, then write the same bytes to every client each
    ``interval`` seconds. Nothing else."""
    payload = b": " + b"x" * max(0, size - 4) + b"\n\n"
    clients: set[asyncio.StreamWriter] = set()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + payload)
        clients.add(writer)

    await asyncio.start_server(accept, "127.0.0.1", port, backlog=1024)
    while True:
        await asyncio.sleep(interval)
        for writer in list(clients):
            if writer.is_closing():
                clients.discard(writer)
            else:
                writer.write(payload)


if __name__ == "__main__":
    asyncio.run(floor_serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
