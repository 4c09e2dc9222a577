"""What templates may call: the domain's wording, the one list of conditions, and GOV.UK pagination."""

from flask import Flask, request, url_for
from flask_babel import gettext

from directory.conditions import CONDITIONS, Section, in_section
from directory.history import field_changes
from directory.listings.confidentiality import public_links
from directory.listings.validation import safe_mailto, safe_web_address
from directory.listings.wording import (
    answers_in,
    badges,
    date_time,
    distance_text,
    distance_words,
    long_date,
    need_terms,
    open_around_the_clock,
    opening_now,
    opening_state,
    public_addresses,
)


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
        "previous": {"href": href(page - 1), "text": gettext("Previous")} if page > 1 else None,
        "next": {"href": href(page + 1), "text": gettext("Next")} if page < page_count else None,
        "items": items,
        "landmarkLabel": gettext("Results pages"),
    }


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(date_time)
    # Links from stored values only through these: a value stored before validation never becomes live.
    app.add_template_filter(safe_mailto)
    app.add_template_filter(safe_web_address)
    for helper in (field_changes, answers_in, in_section, badges, need_terms, public_addresses, public_links,
                   distance_text, distance_words, open_around_the_clock, opening_now, opening_state, pagination):
        app.add_template_global(helper)
    app.add_template_global(Section, "Section")
    app.add_template_global(CONDITIONS, "CONDITIONS")
