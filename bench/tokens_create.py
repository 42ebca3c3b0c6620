"""`dissent tokens create` for 1,000 people in one call (contract: "a few seconds").

Floor: generating the same number of random tokens and their SHA-256 digests in memory,
with no database: the crypto the command cannot avoid.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from dissent.people import services
from dissent.people.models import User

COUNT = 1_000


def run() -> dict[str, Any]:
    User.objects.bulk_create(
        [User(email=f"token{i:04d}@bench.example", name=f"Token {i}") for i in range(COUNT)]
    )
    emails = [f"token{i:04d}@bench.example" for i in range(COUNT)]
    start = time.perf_counter()
    for _ in range(COUNT):
        hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()
    floor = time.perf_counter() - start
    start = time.perf_counter()
    issued = services.create_tokens(emails=emails)
    elapsed = time.perf_counter() - start
    assert len(issued) == COUNT
    return {
        "tokens": COUNT,
        "floor_seconds": round(floor, 4),
        "create_seconds": round(elapsed, 3),
        "ratio_to_floor": round(elapsed / floor, 1),
        "target_seconds": 3,
        "meets_target": elapsed < 3,
    }
