"""Thin API views: parse parameters, ask the catalogue, shape as HSDS JSON.

Lists answer with or without a trailing slash: the earlier ORUK validator asks for /services/?page=1.
"""

from flask import current_app, request, url_for

from directory.exchange import catalogue
from directory.exchange.openreferral import (
    API_VERSION,
    PROFILE_URL,
    organization_json,
    organization_list_json,
    service_at_location_json,
    service_at_location_list_json,
    service_json,
    service_list_json,
)
from directory.listings.queries import parse_id, public_service
from directory.web.api import api
from directory.web.api import params as p
from directory.web.api.openapi import openapi_document
from directory.web.api.responses import error_response, json_response, ndjson_response, newest
from directory.web.context import get_indexer, get_session


@api.errorhandler(p.ParameterError)
def _bad_parameter(error: p.ParameterError):
    return error_response(400, f"{error.parameter}: {error.message}", error.parameter)


def _detail(raw_id: str, kind: str, find, to_json, modified=None):
    """One record by id as JSON, or a 404 JSON for an unknown, malformed or non-public id."""
    identifier = parse_id(raw_id)
    found = find(get_session(), identifier) if identifier else None
    if found is None:
        return error_response(404, f"No public {kind} has that id")
    return json_response(to_json(found), last_modified=modified(found) if modified else None)


def _service_filters(values: dict) -> catalogue.ServiceFilters:
    return catalogue.ServiceFilters(
        search=values["search"] or "", taxonomy_term_id=values["taxonomy_term_id"],
        taxonomy_id=values["taxonomy_id"], organization_id=values["organization_id"],
        modified_after=values["modified_after"], minimum_age=values["minimum_age"],
        maximum_age=values["maximum_age"], postcode=values["postcode"], proximity_metres=values["proximity"],
        opening=p.opening_window(values),
    )


def _listing(records: list, values: dict, shape=lambda record: record, modified=None, load=lambda batch: batch):
    """Every record as ndjson, or one page of them in the HSDS envelope; `load` fetches what the shape needs
    for just the records sent."""
    if values["format"] == "ndjson":
        return ndjson_response(shape(record) for record in load(records))
    page = catalogue.Page.of(records, values["page"], values["per_page"] or p.DEFAULT_PER_PAGE)
    items = load(page.items)
    return json_response(page.envelope([shape(record) for record in items]),
                         last_modified=newest([modified(r) for r in items]) if modified else None)


@api.get("/")
def root():
    response = json_response({"version": API_VERSION, "profile": PROFILE_URL,
                              "openapi_url": url_for("api.openapi", _external=True)})
    # The link is built from the request's host: a shared cache must not hand one host's answer to another.
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@api.get("/openapi.json")
def openapi():
    return json_response(openapi_document(current_app.config["API_TITLE"]))


def _service_shape(values: dict):
    if values.get("full"):
        return service_json
    if values.get("minimal"):
        return lambda s: {"id": str(s.id), "name": s.name, "status": s.status.value,
                          "last_modified": service_list_json(s)["last_modified"]}
    return service_list_json


@api.get("/services", strict_slashes=False)
def services():
    values = p.parse(request.args, p.SERVICES)
    session, indexer, shape = get_session(), get_indexer(), _service_shape(values)
    filters = _service_filters(values)
    nested = values["full"]
    if values["format"] == "ndjson":
        return ndjson_response(shape(s) for s in catalogue.services_in_batches(session, indexer, filters, nested))
    # HSDS: a minimal list should "aim to return all services within one call".
    per_page = values["per_page"] or (None if values["minimal"] and not nested else p.DEFAULT_PER_PAGE)
    page = catalogue.services_page(session, indexer, filters, values["page"], per_page, nested)
    return json_response(page.envelope([shape(s) for s in page.items]), last_modified=newest(page.items))


@api.get("/services/<service_id>")
def service(service_id: str):
    return _detail(service_id, "service", public_service, service_json, lambda found: found.last_modified)


@api.get("/service_at_locations", strict_slashes=False)
def service_at_locations():
    values = p.parse(request.args, p.SERVICE_AT_LOCATIONS)
    links = catalogue.public_links(get_session(), get_indexer(), _service_filters(values))
    shape = service_at_location_json if values["full"] else service_at_location_list_json
    return _listing(links, values, shape, modified=lambda link: link.service)


@api.get("/service_at_locations/<link_id>")
def service_at_location(link_id: str):
    return _detail(link_id, "service at location", catalogue.public_link, service_at_location_json,
                   lambda link: link.service.last_modified)


@api.get("/organizations", strict_slashes=False)
def organizations():
    values = p.parse(request.args, p.ORGANIZATIONS)
    session, full_service = get_session(), values["full_service"]
    found = catalogue.public_organizations(session, values["search"] or "")
    if not (values["full"] or full_service):
        return _listing(found, values, organization_list_json)
    return _listing(found, values, lambda pair: organization_json(*pair, full_service=full_service),
                    load=lambda batch: catalogue.public_services_of(session, batch, full_service))


@api.get("/organizations/<organization_id>")
def organization(organization_id: str):
    full_service = p.parse(request.args, p.ORGANIZATION)["full_service"]
    return _detail(organization_id, "organization",
                   lambda session, found_id: catalogue.public_organization(session, found_id, full_service),
                   lambda found: organization_json(*found, full_service=full_service), lambda found: newest(found[1]))


@api.get("/taxonomies", strict_slashes=False)
def taxonomies():
    values = p.parse(request.args, p.TAXONOMIES)
    return _listing(catalogue.taxonomy_list(get_session(), values["search"] or ""), values)


@api.get("/taxonomies/<taxonomy_id>")
def taxonomy(taxonomy_id: str):
    return _detail(taxonomy_id, "taxonomy", catalogue.find_taxonomy, lambda found: found)


@api.get("/taxonomy_terms", strict_slashes=False)
def taxonomy_terms():
    values = p.parse(request.args, p.TAXONOMY_TERMS)
    terms = catalogue.taxonomy_term_list(get_session(), values["search"] or "", values["taxonomy_id"],
                                         values["parent_id"], values["top_only"])
    return _listing(terms, values)


@api.get("/taxonomy_terms/<term_id>")
def taxonomy_term(term_id: str):
    return _detail(term_id, "taxonomy term", catalogue.find_taxonomy_term, lambda found: found)
