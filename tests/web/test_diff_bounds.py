"""The version comparison answers quickly whatever two versions say, and marks the lines an
ordinary edit changed just as before.

The inputs below are the worst known for the old ``SequenceMatcher(autojunk=False)`` (many
short lines from a few values, which made it cubic) and for Myers' algorithm now used
(versions with almost nothing in common, or a change on every other line: a long edit script).
"""

from __future__ import annotations

import difflib
import random
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dissent.channel import services
from dissent.channel.content import MAX_BODY
from dissent.web.diff import KnownBlocks, line_diff
from dissent.web.matching import common_blocks
from tests.conftest import Personas, logged_in
from tests.web.helpers import draft

TOO_DIFFERENT = {
    "en": "Versions 1 and 2 are too different here to show line by line.",
    "zh-hans": "第 1 版与第 2 版在此处差异太大，无法逐行显示。",  # noqa: RUF001 - Chinese punctuation
}


def lines_of(values: list[str]) -> str:
    """Lines joined up to the longest body allowed."""
    text = "\n".join(values)
    return text[: MAX_BODY - 1].rsplit("\n", 1)[0]


def few_values(seed: int) -> str:
    rng = random.Random(seed)
    return lines_of([rng.choice("abcd") for _ in range(MAX_BODY // 2)])


ADVERSARIAL = {
    "short lines from four values, shuffled": (few_values(1), few_values(2)),
    "distinct lines, reversed": (
        lines_of([str(n) for n in range(40_000)]),
        lines_of([str(n) for n in range(40_000, 0, -1)]),
    ),
    "every other line changed": (
        lines_of([f"line {n}" for n in range(30_000)]),
        lines_of([f"line {n}" if n % 2 else f"changed {n}" for n in range(30_000)]),
    ),
    "interleaved repeats": (
        lines_of([str(n % 50) for n in range(80_000)]),
        lines_of([str(n * 7 % 50) for n in range(80_000)]),
    ),
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_versions_of_the_longest_body_answer_with_bounded_work(org: Personas, name: str) -> None:
    """About 0.3 s of CPU each (SequenceMatcher took 25-46 s); CPU time, not wall time, so a busy
    machine does not fail it, and a bound of 2 s that only runaway work passes."""
    old, new = ADVERSARIAL[name]
    assert MAX_BODY - 100 < len(old) < MAX_BODY
    memo_id = draft(org, body=old)
    services.edit_memo(actor=org.drafter, memo_id=memo_id, body=new)
    for person, language in ((org.drafter, "en"), (org.cosigner, "zh-hans")):
        client = logged_in(person)
        client.get(f"/memos/{memo_id}/versions/?a=1&b=1")  # the process's first page loads templates
        start = time.process_time()
        page = client.get(f"/memos/{memo_id}/versions/?a=1&b=2")
        elapsed = time.process_time() - start
        assert page.status_code == 200
        assert elapsed < 2.0, f"{name}: {elapsed:.2f} s of CPU"
        assert TOO_DIFFERENT[language] in page.content.decode()


def test_a_long_body_with_a_few_edits_still_shows_them_line_by_line(org: Personas) -> None:
    body = [f"Paragraph {n}." for n in range(10_000)]
    edited = list(body)
    edited[100] = "Paragraph one hundred."
    edited[9_000:9_001] = []
    memo_id = draft(org, body="\n".join(body))
    services.edit_memo(actor=org.drafter, memo_id=memo_id, body="\n".join(edited))
    page = logged_in(org.drafter).get(f"/memos/{memo_id}/versions/?a=1&b=2").content.decode()
    assert "<del>Paragraph 100.</del>" in page
    assert "<ins>Paragraph one hundred.</ins>" in page
    assert "<del>Paragraph 9000.</del>" in page
    assert "too different" not in page


def test_past_its_budget_the_diff_gives_up_rather_than_working_on() -> None:
    old = [str(n) for n in range(1_000)]
    new = [str(n) for n in range(1_000, 0, -1)]
    assert line_diff(old, new, budget=10_000) is None
    assert line_diff(old, new, budget=10**7) is not None


def old_hunks(old: list[str], new: list[str]) -> list[list[tuple[str, int, int, int, int]]]:
    return list(difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_grouped_opcodes(3))


def new_hunks(old: list[str], new: list[str]) -> list[list[tuple[str, int, int, int, int]]]:
    blocks = common_blocks(old, new, budget=10**9)
    assert blocks is not None
    return list(KnownBlocks(blocks, old, new).get_grouped_opcodes(3))


edits = st.lists(st.tuples(st.sampled_from(["insert", "delete", "rewrite"]), st.integers(0, 80)), max_size=6)


@given(size=st.integers(0, 80), changes=edits)
def test_ordinary_edits_show_the_same_hunks_as_before(size: int, changes: list[tuple[str, int]]) -> None:
    """Lines inserted, deleted or rewritten in a text whose lines differ (as paragraphs do)."""
    old = [f"Paragraph {n}." for n in range(size)]
    new = list(old)
    for n, (kind, at) in enumerate(changes):
        at = min(at, len(new))
        if kind == "insert":
            new.insert(at, f"New paragraph {n}.")
        elif at < len(new):
            new[at : at + 1] = [] if kind == "delete" else [f"Rewritten paragraph {n}."]
    assert new_hunks(old, new) == old_hunks(old, new)


@given(old=st.lists(st.sampled_from("abc"), max_size=30), new=st.lists(st.sampled_from("abc"), max_size=30))
def test_the_lines_in_common_are_a_longest_common_subsequence(old: list[str], new: list[str]) -> None:
    blocks = common_blocks(old, new, budget=10**9)
    assert blocks is not None
    for i, j, n in blocks:
        assert old[i : i + n] == new[j : j + n]
    assert [(i, j) for i, j, _n in blocks] == sorted((i, j) for i, j, _n in blocks)
    assert sum(n for _i, _j, n in blocks) == longest_common(old, new)


def longest_common(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]
