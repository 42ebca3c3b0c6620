"""The organisation's deadline clock: channel settings and holidays turned into due dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from dissent.channel import deadlines
from dissent.channel.models import ChannelSettings, ClosureDay, DeadlineMode


@dataclass(frozen=True)
class DueDates:
    acknowledge: datetime
    response: datetime


@lru_cache(maxsize=32)
def public_holidays(country: str, subdivision: str, first_year: int, last_year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    calendar = holidays.country_holidays(
        country, subdiv=subdivision or None, years=range(first_year, last_year + 1)
    )
    return frozenset(calendar)


def organisation_calendar(config: ChannelSettings, around: datetime) -> deadlines.Calendar:
    """Holidays for the years a deadline can reach (a 60-working-day clock spans < 1 year)."""
    closed = set(ClosureDay.objects.values_list("date", flat=True))
    closed |= public_holidays(
        config.holiday_country, config.holiday_subdivision, around.year - 1, around.year + 2
    )
    return deadlines.Calendar(zone=ZoneInfo(config.time_zone), closed=frozenset(closed))


def due_dates(config: ChannelSettings, submitted_at: datetime) -> DueDates:
    cal = organisation_calendar(config, submitted_at)
    if config.deadline_mode == DeadlineMode.EU_DIRECTIVE:
        return DueDates(
            acknowledge=deadlines.calendar_day_deadline(cal, submitted_at, config.eu_acknowledge_days),
            response=deadlines.month_deadline(cal, submitted_at, config.eu_feedback_months),
        )
    return DueDates(
        acknowledge=deadlines.working_day_deadline(cal, submitted_at, config.acknowledge_working_days),
        response=deadlines.working_day_deadline(cal, submitted_at, config.response_working_days),
    )


def extended_response_due(config: ChannelSettings, submitted_at: datetime) -> datetime:
    """The response deadline after the one extension: counted from submission, not from today."""
    cal = organisation_calendar(config, submitted_at)
    if config.deadline_mode == DeadlineMode.EU_DIRECTIVE:
        # The directive allows feedback within three months, extendable to six in duly justified cases.
        return deadlines.month_deadline(cal, submitted_at, config.eu_feedback_months * 2)
    return deadlines.working_day_deadline(cal, submitted_at, config.extended_response_working_days)
