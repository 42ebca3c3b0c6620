"""Working-day clocks across weekends, holidays, closure days, time zones and DST changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dissent.channel import clock, deadlines
from dissent.channel.models import ChannelSettings, ClosureDay, DeadlineMode

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def cal(zone: ZoneInfo = NEW_YORK, closed: set[date] | None = None) -> deadlines.Calendar:
    return deadlines.Calendar(zone=zone, closed=frozenset(closed or set()))


def test_friday_evening_submission_is_due_at_the_end_of_tuesday() -> None:
    due = deadlines.working_day_deadline(cal(), at("2026-11-27T18:30:00-05:00"), 2)
    assert due == at("2026-12-01T23:59:59.999999-05:00")


def test_the_day_of_submission_never_counts_even_at_dawn() -> None:
    due = deadlines.working_day_deadline(cal(), at("2026-11-30T00:00:01-05:00"), 1)  # Monday
    assert due.date() == date(2026, 12, 1)


def test_a_saturday_submission_counts_from_monday() -> None:
    due = deadlines.working_day_deadline(cal(), at("2026-11-28T10:00:00-05:00"), 1)
    assert due.date() == date(2026, 11, 30)


def test_holidays_and_closure_days_are_skipped() -> None:
    # Thanksgiving (Thu 26 Nov 2026) and the organisation's closure on Friday 27.
    closed = {date(2026, 11, 26), date(2026, 11, 27)}
    due = deadlines.working_day_deadline(cal(closed=closed), at("2026-11-25T16:00:00-05:00"), 2)
    assert due.date() == date(2026, 12, 1)


def test_the_day_is_judged_in_the_organisations_zone_not_utc() -> None:
    # 03:00 UTC on Saturday is still Friday evening in New York.
    moment = at("2026-11-28T03:00:00+00:00")
    assert deadlines.working_day_deadline(cal(NEW_YORK), moment, 1).date() == date(2026, 11, 30)
    # ... and already Saturday noon in Tokyo: Monday is day 1 there as well, but for another reason.
    assert deadlines.working_day_deadline(cal(TOKYO), moment, 1).date() == date(2026, 11, 30)
    # 23:30 UTC on Thursday is Friday in Tokyo: day 1 is Monday, not Friday.
    thursday_night = at("2026-11-26T23:30:00+00:00")
    assert deadlines.working_day_deadline(cal(TOKYO), thursday_night, 1).date() == date(2026, 11, 30)
    assert deadlines.working_day_deadline(cal(NEW_YORK), thursday_night, 1).date() == date(2026, 11, 27)


def test_end_of_day_follows_daylight_saving_changes() -> None:
    # Berlin leaves summer time on Sunday 25 October 2026.
    due = deadlines.working_day_deadline(cal(BERLIN), at("2026-10-23T12:00:00+02:00"), 1)
    assert due == at("2026-10-26T23:59:59.999999+01:00")
    before = deadlines.working_day_deadline(cal(BERLIN), at("2026-10-21T12:00:00+02:00"), 1)
    assert before.utcoffset() == timedelta(hours=2)
    # New York springs forward on Sunday 8 March 2026.
    spring = deadlines.working_day_deadline(cal(NEW_YORK), at("2026-03-06T12:00:00-05:00"), 1)
    assert spring == at("2026-03-09T23:59:59.999999-04:00")


def test_months_end_on_the_last_day_when_shorter() -> None:
    assert deadlines.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert deadlines.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert deadlines.add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_working_days_left_counts_down_and_goes_negative_when_overdue() -> None:
    c = cal()
    due = at("2026-12-01T23:59:59.999999-05:00")  # Tuesday
    assert deadlines.working_days_left(c, at("2026-11-27T12:00:00-05:00"), due) == 2  # Friday
    assert deadlines.working_days_left(c, at("2026-12-01T09:00:00-05:00"), due) == 0
    assert deadlines.working_days_left(c, at("2026-12-02T09:00:00-05:00"), due) == -1
    assert deadlines.working_days_left(c, at("2026-12-07T09:00:00-05:00"), due) == -4  # Wed..Mon


@given(
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(NEW_YORK)
    ),
    days=st.integers(min_value=1, max_value=60),
)
def test_deadlines_are_working_days_later_and_grow_with_the_clock(start: datetime, days: int) -> None:
    c = cal()
    due = deadlines.working_day_deadline(c, start, days)
    assert due > start
    assert c.is_working_day(due.date())
    assert due.time() == deadlines.END_OF_DAY
    assert deadlines.working_day_deadline(c, start, days + 1) > due


@pytest.mark.django_db
def test_organisation_settings_drive_the_clock() -> None:
    config = ChannelSettings.current()
    ClosureDay.objects.create(date=date(2026, 12, 1), name="Staff retreat")
    due = clock.due_dates(config, at("2026-11-25T16:00:00-05:00"))  # Wednesday before Thanksgiving
    # Thu 26 holiday; Fri 27 = day 1; Mon 30 = day 2 → acknowledge. 30 working days for the response.
    assert due.acknowledge == at("2026-11-30T23:59:59.999999-05:00")
    assert due.response > due.acknowledge
    config.holiday_country, config.time_zone = "DE", "Europe/Berlin"
    de = clock.due_dates(config, at("2026-12-23T16:00:00+01:00"))
    # Christmas 25 and 26 Dec are holidays in Germany; 24 Dec is day 1, 28 Dec day 2.
    assert de.acknowledge == at("2026-12-28T23:59:59.999999+01:00")


@pytest.mark.django_db
def test_eu_directive_mode_counts_calendar_days_and_months() -> None:
    config = ChannelSettings.current()
    config.deadline_mode = DeadlineMode.EU_DIRECTIVE
    due = clock.due_dates(config, at("2026-11-27T18:30:00-05:00"))
    assert due.acknowledge == at("2026-12-04T23:59:59.999999-05:00")
    assert due.response == at("2027-02-27T23:59:59.999999-05:00")
    assert clock.extended_response_due(config, at("2026-11-27T18:30:00-05:00")).date() == date(2027, 5, 27)


@pytest.mark.django_db
def test_the_extension_runs_from_submission_to_the_longer_clock() -> None:
    config = ChannelSettings.current()
    start = at("2026-11-02T10:00:00-05:00")
    normal = clock.due_dates(config, start).response
    extended = clock.extended_response_due(config, start)
    assert extended > normal
    c = clock.organisation_calendar(config, start)
    assert extended == deadlines.working_day_deadline(c, start, 60)
