"""The themes panel of the moderators' session page: open questions grouped by similarity.

Grouping (``dissent.forums.themes``) costs about a second of CPU for hundreds of questions, and
numpy and scikit-learn take three more to load on a worker's first call, so a result is kept in
the shared cache for as long as the session's open questions stay the same ones (questions are
never edited, so their ids name their words).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache

from dissent.forums import selectors
from dissent.forums.models import Question, QuestionState
from dissent.forums.selectors import Seat
from dissent.forums.themes import Themes, group_questions

MAX_THEMED = 500  # the newest open questions grouped at once
CACHE_SECONDS = 600


@dataclass(frozen=True)
class ThemeRow:
    label: str
    questions: list[Question]


@dataclass(frozen=True)
class ThemesPanel:
    groups: list[ThemeRow]
    ungrouped: int


def themes_of(seat: Seat) -> ThemesPanel:
    """Groups of two or more similar open questions (awaiting approval or published)."""
    open_ones = selectors.questions(seat, order="new").filter(
        state__in=(QuestionState.PENDING, QuestionState.PUBLISHED)
    )
    rows = {q.pk: q for q in reversed(open_ones[:MAX_THEMED])}  # oldest first: themes keep their ids
    themes = grouped(seat.session.public_id, [(pk, q.body) for pk, q in rows.items()])
    groups = [
        ThemeRow(label=theme.label, questions=[rows[pk] for pk in theme.members if pk in rows])
        for theme in themes.groups
    ]
    return ThemesPanel(groups=groups, ungrouped=len(themes.ungrouped))


def grouped(session_id: str, questions: list[tuple[str, str]]) -> Themes:
    digest = hashlib.sha256(" ".join(pk for pk, _text in questions).encode()).hexdigest()
    key = f"forum-themes:{session_id}:{digest}"
    themes = cache.get(key)
    if not isinstance(themes, Themes):
        themes = group_questions(questions)
        cache.set(key, themes, CACHE_SECONDS)
    return themes
