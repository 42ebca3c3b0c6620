"""Memo statuses and the one table of which transitions are allowed.

Every service that changes a memo's status asks ``check_transition``; the diagram in
docs/channel.md is drawn from ``TRANSITIONS``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dissent.errors import Conflict


class MemoStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATING = "circulating", _("Open for signature")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REROUTED = "rerouted", _("Re-routed")


S = MemoStatus

TRANSITIONS: dict[str, dict[MemoStatus, frozenset[MemoStatus]]] = {
    "circulate": {S.CIRCULATING: frozenset({S.DRAFT})},
    "submit": {S.SUBMITTED: frozenset({S.DRAFT, S.CIRCULATING})},
    "withdraw": {S.WITHDRAWN: frozenset({S.DRAFT, S.CIRCULATING, S.SUBMITTED, S.ACKNOWLEDGED})},
    "acknowledge": {S.ACKNOWLEDGED: frozenset({S.SUBMITTED})},
    "reroute": {S.REROUTED: frozenset({S.SUBMITTED, S.ACKNOWLEDGED})},
    "respond": {S.RESPONDED: frozenset({S.SUBMITTED, S.ACKNOWLEDGED})},
    "close": {S.CLOSED: frozenset({S.RESPONDED})},
}

# Actions that change no status but are allowed only in some.
EDITABLE = frozenset({S.DRAFT, S.CIRCULATING})
EXTENDABLE = frozenset({S.SUBMITTED, S.ACKNOWLEDGED})
CONVERSING = frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.RESPONDED})
SUBMITTED_STATES = frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.RESPONDED, S.CLOSED, S.REROUTED})
# The deadline the office works to in each status where it must act: acknowledgement first,
# then the response. Its field on the memo is ``<kind>_due``.
OFFICE_DEADLINE = {S.SUBMITTED: "acknowledge", S.ACKNOWLEDGED: "response"}
OPEN_FOR_OFFICE = frozenset(OFFICE_DEADLINE)


class InvalidTransition(Conflict):
    code = "invalid_transition"


def target_of(action: str) -> MemoStatus:
    (target,) = TRANSITIONS[action]
    return target


def check_transition(action: str, current: str) -> MemoStatus:
    """The status ``action`` leads to from ``current``, or InvalidTransition saying why not."""
    target = target_of(action)
    allowed = TRANSITIONS[action][target]
    if current not in allowed:
        raise InvalidTransition(
            f"cannot {action} a memo that is {MemoStatus(current).label.lower()}; "
            f"allowed from: {', '.join(sorted(str(s.label).lower() for s in allowed))}"
        )
    return target
