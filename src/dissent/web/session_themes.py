"""The themes panel of the moderators' session page: open questions grouped by similarity.

Grouping lives in ``dissent.forums.themes``; until it is installed the panel says so and the
page works without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from dissent.forums import selectors
from dissent.forums.models import Question, QuestionState
from dissent.forums.selectors import Seat


def grouping() -> Callable[[Sequence[tuple[str, str]]], Any] | None:
    """``dissent.forums.themes.group_questions``, or None while that module is not installed."""
    try:
        return import_module("dissent.forums.themes").group_questions
    except ImportError:
        return None


MAX_THEMED = 500  # the open questions grouped at once, most votes first


@dataclass(frozen=True)
class ThemeRow:
    label: str
    questions: list[Question]


@dataclass(frozen=True)
class ThemesPanel:
    available: bool
    groups: list[ThemeRow]
    ungrouped: int


def themes_of(seat: Seat) -> ThemesPanel:
    """Groups of two or more similar open questions (awaiting approval or published)."""
    group_questions = grouping()
    if group_questions is None:
        return ThemesPanel(available=False, groups=[], ungrouped=0)
    open_ones = selectors.questions(seat).filter(state__in=(QuestionState.PENDING, QuestionState.PUBLISHED))
    rows = {q.pk: q for q in open_ones[:MAX_THEMED]}
    themes = group_questions([(pk, q.body) for pk, q in rows.items()])
    groups = [
        ThemeRow(label=theme.label, questions=[rows[pk] for pk in theme.members if pk in rows])
        for theme in themes.groups
    ]
    return ThemesPanel(available=True, groups=groups, ungrouped=len(themes.ungrouped))
