"""The deadline sweep: warn the office before a deadline, escalate to leadership once it passes.

Each warning is claimed with a conditional UPDATE (``…_at IS NULL``), so two workers, a
retry, or a sweep that overlaps the previous one never send the same warning twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from dissent.audit.services import record
from dissent.channel import deadlines
from dissent.channel.clock import organisation_calendar
from dissent.channel.models import ChannelSettings, Memo
from dissent.channel.status import OPEN_FOR_OFFICE, MemoStatus
from dissent.notify.services import notify
from dissent.people import selectors as people
from dissent.people.roles import OFFICE_ROLES, Role


@dataclass(frozen=True)
class Clock:
    """One deadline: which field holds it, which statuses it runs in, and its two claim fields."""

    name: str
    due_field: str
    statuses: frozenset[str]
    warned_field: str
    escalated_field: str


CLOCKS = (
    Clock(
        "acknowledge",
        "acknowledge_due",
        frozenset({MemoStatus.SUBMITTED}),
        "acknowledge_warned_at",
        "acknowledge_escalated_at",
    ),
    Clock("response", "response_due", OPEN_FOR_OFFICE, "response_warned_at", "response_escalated_at"),
)


@dataclass
class SweepResult:
    warned: int = 0
    escalated: int = 0


def claim(memo: Memo, field: str, now: datetime) -> bool:
    return bool(Memo.objects.filter(pk=memo.pk, **{f"{field}__isnull": True}).update(**{field: now}))


def sweep_deadlines(*, now: datetime) -> SweepResult:
    """Warn and escalate; safe to run as often as wanted, from as many workers as wanted."""
    config = ChannelSettings.current()
    cal = organisation_calendar(config, now)
    result = SweepResult()
    office = people.active_people_with_roles(OFFICE_ROLES)
    escalate_to = people.active_people_with_roles([Role.LEADERSHIP, Role.OFFICE_HEAD])
    for clock in CLOCKS:
        pending = Memo.objects.filter(
            Q(**{f"{clock.warned_field}__isnull": True}) | Q(**{f"{clock.escalated_field}__isnull": True}),
            status__in=clock.statuses,
            **{f"{clock.due_field}__isnull": False},
        )
        for memo in pending:
            due: datetime = getattr(memo, clock.due_field)
            if due < now:
                field, kind, audience = clock.escalated_field, f"deadline.{clock.name}_overdue", escalate_to
            elif deadlines.working_days_left(cal, now, due) <= config.warn_working_days_before:
                field, kind, audience = clock.warned_field, f"deadline.{clock.name}_soon", office
            else:
                continue
            with transaction.atomic():
                if not claim(memo, field, now):
                    continue
                record(
                    actor=None,
                    action="deadline.escalated" if due < now else "deadline.warned",
                    target=memo,
                    memo_id=memo.public_id,
                    details={"clock": clock.name, "due": due.isoformat()},
                )
                notify(users=audience, kind=kind, memo=memo)
            if due < now:
                result.escalated += 1
            else:
                result.warned += 1
    return result
