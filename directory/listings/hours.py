"""When a service is open: its weekly schedules as minute ranges, and whether it is open at a moment.

Minutes count from Monday 00:00 in UK local time, so "open now" is asked in the time people in
Sussex live by, whatever the server's clock says. The search index holds the same ranges (search
filters "open now" at query time, as the answer changes by the minute).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from directory.clock import UK_TIME
from directory.models import Schedule

WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES


def _minutes(text: str | None) -> int | None:
    """"09:30" → 570; "23:59" and "24:00" mean the end of the day; anything else None."""
    try:
        hours, minutes = (int(part) for part in (text or "").split(":")[:2])
    except ValueError:
        return None
    if (hours, minutes) in ((23, 59), (24, 0)):
        return DAY_MINUTES
    return hours * 60 + minutes if 0 <= hours < 24 and 0 <= minutes < 60 else None


def weekly_opening(schedules: Iterable[Schedule]) -> list[tuple[int, int]]:
    """Merged [start, end) minute ranges of the week; closing before opening runs past midnight."""
    spans = []
    for schedule in schedules:
        if (schedule.freq or "WEEKLY").upper() != "WEEKLY":
            continue
        opens, closes = _minutes(schedule.opens_at), _minutes(schedule.closes_at)
        if opens is None or closes is None:
            continue
        if closes <= opens:
            closes += DAY_MINUTES
        for day in (schedule.byday or "").split(","):
            if day.strip() in WEEK:
                start = WEEK.index(day.strip()) * DAY_MINUTES + opens
                end = start + closes - opens
                spans += [(start, min(end, WEEK_MINUTES))] + ([(0, end - WEEK_MINUTES)] if end > WEEK_MINUTES else [])
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def day_number(day: str) -> int:
    """0 for "MO" or "Monday", up to 6 for Sunday (a ValueError for anything else)."""
    return WEEK.index(day) if day in WEEK else DAY_NAMES.index(day)


def minute_of_week(moment: datetime) -> int:
    """Minutes since Monday 00:00 in UK time (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(UK_TIME)
    return local.weekday() * DAY_MINUTES + local.hour * 60 + local.minute


def open_all_week(ranges: list[tuple[int, int]]) -> bool:
    return ranges == [(0, WEEK_MINUTES)]


def open_at(ranges: list[tuple[int, int]], minute: int) -> bool:
    return any(start <= minute < end for start, end in ranges)


@dataclass(frozen=True)
class OpeningWindow:
    """A time someone needs a service to be open: a day (0 is Monday) and minutes of the day, any of them left open.

    With both times, open for all of start to end (an end at or before the start runs past midnight, as in a
    schedule); with one, open at that minute (the start) or the minute before it (the end); with neither,
    open at some time that day. Without a day, any day of the week will do.
    """

    day: int | None = None
    start: int | None = None
    end: int | None = None

    def spans(self, day: int) -> tuple[int, int]:
        """[start, end) minutes of the week the service must be open throughout, on `day`."""
        if self.start is None and self.end is None:
            return day * DAY_MINUTES, (day + 1) * DAY_MINUTES
        if self.end is None:
            start, end = self.start, self.start + 1
        elif self.start is None:
            start, end = self.end - 1, self.end
        else:
            start, end = self.start, self.end if self.end > self.start else self.end + DAY_MINUTES
        return day * DAY_MINUTES + start, day * DAY_MINUTES + end


def _covered(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether one merged range holds every minute of [start, end), which lies within the week."""
    return any(low <= start and end <= high for low, high in ranges)


def open_during(ranges: list[tuple[int, int]], window: OpeningWindow) -> bool:
    """Whether weekly opening ranges meet the window (a window with neither time needs only some opening that day)."""
    for day in range(7) if window.day is None else (window.day,):
        start, end = window.spans(day)
        start, end = start % WEEK_MINUTES, start % WEEK_MINUTES + (end - start)
        if window.start is None and window.end is None:
            if any(low < end and start < high for low, high in ranges):
                return True
        elif end <= WEEK_MINUTES:
            if _covered(ranges, start, end):
                return True
        elif _covered(ranges, start, WEEK_MINUTES) and _covered(ranges, 0, end - WEEK_MINUTES):
            return True  # past Sunday midnight: weekly_opening splits such a range there
    return False
