"""The API's query parameters: one declaration each, used both to parse requests and to document them."""

import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

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
        return value

    def schema(self) -> dict:
        schema: dict = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
                        "boolean": {"type": "boolean"}, "uuid": {"type": "string", "format": "uuid"},
                        "date-time": {"type": "string", "format": "date-time"}}[self.kind].copy()
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


_PARSERS = {"string": _string, "integer": int, "number": _finite_number, "boolean": _boolean, "uuid": uuid.UUID,
            "date-time": _date_time}
_EXPECTED = {"integer": "must be a whole number", "number": "must be a number",
             "boolean": "must be true or false", "uuid": "must be a UUID",
             "date-time": "must be an ISO 8601 date-time, like 2026-01-31T09:00:00Z"}

PAGE = Parameter("page", "integer", "Page number, from 1. A page past the last is empty.", default=1, minimum=1,
                 maximum=1_000_000)
PER_PAGE = Parameter("per_page", "integer", f"Items per page (at most {MAX_PER_PAGE}).", default=DEFAULT_PER_PAGE,
                     minimum=1, maximum=MAX_PER_PAGE)
FORMAT = Parameter("format", "string", "json (paged) or ndjson (every match, one JSON object a line, unpaged).",
                   default="json", enum=("json", "ndjson"))
SEARCH = Parameter("search", "string", "Words to search for, as on the public search page (synonyms and "
                   "abbreviations such as DV, NRPF or SARC work).")
TAXONOMY_TERM_ID = Parameter("taxonomy_term_id", "uuid", "Only records with this taxonomy term.")
TAXONOMY_ID = Parameter("taxonomy_id", "uuid", "Only records with a term from this taxonomy.")
ORGANIZATION_ID = Parameter("organization_id", "uuid", "Only services of this organization.")
MODIFIED_AFTER = Parameter("modified_after", "date-time", "Only services changed at or after this time.")
MINIMAL = Parameter("minimal", "boolean", "Items carry only id, name, status and last_modified.", default=False)
FULL = Parameter("full", "boolean", "Items are fully nested, as from the single-record endpoint.", default=False)
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
TOP_ONLY = Parameter("top_only", "boolean", "Only terms with no parent.", default=False)
PARENT_ID = Parameter("parent_id", "uuid", "Only the children of this term.")

LISTING = (SEARCH, PAGE, PER_PAGE, FORMAT)
SERVICE_FILTERS = (TAXONOMY_TERM_ID, TAXONOMY_ID, ORGANIZATION_ID, MODIFIED_AFTER, POSTCODE, PROXIMITY,
                   MINIMUM_AGE, MAXIMUM_AGE)
SERVICES = (*LISTING, *SERVICE_FILTERS, MINIMAL, FULL)
SERVICE_AT_LOCATIONS = (*LISTING, *SERVICE_FILTERS, FULL)
TAXONOMY_TERMS = (*LISTING, TAXONOMY_ID, PARENT_ID, TOP_ONLY)
ORGANIZATIONS = LISTING
TAXONOMIES = LISTING


def parse(args, parameters: tuple[Parameter, ...]) -> dict:
    """Values of the declared parameters (defaults filled in); anything undeclared is ignored."""
    values = {}
    for parameter in parameters:
        raw = args.get(parameter.name)
        values[parameter.name] = parameter.default if raw in (None, "") else parameter.parse(raw)
    return values
