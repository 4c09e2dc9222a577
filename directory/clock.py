"""What day it is in Sussex: servers run on UTC, and between midnight and 1am in summer that is yesterday."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")


def uk_today() -> date:
    return datetime.now(UK_TIME).date()


def in_words(moment: datetime) -> str:
    """A moment as people in Sussex read it: "25 November 2026, 14:05", in UK time (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(UK_TIME)
    return f"{local.day} {local:%B %Y, %H:%M}"
