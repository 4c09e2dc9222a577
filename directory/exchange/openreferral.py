"""Directory records as Open Referral HSDS 3.0 JSON (the shapes of the compiled schemas). No Flask.

Empty values are left out, never sent as null. Confidential services are published without
any location: only their service areas and public contact routes. Our access conditions,
which HSDS has no fields for, are attributes under our own published taxonomy, each with
its checked-on date as a sibling attribute, so any HSDS consumer can read them.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timezone
from enum import Enum

from directory.conditions import CONDITIONS, AccessCondition
from directory.listings.confidentiality import public_links
from directory.models import (
    Accessibility,
    Address,
    Answer,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

API_VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://openreferraluk.org/specifications/3.0"
# Fixed namespace, so our published taxonomy and its attribute ids are the same on every server.
NAMESPACE = uuid.UUID("6f4a3cf3-2d0e-5b8e-9a4f-5a6e5e7d0c01")
ACCESS_TAXONOMY_NAME = "Safe Space Directory access conditions"


def _clean(value):
    """Drop None, empty strings and empty lists at every level: HSDS types have no null."""
    if isinstance(value, dict):
        cleaned = {key: _clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fields(record, names: tuple[str, ...]) -> dict:
    return {name: getattr(record, name) for name in names}


# -- our published taxonomy of access conditions -------------------------------------------------


def access_terms(conditions: Iterable[AccessCondition] = CONDITIONS) -> list[tuple[str, str, str]]:
    """(code, name, description) of every published access-condition term, from the one list of conditions."""
    published = [c for c in conditions if not c.professional_only]
    terms = []
    for condition in published:
        terms.append((condition.name, condition.question, condition.api_description()))
        if condition.note:
            terms.append((condition.note, f"{condition.question}: {condition.note_label.lower()}", "Free text"))
    dated = [c.name for c in published]
    terms += [(f"{code}_checked_on", f"Date checked: {code.replace('_', ' ')}", "ISO 8601 date") for code in dated]
    terms += [
        ("confidential_location", "Location kept confidential", "true when the address is withheld"),
        ("commissioned_by_pcc", "Commissioned by the Sussex Police and Crime Commissioner", "true or false"),
        ("national_helpline", "National helpline", "true when the service is for anyone in the UK"),
    ]
    return terms


ACCESS_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy/access-conditions")
ACCESS_TERMS = {code: (uuid.uuid5(NAMESPACE, f"term/{code}"), name, description)
                for code, name, description in access_terms()}


def access_taxonomy_json() -> dict:
    return _clean({
        "id": ACCESS_TAXONOMY_ID,
        "name": ACCESS_TAXONOMY_NAME,
        "description": "Access conditions HSDS has no fields for, each published with the date it was checked.",
        "version": "1",
    })


def access_term_json(code: str) -> dict:
    term_id, name, description = ACCESS_TERMS[code]
    return _clean({
        "id": term_id, "code": code, "name": name, "description": description,
        "taxonomy": ACCESS_TAXONOMY_NAME, "taxonomy_id": ACCESS_TAXONOMY_ID, "language": "en",
    })


def _access_attributes(service: Service) -> list[dict]:
    attributes = []
    for code in ACCESS_TERMS:
        value = getattr(service, code)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        attributes.append({
            "id": uuid.uuid5(service.id, code),
            "taxonomy_term_id": ACCESS_TERMS[code][0],
            "taxonomy_term": access_term_json(code),
            "link_type": "access_condition",
            "value": value,
        })
    return attributes


# -- directory records -----------------------------------------------------------------------------


def taxonomy_json(taxonomy: Taxonomy) -> dict:
    return _clean(_fields(taxonomy, ("id", "name", "description", "uri", "version")))


def taxonomy_term_json(term: TaxonomyTerm) -> dict:
    return _clean(_fields(term, ("id", "code", "name", "description", "parent_id", "taxonomy", "taxonomy_id",
                                 "language")))


def _attribute_json(attribute: Attribute) -> dict:
    return {
        "id": attribute.id,
        "taxonomy_term_id": attribute.taxonomy_term_id,
        "taxonomy_term": taxonomy_term_json(attribute.taxonomy_term),
        "link_type": attribute.link_type,
        "value": attribute.value,
    }


ORGANIZATION_FIELDS = ("id", "name", "alternate_name", "description", "email", "website", "legal_status")
SERVICE_FIELDS = ("id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
                  "interpretation_services", "application_process", "fees_description", "eligibility_description",
                  "minimum_age", "maximum_age", "alert", "last_modified")


def organization_list_json(organization: Organization) -> dict:
    return _clean(_fields(organization, ORGANIZATION_FIELDS))


def organization_json(organization: Organization, services: list[Service], full_service: bool = False) -> dict:
    """An organisation with its services, in the list shape or (`full_service`) fully nested."""
    shape = service_json if full_service else service_list_json
    return _clean({**_fields(organization, ORGANIZATION_FIELDS), "services": [shape(service) for service in services]})


def _service_scalars(service: Service) -> dict:
    return {**_fields(service, SERVICE_FIELDS), "assured_date": service.last_verified_on}


def service_list_json(service: Service) -> dict:
    """The list shape: the service's own fields and its organisation's, no arrays."""
    return _clean({**_service_scalars(service), "organization": _fields(service.organization, ORGANIZATION_FIELDS)})


def _address_json(address: Address) -> dict:
    return _fields(address, ("id", "location_id", "address_1", "address_2", "city", "region", "state_province",
                             "postal_code", "country", "address_type"))


def _accessibility_json(item: Accessibility) -> dict:
    return _fields(item, ("id", "location_id", "description", "details"))


def _location_json(location: Location, nested: bool) -> dict:
    fields = _fields(location, ("id", "location_type", "name", "description", "transportation", "latitude",
                                "longitude"))
    if nested:
        fields["addresses"] = [_address_json(a) for a in location.addresses]
        fields["accessibility"] = [_accessibility_json(a) for a in location.accessibility]
    return fields


def _phone_json(phone: Phone) -> dict:
    return _fields(phone, ("id", "service_id", "number", "extension", "type", "description"))


def _schedule_json(schedule: Schedule) -> dict:
    return _fields(schedule, ("id", "service_id", "freq", "byday", "opens_at", "closes_at", "description"))


def _area_json(area: ServiceArea) -> dict:
    return _fields(area, ("id", "service_id", "name", "description", "extent_type", "uri"))


def _language_json(language: Language) -> dict:
    return _fields(language, ("id", "service_id", "name", "code", "note"))


def _contact_json(contact: Contact) -> dict:
    return _fields(contact, ("id", "service_id", "name", "title", "department", "email"))


def cost_options(service: Service) -> list[dict]:
    """HSDS cost options from our `free` answer (the API and data packages both publish them)."""
    if service.free != Answer.YES:
        return []
    return [{"id": uuid.uuid5(service.id, "cost/free"), "service_id": service.id, "option": "Free of charge",
             "amount": 0, "currency": "GBP"}]


def service_json(service: Service) -> dict:
    """The fully nested service, as GET /services/{id} returns it."""
    return _clean({
        **_service_scalars(service),
        "organization": _fields(service.organization, ORGANIZATION_FIELDS),
        "phones": [_phone_json(p) for p in service.phones],
        "schedules": [_schedule_json(s) for s in service.schedules],
        "service_areas": [_area_json(a) for a in service.service_areas],
        "languages": [_language_json(language) for language in service.languages],
        "contacts": [_contact_json(c) for c in service.contacts],
        "cost_options": cost_options(service),
        "attributes": [_attribute_json(a) for a in service.attributes] + _access_attributes(service),
        "service_at_locations": [
            {"id": link.id, "service_id": service.id, "location_id": link.location_id, "description": link.description,
             "location": _location_json(link.location, nested=True)}
            for link in public_links(service)
        ],
    })


def service_at_location_list_json(link: ServiceAtLocation) -> dict:
    return _clean({"id": link.id, "description": link.description,
                   "location": _location_json(link.location, nested=False),
                   "service": _service_scalars(link.service)})


def service_at_location_json(link: ServiceAtLocation) -> dict:
    """One service at a place, fully nested, carrying its service's name and status at the top as well.

    Both 3.0 OpenAPI documents (HSDS's, and ORUK's that its validator reads) name the service schema for
    GET /service_at_locations/{id}, which requires name and status; HSDS corrected it to service_at_location
    (PR #574, January 2026), ORUK has not yet. With the two fields, which neither schema forbids, the
    document passes both readings.
    """
    return _clean({"id": link.id, "name": link.service.name, "status": link.service.status,
                   "description": link.description, "location": _location_json(link.location, nested=True),
                   "service": service_list_json(link.service)})
