"""Template helpers of the listening-session pages and their live fragment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template

from dissent.forums.models import ListeningSession, Question, QuestionState

register = template.Library()


@dataclass(frozen=True)
class Board:
    """The ranking in the order the page shows it: the question answered now on top, then by votes.

    Moderators also get the queue awaiting approval (first) and what is off the board (last).
    """

    now: Question | None
    pending: list[Question]
    ranked: list[Question]
    off: list[Question]


@register.filter
def board(questions: Sequence[Question], session: ListeningSession) -> Board:
    now = next((q for q in questions if q.pk == session.highlighted_id), None)
    shown = (QuestionState.PUBLISHED, QuestionState.ANSWERED)
    return Board(
        now=now,
        pending=[q for q in questions if q.state == QuestionState.PENDING],
        ranked=[q for q in questions if q.state in shown and q is not now],
        off=[q for q in questions if q.state in (QuestionState.HIDDEN, QuestionState.MERGED)],
    )


@register.filter
def short_id(question_id: str) -> str:
    """The few characters moderators use to name a question, e.g. to merge into it."""
    return question_id[:6]
