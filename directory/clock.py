"""What day and time it is in Sussex: servers run on UTC, and between midnight and 1am in summer that is yesterday.

Everything that asks the time asks `uk_now()`, which reads `_utc_now()`: tests fix the time by
replacing `directory.clock._utc_now` (monkeypatch), whatever module imported `uk_now`.
"""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def uk_now() -> datetime:
    """Now, in UK local time (GMT or BST)."""
    return _utc_now().astimezone(UK_TIME)


def uk_today() -> date:
    return uk_now().date()


def in_words(moment: datetime) -> str:
    """A moment as people in Sussex read it: "25 November 2026, 14:05", in UK time (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(UK_TIME)
    return f"{local.day} {local:%B %Y, %H:%M}"
