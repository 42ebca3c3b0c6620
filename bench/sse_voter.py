"""The voters of bench/sse_fanout.py, in a process of their own.

Spawned, not forked (the parent runs an event loop), so Django is set up here before the
benchmark's module, which needs it, is imported.
"""

from __future__ import annotations

import asyncio
from typing import Any


def cast_votes(connection: Any, port: int, ballots: list[tuple[str, str, str]], direct: bool) -> None:
    import django

    django.setup()
    from bench.sse_fanout import run_direct_votes, run_votes

    connection.send(asyncio.run(run_direct_votes(ballots) if direct else run_votes(port, ballots)))
