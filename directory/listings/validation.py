"""The rules a listing's values must meet: one set, used by the listing editor and by imports alike.

Each rule is a plain function returning what is wrong, in words an editor can act on, or None.
The editor wraps them as WTForms validators (directory/web/staff/listing_forms.py); imports run
them on every row (record_problem), so a value the editor would refuse, such as an email with
"?bcc=" or a "javascript:" web address, cannot get in through a file either. Public pages only
make links from values that pass them again (safe_mailto, safe_web_address): a value stored
before these rules existed never becomes a live link.
"""

import ipaddress
import re
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlmodel import SQLModel

from directory.listings.phones import phone_problem
from directory.listings.wording import WEEK
from directory.models import (
    Accessibility,
    Address,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
)
from directory.places.gazetteer import normalise_postcode

Rule = Callable[[object], str | None]
WEB_SCHEMES = ("http", "https")
OLDEST_AGE = 120
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


def email_problem(text: str, label: str = "an email address") -> str | None:
    """Not an email address (checked by email-validator, as WTForms' Email does; no DNS look-up)."""
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return f"Enter {label} in the correct format, like name@example.org"
    return None


def secure_email_problem(text: str) -> str | None:
    return email_problem(text, "the secure email address")


def _host_is_valid(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        labels = host.encode("idna").decode("ascii").split(".")
    except UnicodeError:
        return False
    return len(labels) > 1 and all(_HOST_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def web_address_problem(text: str) -> str | None:
    """Not an http(s) address of a named host: no "javascript:", "data:", or user name before the host."""
    message = "Enter a web address, like https://example.org"
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return message
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname or parts.username or parts.password:
        return message
    if any(ch.isspace() or ord(ch) < 32 for ch in text.strip()) or not _host_is_valid(parts.hostname):
        return message
    return None


def postcode_problem(text: str) -> str | None:
    return None if normalise_postcode(text) else "Enter a full UK postcode, like BN1 1AA"


def language_code_problem(text: str) -> str | None:
    return None if _LANGUAGE_CODE.match(text) else "Enter a 2 or 3 letter code, like pl"


def age_problem(value: int) -> str | None:
    return None if 0 <= value <= OLDEST_AGE else f"Enter an age from 0 to {OLDEST_AGE}"


def ages_problem(youngest: int | None, oldest: int | None) -> str | None:
    if youngest is not None and oldest is not None and oldest < youngest:
        return "The oldest age must be the same as or more than the youngest age"
    return None


def time_problem(text: str) -> str | None:
    return None if _TIME.match(text) else "Enter a time in 24-hour format, like 09:00 or 17:30"


def hours_problem(opens_at: str | None, closes_at: str | None) -> str | None:
    if opens_at and closes_at and closes_at <= opens_at:
        return "Closing time must be after the opening time"
    return None


def days_problem(text: str) -> str | None:
    """HSDS days ("MO,WE"): only the two-letter days of the week."""
    if all(day in WEEK for day in text.split(",")):
        return None
    return f"Enter days as {', '.join(WEEK)} separated by commas, like MO,TU"


def at_most(limit: int) -> Rule:
    def too_long(text: str) -> str | None:
        return f"Enter {limit} characters or fewer" if len(text) > limit else None
    return too_long


def phone_rule(allow_fictional: bool) -> Rule:
    return lambda text: phone_problem(text, allow_fictional)


_SHORT, _NAME = at_most(255), at_most(100)
PHONE = object()  # stands for the phone rule, which depends on the ACCEPT_FICTIONAL_PHONE_NUMBERS setting

# Every column the editor checks, with the same rule: imports check each row against this.
COLUMN_RULES: dict[type[SQLModel], dict[str, object]] = {
    Service: {"name": _SHORT, "alternate_name": _SHORT, "url": web_address_problem, "email": email_problem,
              "minimum_age": age_problem, "maximum_age": age_problem, "card_name": at_most(80),
              "referral_line": PHONE, "secure_email": secure_email_problem},
    Organization: {"name": _SHORT, "alternate_name": _SHORT, "email": email_problem,
                   "website": web_address_problem},
    Contact: {"name": _SHORT, "title": _SHORT, "email": email_problem},
    Phone: {"number": PHONE, "description": _SHORT},
    Schedule: {"byday": days_problem, "opens_at": time_problem, "closes_at": time_problem, "description": _SHORT},
    ServiceArea: {"name": _SHORT},
    Language: {"name": _NAME, "code": language_code_problem, "note": _SHORT},
    Location: {"name": _SHORT, "transportation": _SHORT},
    Address: {"address_1": _SHORT, "address_2": _SHORT, "city": _NAME, "state_province": _NAME,
              "postal_code": postcode_problem},
    Accessibility: {"description": _SHORT},
}


# Rules between two columns of one record: the column a problem is reported against, and the rule.
_BETWEEN_COLUMNS = {
    Service: ("maximum_age", lambda record: ages_problem(record.minimum_age, record.maximum_age)),
    Schedule: ("closes_at", lambda record: hours_problem(record.opens_at, record.closes_at)),
}


def record_problem(record: SQLModel, allow_fictional_phones: bool = False) -> str | None:
    """The first value of a record the editor would refuse, as "column: what is wrong", or None."""
    for column, rule in COLUMN_RULES.get(type(record), {}).items():
        value = getattr(record, column)
        if value is None or value == "":
            continue
        problem = (phone_rule(allow_fictional_phones) if rule is PHONE else rule)(value)
        if problem:
            return f"{column}: {problem}"
    if type(record) in _BETWEEN_COLUMNS:
        column, rule = _BETWEEN_COLUMNS[type(record)]
        problem = rule(record)
        if problem:
            return f"{column}: {problem}"
    return None


# -- links on public pages -------------------------------------------------------------------


def safe_mailto(address: str | None) -> str | None:
    """A mailto: link for a valid address, encoded so nothing in it can add a header (bcc, cc, body…)."""
    if not address or email_problem(address):
        return None
    return "mailto:" + quote(address.strip(), safe="@")


def safe_web_address(address: str | None) -> str | None:
    """The address, if it may be a link: http(s) only, whatever was stored before these rules."""
    return address.strip() if address and not web_address_problem(address) else None
