"""How a service's facts are said to people, in one place so every page says them the same way.

A flag is a promise: "not known" is always said as not known, never as yes, and every answer
carries the date it was last checked. The questions and answers come from the one list of
access conditions (directory/conditions.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from directory import clock
from directory.clock import in_words
from directory.conditions import CONDITIONS, AccessCondition, Section
from directory.languages import N_, Nn_, Phrase
from directory.listings.confidentiality import has_confidential_place, public_links
from directory.listings.hours import WEEK, minute_of_week, open_all_week, open_at, weekly_opening
from directory.models import Service, TaxonomyTerm


@dataclass(frozen=True)
class AnswerRow:
    """One condition as a page shows it: the question, the answer in words, and when it was checked."""

    question: str
    answer: str
    state: str  # "yes", "no" or "unknown": drives the tag colour, never the wording alone
    checked_on: date | None
    note: str | None = None


def answer_row(service: Service, condition: AccessCondition) -> AnswerRow:
    wording = condition.wording_for(getattr(service, condition.name))
    return AnswerRow(
        question=condition.question,
        answer=wording.public,
        state=wording.state,
        checked_on=getattr(service, condition.checked_on),
        note=getattr(service, condition.note) if condition.note else None,
    )


def answers_in(service: Service, section: Section, professional: bool = False,
               conditions: Iterable[AccessCondition] = CONDITIONS) -> list[AnswerRow]:
    """Every condition of one section of a service page; professional-only ones only for the signed in."""
    return [answer_row(service, c) for c in conditions
            if c.section == section and (professional or not c.professional_only)]


def badges(service: Service, conditions: Iterable[AccessCondition] = CONDITIONS) -> list[str]:
    """Short labels for what a service has confirmed, for search results: yes answers only."""
    labels = [c.badge for c in conditions
              if c.badge and not c.professional_only and c.is_yes(getattr(service, c.name))]
    if service.national_helpline:
        labels.insert(0, N_("National helpline"))
    return labels


def open_around_the_clock(service: Service) -> bool:
    """Open 24 hours every day: its hours run from 00:00 to midnight on all seven days."""
    days = set()
    for schedule in service.schedules:
        if schedule.opens_at == "00:00" and schedule.closes_at in ("23:59", "24:00"):
            days.update((schedule.byday or "").split(","))
    return days >= set(WEEK)


def opening_now(service: Service, moment: datetime | None = None) -> str | None:
    """"24_hours", "open" (at `moment`, else now in UK time), or None when closed or not known.

    A state, not words: the templates say it ("Open 24 hours", "Open now") in the visitor's language.
    """
    return opening_state(weekly_opening(service.schedules), moment)


def opening_state(ranges: list[tuple[int, int]], moment: datetime | None = None) -> str | None:
    """`opening_now` from a service's weekly opening ranges (listings/hours.py), as a list of results holds them."""
    if open_all_week(ranges):
        return "24_hours"
    if open_at(ranges, minute_of_week(moment or clock.uk_now())):
        return "open"
    return None


def need_terms(service: Service) -> list[TaxonomyTerm]:
    """The needs a service meets, in its own order (a page names them in the visitor's language)."""
    return [a.taxonomy_term for a in service.attributes if a.link_type == "need"]


def public_addresses(service: Service) -> list[str]:
    """Addresses a visitor may see: none for a confidential service, and never a refuge's shared place."""
    lines = []
    for link in public_links(service):
        for address in link.location.addresses:
            parts = [address.address_1, address.address_2, address.city, address.postal_code]
            lines.append(", ".join(part for part in parts if part))
    return lines


DISTANCE_BANDS_MILES = (1, 3, 5, 10, 25, 50)


def distance_text(service: Service, miles: float | None) -> Phrase | str:
    """"2.4 miles away"; only a band for a service at a confidential place, so the distance cannot locate it."""
    return distance_words(miles, has_confidential_place(service)) if miles is not None else ""


def distance_words(miles: float | None, coarse: bool) -> Phrase | str:
    """`distance_text` when whether the service has a confidential place (`coarse`) is already known."""
    if miles is None:
        return ""
    if coarse:
        band = next((b for b in DISTANCE_BANDS_MILES if miles <= b), None)
        if band is None:
            return Phrase(N_("More than 50 miles away"))
        return Phrase(*Nn_("Within %(num)d mile", "Within %(num)d miles"), band)
    if miles < 0.1:
        return Phrase(N_("Less than 0.1 miles away"))
    return Phrase(N_("%(miles)s miles away"), values=(("miles", round(miles, 1)),))


def long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "never"


def date_time(value: datetime | None) -> str:
    return in_words(value) if value else ""
