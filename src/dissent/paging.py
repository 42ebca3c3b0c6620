"""Bounds on the slice of a list a client asks for.

A limit or offset typed by a client goes into SQL: a negative one makes Django raise, and one
past the 64-bit integers makes the database raise, either a 500 (design/pitfalls.md). Every
list takes its slice through ``window``.
"""

from __future__ import annotations

MAX_OFFSET = 10**9  # far past any list here, far inside the integers every database takes


def window(limit: int, offset: int, *, max_limit: int) -> tuple[int, int]:
    """``(limit, offset)`` moved into range: at least one row and at most ``max_limit``; an offset
    from 0 to MAX_OFFSET (past the end, the page is simply empty)."""
    return max(1, min(limit, max_limit)), max(0, min(offset, MAX_OFFSET))
