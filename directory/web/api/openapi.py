"""Our OpenAPI 3.1 document, built from the same parameter declarations the views parse with.

Response schemas describe the shapes we publish (HSDS 3.0's, with empty fields left out);
the tests also validate responses against HSDS's own compiled schemas.
"""

from directory.exchange.openreferral import ACCESS_TAXONOMY_NAME, ACCESS_TERMS, API_VERSION
from directory.web.api import params as p

UUID = {"type": "string", "format": "uuid"}
TEXT = {"type": "string"}
DATE = {"type": "string", "format": "date"}


def _object(required: tuple[str, ...], properties: dict) -> dict:
    return {"type": "object", "required": list(required), "properties": properties}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


def _schemas() -> dict:
    organization = _object(("id", "name", "description"), {
        "id": UUID, "name": TEXT, "alternate_name": TEXT, "description": TEXT,
        "email": {"type": "string", "format": "email"}, "website": {"type": "string", "format": "uri"},
        "legal_status": TEXT,
    })
    service_scalars = {
        "id": UUID, "organization_id": UUID, "name": TEXT, "alternate_name": TEXT, "description": TEXT,
        "url": {"type": "string", "format": "uri"}, "email": {"type": "string", "format": "email"},
        "status": {"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]},
        "interpretation_services": TEXT, "application_process": TEXT, "fees_description": TEXT,
        "eligibility_description": TEXT, "minimum_age": {"type": "number"}, "maximum_age": {"type": "number"},
        "assured_date": DATE, "alert": TEXT, "last_modified": {"type": "string", "format": "date-time"},
    }
    location = _object(("id", "location_type"), {
        "id": UUID, "location_type": {"type": "string", "enum": ["physical", "postal", "virtual"]}, "name": TEXT,
        "description": TEXT, "transportation": TEXT, "latitude": {"type": "number"},
        "longitude": {"type": "number"}, "addresses": _array("Address"), "accessibility": _array("Accessibility"),
    })
    taxonomy_term = _object(("id", "name", "description"), {
        "id": UUID, "code": TEXT, "name": TEXT, "description": TEXT, "parent_id": UUID, "taxonomy": TEXT,
        "taxonomy_id": UUID, "language": TEXT,
    })
    return {
        "ApiRoot": _object(("version", "profile", "openapi_url"), {
            "version": {"type": "string", "const": API_VERSION}, "profile": {"type": "string", "format": "uri"},
            "openapi_url": {"type": "string", "format": "uri"}}),
        "Error": _object(("error", "status"), {"error": TEXT, "status": {"type": "integer"},
                                               "parameter": TEXT}),
        "Organization": organization,
        "OrganizationWithServices": {**organization, "properties": {
            **organization["properties"],
            "services": {"type": "array", "items": {"anyOf": [_ref("ServiceListItem"), _ref("Service")]}}}},
        "ServiceListItem": _object(("id", "name", "status"), {**service_scalars, "organization": _ref("Organization")}),
        "Service": _object(("id", "name", "status"), {
            **service_scalars, "organization": _ref("Organization"),
            "phones": _array("Phone"), "schedules": _array("Schedule"), "service_areas": _array("ServiceArea"),
            "languages": _array("Language"), "contacts": _array("Contact"), "cost_options": _array("CostOption"),
            "attributes": _array("Attribute"),
            "service_at_locations": {"type": "array", "items": _object(("id",), {
                "id": UUID, "service_id": UUID, "location_id": UUID, "description": TEXT,
                "location": _ref("Location")})},
        }),
        "Location": location,
        "Address": _object(("id", "address_1", "city", "state_province", "postal_code", "country",
                            "address_type"), {
            "id": UUID, "location_id": UUID, "address_1": TEXT, "address_2": TEXT, "city": TEXT, "region": TEXT,
            "state_province": TEXT, "postal_code": TEXT, "country": TEXT,
            "address_type": {"type": "string", "enum": ["physical", "postal", "virtual"]}}),
        "Accessibility": _object(("id",), {"id": UUID, "location_id": UUID, "description": TEXT, "details": TEXT}),
        "Phone": _object(("id", "number"), {"id": UUID, "service_id": UUID, "number": TEXT,
                                            "extension": {"type": "number"}, "type": TEXT, "description": TEXT}),
        "Schedule": _object(("id",), {"id": UUID, "service_id": UUID,
                                      "freq": {"type": "string", "enum": ["WEEKLY", "MONTHLY"]}, "byday": TEXT,
                                      "opens_at": TEXT, "closes_at": TEXT, "description": TEXT}),
        "ServiceArea": _object(("id",), {"id": UUID, "service_id": UUID, "name": TEXT, "description": TEXT,
                                         "extent_type": TEXT, "uri": TEXT}),
        "Language": _object(("id",), {"id": UUID, "service_id": UUID, "name": TEXT, "code": TEXT, "note": TEXT}),
        "Contact": _object(("id",), {"id": UUID, "service_id": UUID, "name": TEXT, "title": TEXT,
                                     "department": TEXT, "email": {"type": "string", "format": "email"}}),
        "CostOption": _object(("id",), {"id": UUID, "service_id": UUID, "option": TEXT,
                                        "amount": {"type": "number"}, "currency": TEXT}),
        "Attribute": {
            **_object(("id",), {"id": UUID, "taxonomy_term_id": UUID, "taxonomy_term": _ref("TaxonomyTerm"),
                                "link_type": TEXT, "value": TEXT}),
            "description": (
                "A taxonomy term attached to the service. Needs, audiences and ways of getting help use link_type "
                f"need, audience and delivery. Access conditions HSDS has no field for are published under the "
                f"taxonomy \"{ACCESS_TAXONOMY_NAME}\" with link_type access_condition: "
                + "; ".join(f"{code} ({name}: {description})" for code, (_, name, description) in ACCESS_TERMS.items())
            ),
        },
        "Taxonomy": _object(("id", "name", "description"), {"id": UUID, "name": TEXT, "description": TEXT,
                                                            "uri": {"type": "string", "format": "uri"},
                                                            "version": TEXT}),
        "TaxonomyTerm": taxonomy_term,
        "ServiceAtLocationListItem": _object(("id",), {"id": UUID, "description": TEXT, "location": _ref("Location"),
                                                       "service": _ref("ServiceListItem")}),
        # name and status repeat the service's: see openreferral.service_at_location_json for why.
        "ServiceAtLocation": _object(("id", "name", "status"), {
            "id": UUID, "name": TEXT, "status": service_scalars["status"], "description": TEXT,
            "location": _ref("Location"), "service": _ref("ServiceListItem")}),
    }


def _page(item: dict) -> dict:
    return _object(("total_items", "total_pages", "page_number", "size", "per_page", "first_page", "last_page",
                    "empty", "contents"), {
        "total_items": {"type": "integer", "minimum": 0}, "total_pages": {"type": "integer", "minimum": 1},
        "page_number": {"type": "integer", "minimum": 1}, "size": {"type": "integer", "minimum": 0},
        "per_page": {"type": "integer", "minimum": 1, "description": "The page size used (see per_page)"},
        "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"}, "empty": {"type": "boolean"},
        "contents": {"type": "array", "items": item}})


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {"400": _json(_ref("Error"), "A parameter could not be used; the error names it"),
          "404": _json(_ref("Error"), "No public record has that id")}


def _parameters(declared: tuple[p.Parameter, ...]) -> list[dict]:
    return [{"name": parameter.name, "in": "query", "required": False, "description": parameter.description,
             "schema": parameter.schema()} for parameter in declared]


def _list(operation_id: str, summary: str, declared: tuple, item: dict) -> dict:
    return {"get": {"operationId": operation_id, "summary": summary, "parameters": _parameters(declared),
                    "responses": {"200": {"description": "One page in the HSDS envelope, or every match as ndjson",
                                          "content": {"application/json": {"schema": _page(item)},
                                                      "application/x-ndjson": {"schema": {"type": "string"}}}},
                                  "400": ERRORS["400"]}}}


def _one(operation_id: str, summary: str, schema: dict, declared: tuple[p.Parameter, ...] = ()) -> dict:
    return {"get": {"operationId": operation_id, "summary": summary,
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": UUID},
                                   *_parameters(declared)],
                    "responses": {"200": _json(schema), "404": ERRORS["404"], **({"400": ERRORS["400"]} if declared
                                                                                 else {})}}}


def openapi_document(title: str) -> dict:
    service_items = {"anyOf": [_ref("ServiceListItem"), _ref("Service")]}
    link_items = {"anyOf": [_ref("ServiceAtLocationListItem"), _ref("ServiceAtLocation")]}
    organization_items = {"anyOf": [_ref("Organization"), _ref("OrganizationWithServices")]}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": API_VERSION,
            "description": (
                "Open Referral UK (HSDS 3.0) read API for Sussex victim-support services. Read-only, anonymous, "
                "JSON over GET. Only active services are published. Confidential locations (such as refuges) are "
                "published without any location: only their service areas and public contact routes. Empty fields "
                "are left out, never null. Filters combine with AND. Lists answer with or without a trailing "
                "slash. Any origin may read it from a browser (CORS, without credentials); ETag and "
                "Last-Modified are exposed for conditional requests."
            ),
            "license": {"name": "CC BY-SA 4.0", "identifier": "CC-BY-SA-4.0"},
        },
        "servers": [{"url": "/api"}],
        "paths": {
            "/": {"get": {"operationId": "getAPIMetaInformation", "summary": "Version, profile and this document",
                          "responses": {"200": _json(_ref("ApiRoot"))}}},
            "/services": _list("getPaginatedListOfServices", "Active services", p.SERVICES, service_items),
            "/services/{id}": _one("getFullyNestedServiceById", "One service, fully nested", _ref("Service")),
            "/service_at_locations": _list("getPaginatedListOfServiceAtLocation", "Services at their public places",
                                           p.SERVICE_AT_LOCATIONS, link_items),
            "/service_at_locations/{id}": _one("getServiceAtLocationWithNestedDataById", "One service at a place",
                                               _ref("ServiceAtLocation")),
            "/organizations": _list("getPaginatedListOfOrganizations", "Organizations with active services",
                                    p.ORGANIZATIONS, organization_items),
            "/organizations/{id}": _one("getOrganizationById", "One organization and its services",
                                        _ref("OrganizationWithServices"), p.ORGANIZATION),
            "/taxonomies": _list("getPaginatedListOfTaxonomies", "Taxonomies", p.TAXONOMIES, _ref("Taxonomy")),
            "/taxonomies/{id}": _one("getTaxonomyById", "One taxonomy", _ref("Taxonomy")),
            "/taxonomy_terms": _list("getPaginatedListOfTaxonomyTerms", "Taxonomy terms", p.TAXONOMY_TERMS,
                                     _ref("TaxonomyTerm")),
            "/taxonomy_terms/{id}": _one("getTaxonomyTermById", "One taxonomy term", _ref("TaxonomyTerm")),
        },
        "components": {"schemas": _schemas()},
    }
