"""Themes: similar questions grouped for moderators, in Chinese and English alike.

``themes_set.json`` is a small labelled set written for these tests: 85 fictional questions
on eight workplace topics (visas, the office move, remote work, training budgets,
translation, laptops, travel approvals, the canteen), each in English, Simplified and
Traditional Chinese, and a few mixing both. The grouping is scored by the adjusted Rand
index (ARI: 1 is the gold grouping, 0 what chance gives). Measured with the default
distance (0.8) on scikit-learn 1.9.1: English alone 0.934, Chinese alone 0.532, the whole
set 0.660 against topic-and-language and 0.476 against topic alone (character n-grams do
not cross languages, so a topic asked in both languages makes at least two groups).
The floors below are those figures less a margin for another version's arithmetic.
The Chinese questions name their topic in words of different characters more often
(远程办公, 居家办公), which n-grams of characters cannot see as one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dissent.forums import themes
from dissent.forums.themes import Themes, group_questions, normalise

SET = json.loads((Path(__file__).parent / "themes_set.json").read_text(encoding="utf-8"))
ENGLISH = [row for row in SET if row["lang"] == "en"]
CHINESE = [row for row in SET if row["lang"] != "en"]
# Traditional questions of the set, and the same written in Simplified characters by hand.
TWINS = {
    "辦公室搬遷之後，新大樓有停車位嗎？": "办公室搬迁之后，新大楼有停车位吗？",
    "翻譯服務的費用由哪個部門支付？": "翻译服务的费用由哪个部门支付？",
    "今年的培訓預算為什麼減少了？": "今年的培训预算为什么减少了？",
    "出差審批通常需要多長時間？": "出差审批通常需要多长时间？",
    "食堂的菜能標示過敏原嗎？": "食堂的菜能标示过敏原吗？",
}


def questions(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(row["id"], row["text"]) for row in rows]


def predicted(result: Themes, ids: list[str]) -> list[str]:
    """A group per theme and a group of its own for each ungrouped question, as ARI counts."""
    group = {member: theme.id for theme in result.groups for member in theme.members}
    return [group.get(question_id, f"alone:{question_id}") for question_id in ids]


@cache
def grouped_set() -> Themes:
    """The whole set grouped once: several tests read the same grouping."""
    return group_questions(questions(SET))


def rand_index(rows: list[dict[str, Any]], gold: list[str]) -> float:
    from sklearn.metrics import adjusted_rand_score  # not at collection: it costs seconds to import

    result = grouped_set() if rows is SET else group_questions(questions(rows))
    return float(adjusted_rand_score(gold, predicted(result, [row["id"] for row in rows])))


def members_by_id(result: Themes) -> dict[str, frozenset[str]]:
    """Members as a set: their order follows the centre, which any new question moves a little."""
    return {theme.id: frozenset(theme.members) for theme in result.groups}


def groups_of(result: Themes) -> set[frozenset[str]]:
    return {frozenset(theme.members) for theme in result.groups}


def test_the_set_is_bilingual_and_labelled() -> None:
    assert len(SET) == len({row["id"] for row in SET}) == 85
    assert {row["lang"] for row in SET} == {"en", "zh-Hans", "zh-Hant", "mixed"}
    assert len({row["topic"] for row in SET}) == 8
    assert set(TWINS) <= {row["text"] for row in SET if row["lang"] == "zh-Hant"}


def test_english_questions_group_by_topic() -> None:
    assert rand_index(ENGLISH, [row["topic"] for row in ENGLISH]) >= 0.85  # measured 0.934


def test_chinese_questions_group_by_topic() -> None:
    """Simplified, Traditional and mixed together: measured 0.532."""
    assert rand_index(CHINESE, [row["topic"] for row in CHINESE]) >= 0.45


def test_the_whole_set_groups_by_topic_within_each_language() -> None:
    language = {"en": "en", "zh-Hans": "zh", "zh-Hant": "zh", "mixed": "zh"}
    assert rand_index(SET, [f"{row['topic']}/{language[row['lang']]}" for row in SET]) >= 0.58  # 0.660
    assert rand_index(SET, [row["topic"] for row in SET]) >= 0.4  # measured 0.476


def test_themes_are_labelled_by_their_terms_and_led_by_their_centre() -> None:
    result = grouped_set()
    topic = {row["id"]: row["topic"] for row in SET}
    sizes = [len(theme.members) for theme in result.groups]
    assert sizes == sorted(sizes, reverse=True)
    assert all(size >= 2 for size in sizes)
    assert all(theme.representative == theme.members[0] for theme in result.groups)
    assert sorted([*(m for theme in result.groups for m in theme.members), *result.ungrouped]) == sorted(
        topic
    )
    english_visa = next(t for t in result.groups if {topic[m] for m in t.members} == {"visa"})
    assert "visa" in english_visa.label.split(" · ")
    budget = next(t for t in result.groups if "今年语言课程的培训预算是不是被削减了？" in texts(t))
    assert "培训预算" in budget.label.split(" · ")


def texts(theme: themes.Theme) -> set[str]:
    text = {row["id"]: row["text"] for row in SET}
    return {text[member] for member in theme.members}


def test_traditional_and_simplified_forms_of_a_question_land_together() -> None:
    assert all(normalise(traditional) == normalise(simple) for traditional, simple in TWINS.items())
    twin_ids = {row["id"]: f"{row['id']}-simplified" for row in SET if row["text"] in TWINS}
    twins = [(twin_ids[row["id"]], TWINS[row["text"]]) for row in SET if row["text"] in TWINS]
    result = group_questions([*questions(SET), *twins])
    together = {
        original
        for theme in result.groups
        for original, twin in twin_ids.items()
        if {original, twin} <= set(theme.members)
    }
    assert together == set(twin_ids)


def test_full_width_letters_and_case_are_one_form() -> None:
    assert normalise("ＶＩＳＡ Processing？") == normalise("visa processing?")


def test_an_unrelated_question_leaves_existing_theme_ids_alone() -> None:
    before = grouped_set()
    unrelated = ("q-new", "Could the lifts in the east wing be serviced before winter?")
    for after in (
        group_questions([*questions(SET), unrelated]),
        group_questions([unrelated, *questions(SET)]),
    ):
        assert members_by_id(before).items() <= members_by_id(after).items()
        assert "q-new" in after.ungrouped


def test_a_theme_keeps_its_id_as_newer_questions_join_it() -> None:
    before = {theme.id: set(theme.members) for theme in grouped_set().groups}
    joining = ("q-new", "How long does visa processing take for work visas now?")
    after = {theme.id: set(theme.members) for theme in group_questions([*questions(SET), joining]).groups}
    visa = next(theme_id for theme_id, members in after.items() if "q-new" in members)
    assert after[visa] - before[visa] == {"q-new"}


def test_a_theme_is_named_after_its_oldest_member() -> None:
    pair = [
        ("b", "Will the canteen open later in the evening?"),
        ("a", "Will the canteen open later at night?"),
    ]
    (theme,) = group_questions(pair).groups
    assert theme.id == themes.theme_id("b")
    (reordered,) = group_questions(pair[::-1]).groups
    assert reordered.id == themes.theme_id("a")


def test_no_question_one_or_two() -> None:
    assert group_questions([]) == Themes(groups=(), ungrouped=())
    assert group_questions([("1", "When will the laptops be replaced?")]) == Themes(
        groups=(), ungrouped=("1",)
    )
    similar = group_questions([("1", "When will laptops be replaced?"), ("2", "When are laptops replaced?")])
    assert groups_of(similar) == {frozenset({"1", "2"})}
    assert similar.ungrouped == ()
    unrelated = group_questions([("1", "When will laptops be replaced?"), ("2", "食堂有素食吗？")])
    assert unrelated == Themes(groups=(), ungrouped=("1", "2"))


def test_identical_questions_make_one_theme_led_by_the_oldest() -> None:
    result = group_questions([(str(n), "Is the office moving?") for n in range(5)])
    assert [theme.members for theme in result.groups] == [("0", "1", "2", "3", "4")]
    assert result.groups[0].representative == "0"
    assert set(result.groups[0].label.split(" · ")) == {"office", "moving"}


@pytest.mark.parametrize(
    "texts",
    [
        ["?!", "……", "", "   "],  # nothing left once punctuation goes: no vocabulary at all
        ["??", "??"],
        ["a", "a"],  # one n-gram between them: too few to reduce
        ["ab", "ab", "ab"],
    ],
)
def test_questions_with_next_to_nothing_in_them(texts: list[str]) -> None:
    result = group_questions([(str(n), text) for n, text in enumerate(texts)])
    assert sorted([*(m for theme in result.groups for m in theme.members), *result.ungrouped]) == [
        str(n) for n in range(len(texts))
    ]


def test_nothing_to_compare_is_ungrouped_and_the_rest_still_groups() -> None:
    result = group_questions(
        [("1", "？？？"), ("2", "Is the office moving?"), ("3", "!!"), ("4", "Is the office moving soon?")]
    )
    assert groups_of(result) == {frozenset({"2", "4"})}
    assert result.ungrouped == ("1", "3")


def test_question_ids_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        group_questions([("1", "Is the office moving?"), ("1", "Is the office moving soon?")])


def test_only_the_newest_questions_are_considered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(themes, "MAX_QUESTIONS", 3)
    asked = [
        ("1", "Is the office moving?"),
        ("2", "Is the office moving soon?"),
        ("3", "When will laptops be replaced?"),
        ("4", "When are laptops replaced?"),
        ("5", "食堂有素食吗？"),
    ]
    result = group_questions(asked)
    assert groups_of(result) == {frozenset({"3", "4"})}
    assert result.ungrouped == ("5",)


def test_only_the_opening_of_each_question_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two questions alike only after MAX_CHARS characters are not grouped; read further, they are."""
    asked = [
        ("1", "x" * themes.MAX_CHARS + " visa processing backlog"),
        ("2", "y" * themes.MAX_CHARS + " visa processing backlog"),
    ]
    assert group_questions(asked).groups == ()
    monkeypatch.setattr(themes, "MAX_CHARS", themes.MAX_CHARS + 100)
    assert groups_of(group_questions(asked)) == {frozenset({"1", "2"})}


def test_importing_themes_loads_no_scikit_learn() -> None:
    """Importing scikit-learn costs seconds of CPU: a process pays it at its first grouping, not
    at start-up because a page module imports this one."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, dissent.forums.themes; print(sorted({'numpy', 'sklearn'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
