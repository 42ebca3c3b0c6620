"""Bounds on what a client types before it reaches SQL: the slice of a list, and ids.

A limit or offset goes into SQL: a negative one makes Django raise, and one past the 64-bit
integers makes the database raise, either a 500 (design/pitfalls.md). So does an id such as
"²", which ``str.isdigit`` accepts and ``int`` refuses, or thirty nines. Every list takes its
slice through ``window`` and every numeric id typed by a client goes through ``parse_id``.
"""

from __future__ import annotations

MAX_OFFSET = 10**9  # far past any list here, far inside the integers every database takes
MAX_ID = 2**63 - 1  # the largest key a 64-bit column holds


def window(limit: int, offset: int, *, max_limit: int) -> tuple[int, int]:
    """``(limit, offset)`` moved into range: at least one row and at most ``max_limit``; an offset
    from 0 to MAX_OFFSET (past the end, the page is simply empty)."""
    return max(1, min(limit, max_limit)), max(0, min(offset, MAX_OFFSET))


def parse_id(text: str) -> int | None:
    """A database id from text: ASCII digits naming a key a 64-bit column can hold, else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
