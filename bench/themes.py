"""Question themes at the cap: ``group_questions`` over MAX_QUESTIONS questions.

Three sets of 2,000 questions, made here from tests/forums/themes_set.json: **typical**,
each question two of the set's questions on one topic run together (about 90 characters;
eight topics in two languages); **long English**, 2,000 characters of the set's English
words drawn at random; **long Chinese**, 2,000 characters of the set's Chinese characters
(Traditional among them) drawn at random, without punctuation, the worst case for every
step. Floor, measured in the same run on the same texts: hashing their character
2-4-grams (``char_wb``) alone, which any n-gram grouping pays to read them once.
Reported: the medians of ROUNDS runs (wall and CPU time), the ratio of the wall times to
the floor's, and the peak memory Python allocated during one more run (tracemalloc,
numpy's arrays included). No database is used: the figures are the same on either.
"""

from __future__ import annotations

import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from dissent.forums.themes import HASHED_FEATURES, MAX_CHARS, MAX_QUESTIONS, group_questions

ROUNDS = 3
LENGTH = 2000  # characters of each long question: the most a question holds
SET = json.loads((Path(__file__).parent.parent / "tests/forums/themes_set.json").read_text(encoding="utf-8"))


def typical(rng: random.Random) -> list[tuple[str, str]]:
    by_topic: dict[tuple[str, bool], list[str]] = {}
    for row in SET:
        by_topic.setdefault((row["topic"], row["lang"] == "en"), []).append(row["text"])
    kinds = sorted(by_topic)
    questions = []
    for n in range(MAX_QUESTIONS):
        texts = by_topic[rng.choice(kinds)]
        questions.append((f"q{n}", f"{rng.choice(texts)} {rng.choice(texts)}"))
    return questions


def long_english(rng: random.Random) -> list[tuple[str, str]]:
    words = " ".join(row["text"] for row in SET if row["lang"] == "en").split()
    return [
        (f"q{n}", " ".join(rng.choice(words) for _ in range(LENGTH // 4))[:LENGTH])
        for n in range(MAX_QUESTIONS)
    ]


def long_chinese(rng: random.Random) -> list[tuple[str, str]]:
    characters = sorted(
        {char for row in SET if row["lang"] != "en" for char in row["text"] if char.isalpha()}
    )
    return [(f"q{n}", "".join(rng.choices(characters, k=LENGTH))) for n in range(MAX_QUESTIONS)]


def floor(questions: list[tuple[str, str]]) -> None:
    HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        n_features=HASHED_FEATURES,
        alternate_sign=False,
        dtype=np.float32,
    ).transform([text[:MAX_CHARS] for _, text in questions])


def median_seconds(call: Callable[[], Any]) -> tuple[float, float]:
    """Medians of wall time and of this process's CPU time (every thread's): on a shared
    machine the second moves less with other people's work."""
    walls, cpus = [], []
    for _ in range(ROUNDS):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def measure(questions: list[tuple[str, str]]) -> dict[str, Any]:
    floor_seconds, floor_cpu = median_seconds(lambda: floor(questions))
    seconds, cpu = median_seconds(lambda: group_questions(questions))
    tracemalloc.start()
    result = group_questions(questions)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "floor_hashing_seconds": round(floor_seconds, 3),
        "seconds": round(seconds, 3),
        "ratio_to_floor": round(seconds / floor_seconds, 1),
        "floor_cpu_seconds": round(floor_cpu, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_mib": round(peak / 2**20),
        "themes": len(result.groups),
        "ungrouped": len(result.ungrouped),
    }


def run() -> dict[str, Any]:
    rng = random.Random(11)
    start = time.perf_counter()
    group_questions([(row["id"], row["text"]) for row in SET])
    first_call = time.perf_counter() - start
    return {
        "questions": MAX_QUESTIONS,
        "first_call_on_the_test_set_seconds": round(first_call, 3),
        "typical": measure(typical(rng)),
        "long_english": measure(long_english(rng)),
        "long_chinese": measure(long_chinese(rng)),
    }
