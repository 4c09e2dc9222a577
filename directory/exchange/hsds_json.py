"""Open Referral HSDS 3 JSON in: nested services, as our API publishes them, turned back into HSDS tables.

Accepts one service (GET /api/services/{id}), a list of them, or a page whose "contents"
holds them. The access conditions that openreferral.py publishes as attributes under our
own taxonomy come back to the Service columns they were made from, dates included.
Values are left as the JSON has them: datapackage.py checks and converts them exactly as it does
CSV cells, so there is one set of rules for both. No Flask here.
"""

from dataclasses import dataclass, field

from directory.exchange.openreferral import ACCESS_TAXONOMY_NAME, ACCESS_TERMS, ORGANIZATION_FIELDS, SERVICE_FIELDS

# The columns our JSON carries for each table. An update sets only these, so what JSON never
# holds (professional-only details, who verified a listing) is kept, while a field left out
# of the JSON because it is empty is emptied. Taxonomies are known only by name from their
# terms: created when missing, never changed. A service without any of our access-condition
# attributes (the list shape, or another publisher's copy) leaves its access conditions alone.
COLUMNS: dict[str, frozenset[str]] = {
    "organizations": frozenset(ORGANIZATION_FIELDS),
    "taxonomies": frozenset(),
    "taxonomy_terms": frozenset({"id", "code", "name", "description", "parent_id", "taxonomy", "taxonomy_id",
                                 "language"}),
    "services": frozenset({*SERVICE_FIELDS, "last_verified_on", *ACCESS_TERMS}),
    "locations": frozenset({"id", "location_type", "name", "description", "transportation", "latitude",
                            "longitude"}),
    "addresses": frozenset({"id", "location_id", "address_1", "address_2", "city", "region", "state_province",
                            "postal_code", "country", "address_type"}),
    "service_at_location": frozenset({"id", "service_id", "location_id", "description"}),
    "phones": frozenset({"id", "service_id", "number", "extension", "type", "description"}),
    "contacts": frozenset({"id", "service_id", "name", "title", "department", "email"}),
    "schedules": frozenset({"id", "service_id", "freq", "byday", "opens_at", "closes_at", "description"}),
    "service_areas": frozenset({"id", "service_id", "name", "description", "extent_type", "uri"}),
    "languages": frozenset({"id", "service_id", "name", "code", "note"}),
    "accessibility": frozenset({"id", "location_id", "description", "details"}),
    "attributes": frozenset({"id", "link_id", "link_entity", "taxonomy_term_id", "link_type", "value"}),
}
_SERVICE_CHILDREN = ("phones", "contacts", "schedules", "service_areas", "languages")
_ACCESS_CODES = {term_id: code for code, (term_id, _, _) in ACCESS_TERMS.items()}
# Service keys read elsewhere than as a column of their own.
_SERVICE_KEYS = {*SERVICE_FIELDS, "assured_date", "organization", "attributes", "service_at_locations",
                 *_SERVICE_CHILDREN}
# Worked out again from the access conditions when published, so nothing is lost by leaving it.
_DERIVED = {"cost_options"}


class JsonShapeError(ValueError):
    """JSON that is not HSDS services: why, and which service (counting from 1) it is about."""

    def __init__(self, reason: str, item: int | None = None):
        self.reason, self.item = reason, item
        super().__init__(reason)


@dataclass(frozen=True)
class JsonRow:
    item: int  # which service in the document the row came from (1 for the first)
    where: str  # where in that service, e.g. "phones[0]"; "" for the service itself
    values: dict
    columns: frozenset[str]  # the columns this row gives: an update sets only these


@dataclass
class JsonTables:
    rows: dict[str, list[JsonRow]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _services_in(document) -> list:
    if isinstance(document, dict) and "contents" in document:
        document = document["contents"]
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return document
    raise JsonShapeError("must be a service, a list of services, or a page of them with \"contents\"")


def _objects(value, where: str, item: int) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise JsonShapeError(f"{where} must be a list of objects", item)
    return value


class _Collector:
    """Gathers rows by table; an object met twice (a shared organisation or place) is kept once."""

    def __init__(self):
        self.tables = JsonTables()
        self._seen: dict[tuple[str, str], dict] = {}
        self._ignored: set[str] = set()

    def add(self, table: str, item: int, where: str, source: dict, columns: frozenset[str] | None = None,
            **values) -> None:
        if not source.get("id"):
            raise JsonShapeError(f"{where or 'the service'} has no id", item)
        row = {column: source.get(column) for column in COLUMNS[table] if column in source}
        row.update(values)
        key = (table, str(row["id"]))
        if key in self._seen:
            if self._seen[key] != row:
                raise JsonShapeError(f"{where or 'the service'} ({row['id']}) is described twice, differently",
                                     item)
            return
        self._seen[key] = row
        carried = COLUMNS[table] if columns is None else columns
        self.tables.rows.setdefault(table, []).append(JsonRow(item, where, row, carried))

    def ignore(self, what: str) -> None:
        self._ignored.add(what)

    def result(self) -> JsonTables:
        self.tables.ignored = sorted(self._ignored)
        return self.tables


def _attributes(collect: _Collector, service: dict, item: int, service_values: dict) -> None:
    """Our access conditions back to columns; any other attribute as itself, with its term."""
    for number, attribute in enumerate(_objects(service.get("attributes"), "attributes", item)):
        where = f"attributes[{number}]"
        term = attribute.get("taxonomy_term") or {}
        if not isinstance(term, dict):
            raise JsonShapeError(f"{where}.taxonomy_term must be an object", item)
        term_id = attribute.get("taxonomy_term_id") or term.get("id")
        code = _ACCESS_CODES.get(str(term_id))
        if code is None and term.get("taxonomy") == ACCESS_TAXONOMY_NAME:
            code = term.get("code")
            if code not in ACCESS_TERMS:
                collect.ignore(f"{where}: access condition {code!r}")
                continue
        if code is not None:
            service_values[code] = attribute.get("value")
            continue
        if term.get("name"):
            if term.get("taxonomy_id") and term.get("taxonomy"):
                taxonomy = {"id": term["taxonomy_id"], "name": term["taxonomy"], "description": term["taxonomy"]}
                collect.add("taxonomies", item, f"{where}.taxonomy_term.taxonomy", taxonomy, **taxonomy)
            collect.add("taxonomy_terms", item, f"{where}.taxonomy_term", term)
        collect.add("attributes", item, where, attribute, link_id=service["id"], link_entity="service",
                    taxonomy_term_id=term_id)


def _locations(collect: _Collector, service: dict, item: int, organization_id) -> None:
    for number, link in enumerate(_objects(service.get("service_at_locations"), "service_at_locations", item)):
        where = f"service_at_locations[{number}]"
        location = link.get("location")
        if location is not None:
            if not isinstance(location, dict):
                raise JsonShapeError(f"{where}.location must be an object", item)
            place = f"{where}.location"
            owner = location.get("organization_id") or organization_id
            collect.add("locations", item, place, location, organization_id=owner)
            for table in ("addresses", "accessibility"):
                for index, entry in enumerate(_objects(location.get(table), f"{place}.{table}", item)):
                    collect.add(table, item, f"{place}.{table}[{index}]", entry, location_id=location["id"])
        location_id = link.get("location_id") or (location or {}).get("id")
        collect.add("service_at_location", item, where, link, service_id=service["id"], location_id=location_id)


def _service(collect: _Collector, service: dict, item: int) -> None:
    if not service.get("id"):
        raise JsonShapeError("the service has no id", item)
    organization = service.get("organization")
    organization_id = service.get("organization_id")
    if isinstance(organization, dict):
        collect.add("organizations", item, "organization", organization)
        organization_id = organization_id or organization.get("id")
    values = {"organization_id": organization_id, "last_verified_on": service.get("assured_date")}
    _attributes(collect, service, item, values)
    columns = COLUMNS["services"]
    if not values.keys() & ACCESS_TERMS.keys():
        columns = columns - ACCESS_TERMS.keys()
    collect.add("services", item, "", service, columns, **values)
    for table in _SERVICE_CHILDREN:
        for number, entry in enumerate(_objects(service.get(table), table, item)):
            collect.add(table, item, f"{table}[{number}]", entry, service_id=service["id"])
    _locations(collect, service, item, organization_id)
    for key in service:
        if key not in _SERVICE_KEYS and key not in _DERIVED:
            collect.ignore(f"service {key}")


def tables_from_json(document) -> JsonTables:
    """The rows of each HSDS table that the services in a JSON document hold."""
    collect = _Collector()
    for item, service in enumerate(_services_in(document), start=1):
        if not isinstance(service, dict):
            raise JsonShapeError("is not a service object", item)
        _service(collect, service, item)
    return collect.result()
