"""Opening hours as weekly minute ranges, and "open now" in UK time whatever the server's clock."""

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from directory import clock
from directory.listings.hours import OpeningWindow, minute_of_week, open_during, weekly_opening
from directory.listings.wording import opening_now


def schedule(byday, opens_at, closes_at, freq="WEEKLY"):
    return SimpleNamespace(byday=byday, opens_at=opens_at, closes_at=closes_at, freq=freq)


def service(*schedules):
    return SimpleNamespace(schedules=list(schedules))


def test_weekday_hours_are_one_range_a_day():
    assert weekly_opening([schedule("MO,WE", "09:00", "17:00")]) == [(540, 1020), (2 * 1440 + 540, 2 * 1440 + 1020)]


def test_every_day_from_midnight_to_midnight_is_the_whole_week():
    assert weekly_opening([schedule("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")]) == [(0, 7 * 1440)]


def test_hours_past_midnight_run_into_the_next_day_and_sunday_night_into_monday():
    assert weekly_opening([schedule("SU", "22:00", "06:00")]) == [(0, 360), (6 * 1440 + 1320, 7 * 1440)]


def test_unreadable_or_non_weekly_schedules_are_ignored():
    assert weekly_opening([schedule("MO", "nine", "17:00"), schedule("MO", "09:00", "17:00", freq="MONTHLY")]) == []


def test_the_minute_of_the_week_is_in_uk_time():
    # 23:30 UTC on Sunday 28 June 2026 is 00:30 on Monday in British Summer Time.
    assert minute_of_week(datetime(2026, 6, 28, 23, 30, tzinfo=timezone.utc)) == 30
    assert minute_of_week(datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)) == 540  # GMT in winter


@pytest.mark.parametrize(("utc", "expected"), [
    (datetime(2026, 6, 29, 8, 30, tzinfo=timezone.utc), "open"),  # Monday 09:30 BST
    (datetime(2026, 6, 29, 7, 30, tzinfo=timezone.utc), None),  # Monday 08:30 BST: not yet
    (datetime(2026, 7, 4, 12, 0, tzinfo=timezone.utc), None),  # Saturday
])
def test_open_now_is_judged_at_the_fixed_clock(monkeypatch, utc, expected):
    monkeypatch.setattr(clock, "_utc_now", lambda: utc)
    assert opening_now(service(schedule("MO,TU,WE,TH,FR", "09:00", "17:00"))) == expected


def test_round_the_clock_services_are_open_24_hours_at_any_time():
    assert opening_now(service(schedule("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")),
                       datetime(2026, 7, 4, 3, 0, tzinfo=timezone.utc)) == "24_hours"


WEEKDAY_OFFICE = weekly_opening([schedule("MO,TU,WE,TH,FR", "09:00", "17:00")])
FRIDAY_NIGHTS = weekly_opening([schedule("FR", "20:00", "02:00")])
SUNDAY_NIGHTS = weekly_opening([schedule("SU", "22:00", "06:00")])
ROUND_THE_CLOCK = weekly_opening([schedule("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")])


@pytest.mark.parametrize(("ranges", "window", "expected"), [
    (WEEKDAY_OFFICE, OpeningWindow(day=0, start=10 * 60, end=12 * 60), True),
    (WEEKDAY_OFFICE, OpeningWindow(day=0, start=16 * 60, end=18 * 60), False),  # closes part way through
    (WEEKDAY_OFFICE, OpeningWindow(day=5), False),  # no Saturday hours
    (WEEKDAY_OFFICE, OpeningWindow(day=4), True),  # some Friday hours
    (WEEKDAY_OFFICE, OpeningWindow(start=9 * 60), True),  # open at 09:00 on some day
    (WEEKDAY_OFFICE, OpeningWindow(end=17 * 60), True),  # open until 17:00
    (WEEKDAY_OFFICE, OpeningWindow(end=17 * 60 + 1), False),
    (WEEKDAY_OFFICE, OpeningWindow(start=8 * 60 + 59), False),
    (FRIDAY_NIGHTS, OpeningWindow(day=4, start=23 * 60, end=1 * 60), True),  # past midnight into Saturday
    (FRIDAY_NIGHTS, OpeningWindow(day=4, start=23 * 60, end=3 * 60), False),
    (FRIDAY_NIGHTS, OpeningWindow(day=5, start=1 * 60), True),  # Saturday 01:00 is still Friday night
    (SUNDAY_NIGHTS, OpeningWindow(day=6, start=23 * 60, end=5 * 60), True),  # past Sunday midnight into Monday
    (SUNDAY_NIGHTS, OpeningWindow(day=0, end=24 * 60), False),
    (ROUND_THE_CLOCK, OpeningWindow(day=6, start=22 * 60, end=2 * 60), True),
    (ROUND_THE_CLOCK, OpeningWindow(day=2, start=0, end=24 * 60), True),
    ([], OpeningWindow(day=2), False),  # hours not recorded: not known to be open
])
def test_a_window_is_met_only_by_hours_covering_all_of_it(ranges, window, expected):
    assert open_during(ranges, window) is expected
