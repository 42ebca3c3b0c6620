"""A hidden memo's 404 against a missing id's: the time must not tell them apart.

In process, through Django's test client (no network: the difference, if any, is the
server's work). The hidden memo has the longest body allowed, so loading it would show.
For the API (``GET /api/v1/memos/{id}``, bearer token) and the memo page (``GET
/memos/{id}/``, a session), ROUNDS requests of each kind alternate, hidden then missing,
after a warm-up; reported are the medians in milliseconds and hidden / missing.
Target: a ratio within 1 ± 0.1 (on a shared machine single medians move by a few per cent).
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.test import Client

from dissent.channel import services as channel
from dissent.channel.content import MAX_BODY
from dissent.channel.models import new_public_id
from dissent.people.models import User
from dissent.people.services import create_tokens

ROUNDS = 500
WARM_UP = 20
TOLERANCE = 0.1


def medians(call: Callable[[str], int], hidden: str) -> dict[str, float]:
    """Median milliseconds of ``call`` (which answers the status) for the hidden memo and for a
    new missing id each time."""
    times: dict[str, list[float]] = {"hidden": [], "missing": []}
    for round_ in range(WARM_UP + ROUNDS):
        for kind in ("hidden", "missing"):
            memo_id = hidden if kind == "hidden" else new_public_id()
            start = time.perf_counter()
            status = call(memo_id)
            elapsed = time.perf_counter() - start
            assert status == 404, (kind, status)
            if round_ >= WARM_UP:
                times[kind].append(elapsed)
    hidden_ms, missing_ms = (statistics.median(times[k]) * 1000 for k in ("hidden", "missing"))
    return {
        "hidden_median_ms": round(hidden_ms, 3),
        "missing_median_ms": round(missing_ms, 3),
        "ratio": round(hidden_ms / missing_ms, 3),
    }


def run() -> dict[str, Any]:
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 1,000 "Not Found" lines say nothing
    drafter = User.objects.create(email="hidden.drafter@bench.example", name="Drafter", eligible=True)
    stranger = User.objects.create(email="hidden.stranger@bench.example", name="Stranger", eligible=True)
    paragraph = "A paragraph of the memo that nobody else may read.\n\n"
    memo = channel.create_memo(
        actor=drafter,
        title="A draft nobody else sees",
        summary="Hidden.",
        body=(paragraph * (MAX_BODY // len(paragraph))).strip(),
        recommendations=["Keep it hidden."],
    )
    token = create_tokens(emails=[stranger.email])[0][1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    pages = Client()
    pages.force_login(stranger)
    results = {
        "api": medians(lambda memo_id: api.get(f"/api/v1/memos/{memo_id}").status_code, memo.public_id),
        "page": medians(lambda memo_id: pages.get(f"/memos/{memo_id}/").status_code, memo.public_id),
    }
    return {
        "rounds": ROUNDS,
        "body_characters": MAX_BODY,
        **results,
        "target_ratio": f"1 ± {TOLERANCE}",
        "meets_target": all(abs(r["ratio"] - 1) <= TOLERANCE for r in results.values()),
    }
