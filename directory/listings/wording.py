"""How a service's facts are said to the public, in one place so every page says them the same way.

A flag is a promise: "unknown" is always said as not known, never as yes, and every answer
carries the date it was last checked.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, request, url_for

from .clock import in_words
from .history import field_changes
from .models import Answer, ImmigrationStatus, Service

ANSWER_WORDS = {Answer.YES: "Yes", Answer.NO: "No", Answer.UNKNOWN: "Not known: ask the service"}


@dataclass(frozen=True)
class Condition:
    question: str
    answer: str
    state: str  # "yes", "no" or "unknown": drives the tag colour, never the wording alone
    checked_on: date | None
    note: str | None = None


@dataclass(frozen=True)
class FlagSpec:
    name: str
    question: str
    badge: str  # the short label shown on a search result when the answer is yes


ACCESS_FLAGS = (
    FlagSpec("nrpf_support", "Supports people with no recourse to public funds (NRPF)", "NRPF accepted"),
    FlagSpec("no_id_needed", "No ID or proof of address needed", "No ID needed"),
    FlagSpec("interpreters", "Interpreters available", "Interpreters"),
    FlagSpec("free", "Free of charge", "Free"),
)
ROUTE_FLAGS = (
    FlagSpec("self_referral", "You can contact them yourself (self-referral)", "Self-referral"),
    FlagSpec("professional_referral", "Professionals can refer you", "Professional referral"),
    FlagSpec("police_referral", "The police can refer you", "Police referral"),
    FlagSpec("victim_hub_referral", "You can be referred through the Sussex Victim Hub", "Victim Hub"),
    FlagSpec("police_independent", "You do not have to report to the police to get help", "No need to report"),
    FlagSpec("anonymous_contact", "You can contact them without giving your name", "Anonymous contact"),
)
SAFE_CONTACT_FLAGS = (
    FlagSpec("withheld_number_calls", "Calls you from a withheld number", "Withheld number"),
    FlagSpec("leaves_voicemail", "Leaves voicemail messages", "Leaves voicemail"),
    FlagSpec("sends_texts", "Sends text messages", "Sends texts"),
    FlagSpec("sends_letters", "Sends letters by post", "Sends letters"),
)
BADGE_FLAGS = (*ACCESS_FLAGS, ROUTE_FLAGS[0], ROUTE_FLAGS[4])


def immigration_condition(service: Service) -> Condition:
    status = service.immigration_status
    if status == ImmigrationStatus.OPEN_TO_ALL:
        answer, state = "Yes, whatever your immigration status", "yes"
    elif status == ImmigrationStatus.RESTRICTIONS:
        answer, state = "There are some restrictions", "no"
    else:
        answer, state = "Not known: ask the service", "unknown"
    return Condition(
        question="Helps people whatever their immigration status",
        answer=answer,
        state=state,
        checked_on=service.immigration_status_checked_on,
        note=service.immigration_status_note,
    )


def flag_conditions(service: Service, specs: tuple[FlagSpec, ...]) -> list[Condition]:
    conditions = []
    for spec in specs:
        value = getattr(service, spec.name)
        conditions.append(
            Condition(
                question=spec.question,
                answer=ANSWER_WORDS[value],
                state=value.value,
                checked_on=getattr(service, f"{spec.name}_checked_on"),
            )
        )
    return conditions


def badges(service: Service) -> list[str]:
    """Short labels for what a service has confirmed, for search results: yes answers only."""
    labels = []
    if service.immigration_status == ImmigrationStatus.OPEN_TO_ALL:
        labels.append("Open regardless of immigration status")
    labels += [spec.badge for spec in BADGE_FLAGS if getattr(service, spec.name) == Answer.YES]
    if service.national_helpline:
        labels.insert(0, "National helpline")
    return labels


def need_names(service: Service) -> list[str]:
    return [a.taxonomy_term.name for a in service.attributes if a.link_type == "need"]


def public_addresses(service: Service) -> list[str]:
    """Addresses a visitor may see: none at all for a confidential location."""
    if service.confidential_location:
        return []
    lines = []
    for link in service.service_at_locations:
        for address in link.location.addresses:
            parts = [address.address_1, address.address_2, address.city, address.postal_code]
            lines.append(", ".join(part for part in parts if part))
    return lines


DISTANCE_BANDS_MILES = (1, 3, 5, 10, 25, 50)


def distance_text(service: Service, miles: float | None) -> str:
    """"2.4 miles away"; for a confidential location only a band, so the distance cannot locate it."""
    if miles is None:
        return ""
    if service.confidential_location:
        band = next((b for b in DISTANCE_BANDS_MILES if miles <= b), None)
        if band is None:
            return "More than 50 miles away"
        return f"Within {band} mile{'s' if band > 1 else ''}"
    if miles < 0.1:
        return "Less than 0.1 miles away"
    return f"{miles:.1f} miles away"


def pagination(page: int, page_count: int) -> dict:
    """Parameters for GOV.UK's pagination: first, last and two either side, keeping the search."""
    args = request.args.to_dict(flat=False)

    def href(number: int) -> str:
        return url_for(request.endpoint, **{**args, "page": number})

    items, last_shown = [], 0
    for number in range(1, page_count + 1):
        if number in (1, page_count) or abs(number - page) <= 2:
            if number - last_shown > 1:
                items.append({"ellipsis": True})
            items.append({"number": number, "href": href(number), "current": number == page})
            last_shown = number
    return {
        "previous": {"href": href(page - 1)} if page > 1 else None,
        "next": {"href": href(page + 1)} if page < page_count else None,
        "items": items,
    }


def long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "never"


def date_time(value: datetime | None) -> str:
    return in_words(value) if value else ""


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(date_time)
    app.add_template_global(field_changes)
    app.add_template_global(immigration_condition)
    app.add_template_global(flag_conditions)
    app.add_template_global(badges)
    app.add_template_global(need_names)
    app.add_template_global(public_addresses)
    app.add_template_global(distance_text)
    app.add_template_global(pagination)
    app.add_template_global(ACCESS_FLAGS, "ACCESS_FLAGS")
    app.add_template_global(ROUTE_FLAGS, "ROUTE_FLAGS")
    app.add_template_global(SAFE_CONTACT_FLAGS, "SAFE_CONTACT_FLAGS")
