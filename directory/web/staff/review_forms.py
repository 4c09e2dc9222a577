"""Forms and request reading for checking listings: one listing's verification, and the dashboard's selections."""

import uuid
from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField

from directory.listings.queries import parse_id
from directory.listings.verification import ConditionCheck
from directory.web.staff.listing_forms import VersionForm

# A dashboard selection travels in the address (a GET form, so it works without JavaScript and the
# confirmation page can be reloaded); this many identifiers stay well inside a server's request line.
MAX_SELECTED = 50


class VerifyForm(VersionForm):
    """The "Mark as verified" page: the conditions confirmed with the service, of those that can be."""

    conditions = SelectMultipleField("Access conditions confirmed with the service")

    def __init__(self, checks: list[ConditionCheck], **kwargs):
        super().__init__(**kwargs)
        self.conditions.choices = [(check.condition.name, check.condition.question)
                                   for check in checks if check.confirmable]


class MarkCheckedForm(FlaskForm):
    """The bulk confirmation's POST: a CSRF token, and each listing as "id:version" of the page that listed it."""

    listing = SelectMultipleField(validate_choice=False)


def conditions_in_words(count: int) -> str:
    return "no access conditions" if count == 0 else f"{count} access condition{'s' if count != 1 else ''}"


def chosen_listings(values: Iterable[str]) -> list[uuid.UUID]:
    """The listings ticked on the dashboard (unreadable values ignored), at most MAX_SELECTED + 1 of them."""
    chosen = []
    for identifier in filter(None, map(parse_id, values)):
        if identifier not in chosen:
            chosen.append(identifier)
        if len(chosen) > MAX_SELECTED:
            break
    return chosen


def listing_versions(values: Iterable[str]) -> dict[uuid.UUID, int]:
    """{listing: version} from the confirmation page's "id:version" values (unreadable ones ignored)."""
    versions = {}
    for value in values:
        identifier, _, version = value.partition(":")
        try:
            versions[uuid.UUID(identifier)] = int(version)
        except ValueError:
            continue
    return dict(list(versions.items())[:MAX_SELECTED])
