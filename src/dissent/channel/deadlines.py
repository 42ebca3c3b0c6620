"""Working-day deadline clocks. Pure: time and the calendar are passed in.

The rule (docs/channel.md): the day of submission never counts, whatever the hour. Day 1
is the first working day after it in the organisation's time zone; a deadline of N
working days falls at the end (23:59:59.999999, local time) of the N-th working day.
Weekends, public holidays and the organisation's closure days are not working days.
So a memo submitted on Friday evening with a 2-day clock is due at the end of Tuesday,
and one submitted on the eve of a Monday holiday is due at the end of Wednesday.

EU-directive mode counts calendar days and months from the day of submission instead.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

END_OF_DAY = time(23, 59, 59, 999999)


@dataclass(frozen=True)
class Calendar:
    """What makes a day a working day, for one organisation."""

    zone: ZoneInfo
    closed: Collection[date]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def end_of(self, day: date) -> datetime:
        """The last instant of ``day`` in the organisation's zone (DST-aware), as an aware datetime."""
        return datetime.combine(day, END_OF_DAY, tzinfo=self.zone)


def nth_working_day_after(cal: Calendar, day: date, n: int) -> date:
    if n < 1:
        raise ValueError("a working-day deadline needs at least one day")
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    return day


def working_day_deadline(cal: Calendar, start: datetime, days: int) -> datetime:
    return cal.end_of(nth_working_day_after(cal, cal.local_day(start), days))


def calendar_day_deadline(cal: Calendar, start: datetime, days: int) -> datetime:
    return cal.end_of(cal.local_day(start) + timedelta(days=days))


def add_months(day: date, months: int) -> date:
    """Same day of the month, ``months`` later; the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_deadline(cal: Calendar, start: datetime, months: int) -> datetime:
    return cal.end_of(add_months(cal.local_day(start), months))


def working_days_left(cal: Calendar, now: datetime, due: datetime) -> int:
    """Working days from today until the due day: 0 on the due day, negative once overdue."""
    today, due_day = cal.local_day(now), cal.local_day(due)
    if now > due:
        count, day = 0, due_day
        while day < today:
            day += timedelta(days=1)
            if cal.is_working_day(day):
                count -= 1
        return min(count, -1)
    count, day = 0, today
    while day < due_day:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
    return count
