"""The API's query parameters: one declaration each, used both to parse requests and to document them."""

import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from directory.listings.hours import DAY_NAMES, WEEK, OpeningWindow, day_number

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


class ParameterError(ValueError):
    """A parameter a consumer sent that we cannot use: answered with a 400 naming it."""

    def __init__(self, parameter: str, message: str):
        self.parameter, self.message = parameter, message
        super().__init__(f"{parameter}: {message}")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # string, integer, number, boolean, uuid, date-time
    description: str
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    example: str | None = None
    cap: int | None = None  # larger values are served at this (documented, so not a schema maximum)

    @property
    def takes_empty(self) -> bool:
        """Only free text admits an empty value (as none); for any other, "" breaks the documented schema."""
        return self.kind == "string" and self.enum is None and self.pattern is None

    def parse(self, raw: str):
        if self.enum is not None:
            if raw not in self.enum:
                raise ParameterError(self.name, f"must be one of {', '.join(self.enum)}")
            return raw
        if self.pattern is not None and not re.fullmatch(self.pattern, raw):
            raise ParameterError(self.name, f"must look like {self.example}")
        parser = _PARSERS[self.kind]
        try:
            value = parser(raw)
        except ValueError:
            raise ParameterError(self.name, _EXPECTED[self.kind]) from None
        if self.minimum is not None and value < self.minimum:
            raise ParameterError(self.name, f"must be at least {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise ParameterError(self.name, f"must be at most {self.maximum:g}")
        return min(value, self.cap) if self.cap is not None else value

    def schema(self) -> dict:
        schema: dict = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
                        "boolean": {"type": "boolean"}, "uuid": {"type": "string", "format": "uuid"},
                        "date-time": {"type": "string", "format": "date-time"},
                        "time": {"type": "string"}}[self.kind].copy()
        for key in ("default", "minimum", "maximum"):
            if getattr(self, key) is not None:
                schema[key] = getattr(self, key)
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.pattern:
            schema["pattern"] = f"^{self.pattern}$"
        return schema


def _boolean(raw: str) -> bool:
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise ValueError(raw)


def _date_time(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def _string(raw: str) -> str:
    """Any text is acceptable; null bytes mean nothing in a search, so they are dropped."""
    return raw.replace("\x00", "")[:500]


def _finite_number(raw: str) -> float:
    """A number a distance can be: float() also reads "nan", which every comparison with a bound lets through."""
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def _minute_of_day(raw: str) -> int:
    """"09:30" or "09:30:00" → 570; "24:00" is the end of the day (the pattern has checked the digits)."""
    hours, minutes = raw.split(":")[:2]
    return int(hours) * 60 + int(minutes)


_PARSERS = {"string": _string, "integer": int, "number": _finite_number, "boolean": _boolean, "uuid": uuid.UUID,
            "date-time": _date_time, "time": _minute_of_day}
_EXPECTED = {"integer": "must be a whole number", "number": "must be a number",
             "boolean": "must be true or false", "uuid": "must be a UUID",
             "date-time": "must be an ISO 8601 date-time, like 2026-01-31T09:00:00Z"}
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?|24:00(:00)?)"

PAGE = Parameter("page", "integer", "Page number, from 1. A page past the last is empty.", default=1, minimum=1,
                 maximum=1_000_000)
# No default here: a minimal list leaves paging out unless per_page is given (see the description).
PER_PAGE = Parameter("per_page", "integer", f"Items per page: {DEFAULT_PER_PAGE} unless given, except that with "
                     "minimal=true one page holds every match, as HSDS asks. At most "
                     f"{MAX_PER_PAGE}: a larger value is served {MAX_PER_PAGE} a page rather than refused, and the "
                     "envelope's per_page says so.", minimum=1, cap=MAX_PER_PAGE)
FORMAT = Parameter("format", "string", "json (paged) or ndjson (every match, one JSON object a line, unpaged).",
                   default="json", enum=("json", "ndjson"))
SEARCH = Parameter("search", "string", "Words to search for, as on the public search page (synonyms and "
                   "abbreviations such as DV, NRPF or SARC work).")
TAXONOMY_TERM_ID = Parameter("taxonomy_term_id", "uuid", "Only records with this taxonomy term.")
TAXONOMY_ID = Parameter("taxonomy_id", "uuid", "Only records with a term from this taxonomy.")
ORGANIZATION_ID = Parameter("organization_id", "uuid", "Only services of this organization.")
MODIFIED_AFTER = Parameter("modified_after", "date-time", "Only services changed at or after this time.")
MINIMAL = Parameter("minimal", "boolean", "Items carry only id, name, status and last_modified, all on one page "
                    "unless per_page is given.", default=False)
FULL = Parameter("full", "boolean", "Items are fully nested, as from the single-record endpoint.", default=False)
FULL_SERVICE = Parameter("full_service", "boolean", "Each organization's services are fully nested, as from "
                         "/services/{id} (on the list, this implies full).", default=False)
POSTCODE = Parameter("postcode", "string", "A UK postcode, like BN1 1AA. Alone: services whose service area "
                     "covers it. With proximity: services within that distance of it, nearest first, then services "
                     "whose area covers it, then national helplines (as the public search page lists them). A "
                     "postcode that cannot be placed finds nothing.",
                     pattern=r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}", example="BN1 1AA")
PROXIMITY = Parameter("proximity", "number", "Distance in metres from the postcode (ignored without one).",
                      minimum=0, maximum=1_000_000)
MINIMUM_AGE = Parameter("minimum_age", "integer", "Services open to someone at least this old.", minimum=0,
                        maximum=150)
MAXIMUM_AGE = Parameter("maximum_age", "integer", "Services open to someone at most this old.", minimum=0,
                        maximum=150)
DAY = Parameter("day", "string", "Only services open on this day (MO to SU, or Monday to Sunday): at some time "
                "that day, or at the times start_time and end_time give. Services whose hours are not recorded are "
                "left out.", enum=(*WEEK, *DAY_NAMES))
START_TIME = Parameter("start_time", "time", "Only services open at this time, UK local time (HH:MM). With "
                       "end_time: open for the whole of start_time to end_time, running past midnight when "
                       "end_time is earlier. Without day, on any day.", pattern=_TIME, example="09:30")
END_TIME = Parameter("end_time", "time", "Only services open until at least this time, UK local time (HH:MM; "
                     "24:00 is midnight at the end of the day). Without day, on any day.", pattern=_TIME,
                     example="17:00")
TOP_ONLY = Parameter("top_only", "boolean", "Only terms with no parent.", default=False)
PARENT_ID = Parameter("parent_id", "uuid", "Only the children of this term.")

LISTING = (SEARCH, PAGE, PER_PAGE, FORMAT)
SERVICE_FILTERS = (TAXONOMY_TERM_ID, TAXONOMY_ID, ORGANIZATION_ID, MODIFIED_AFTER, POSTCODE, PROXIMITY,
                   MINIMUM_AGE, MAXIMUM_AGE, DAY, START_TIME, END_TIME)
SERVICES = (*LISTING, *SERVICE_FILTERS, MINIMAL, FULL)
SERVICE_AT_LOCATIONS = (*LISTING, *SERVICE_FILTERS, FULL)
TAXONOMY_TERMS = (*LISTING, TAXONOMY_ID, PARENT_ID, TOP_ONLY)
ORGANIZATIONS = (*LISTING, FULL, FULL_SERVICE)
ORGANIZATION = (FULL_SERVICE,)
TAXONOMIES = LISTING


def parse(args, parameters: tuple[Parameter, ...]) -> dict:
    """Values of the declared parameters (defaults filled in); anything undeclared is ignored."""
    values = {}
    for parameter in parameters:
        raw = args.get(parameter.name)
        absent = raw is None or (raw == "" and parameter.takes_empty)
        values[parameter.name] = parameter.default if absent else parameter.parse(raw)
    return values


def opening_window(values: dict) -> OpeningWindow | None:
    """The opening-hours filter the day, start_time and end_time parameters ask for, if any."""
    if values["day"] is None and values["start_time"] is None and values["end_time"] is None:
        return None
    day = None if values["day"] is None else day_number(values["day"])
    return OpeningWindow(day, values["start_time"], values["end_time"])
