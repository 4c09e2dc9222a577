"""The Open Referral UK read API, as a consumer (or the ORUK validator) uses it, mostly on the sample data."""

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from sqlmodel import Session, select

from directory.exchange.openreferral import ACCESS_TAXONOMY_ID, ACCESS_TERMS
from directory.listings.editing import queue_reindex
from directory.models import Service, ServiceStatus, TaxonomyTerm
from tests.factories import make_service

SCHEMAS = Path(__file__).resolve().parent / "schemas"
LISTS = ["/api/services", "/api/service_at_locations", "/api/organizations", "/api/taxonomies",
         "/api/taxonomy_terms"]


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(instance, schema_name: str) -> None:
    errors = sorted(validator(schema_name).iter_errors(instance), key=lambda e: e.path)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def get(client, path, headers=None, **query):
    response = client.get(path, query_string=query or None, headers=headers)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response


@pytest.fixture(scope="module")
def sample(sample_app):
    with Session(sample_app.extensions["database"]) as session:
        services = session.exec(select(Service)).all()
        confidential = [s for s in services if s.confidential_location]
        hidden = {"postcodes": set(), "streets": set(), "coordinates": set()}
        for service in confidential:
            for link in service.service_at_locations:
                hidden["coordinates"].add(str(link.location.latitude))
                for address in link.location.addresses:
                    hidden["postcodes"].add(address.postal_code)
                    hidden["streets"].add(address.address_1)
        return {
            "active": {str(s.id) for s in services if s.status == ServiceStatus.ACTIVE},
            "inactive": {str(s.id) for s in services if s.status != ServiceStatus.ACTIVE},
            "confidential": {str(s.id) for s in confidential},
            "hidden": hidden,
            "term": session.exec(select(TaxonomyTerm).where(TaxonomyTerm.code == "modern-slavery")).one(),
            "aged": {str(s.id): (s.minimum_age, s.maximum_age) for s in services},
        }


def test_root_names_the_version_profile_and_our_openapi_document(sample_client):
    body = get(sample_client, "/api/").json
    assert_valid(body, "api_root.json")
    assert body["version"] == "HSDS-UK-3.0"
    assert body["openapi_url"].endswith("/api/openapi.json")


def test_the_openapi_document_is_valid_openapi_3(sample_client):
    document = get(sample_client, "/api/openapi.json").json
    validate_openapi(document)
    assert document["openapi"].startswith("3.1")
    assert "immigration_status" in document["components"]["schemas"]["Attribute"]["description"]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_has_the_hsds_envelope(sample_client, path):
    body = get(sample_client, path, per_page=3).json
    assert_valid(body, "page.json")
    assert (body["page_number"], body["size"], body["first_page"], body["empty"]) == (1, 3, True, False)


def test_paging_arithmetic_at_the_edges(sample_client, sample):
    total = len(sample["active"])
    pages = -(-total // 10)
    last = get(sample_client, "/api/services", per_page=10, page=pages).json
    assert (last["total_items"], last["total_pages"], last["last_page"]) == (total, pages, True)
    assert last["size"] == total - 10 * (pages - 1)
    beyond = get(sample_client, "/api/services", per_page=10, page=pages + 1).json
    assert (beyond["empty"], beyond["size"], beyond["contents"]) == (True, 0, [])
    everything = get(sample_client, "/api/services", per_page=200).json
    assert everything["total_pages"] == 1 and everything["last_page"]
    assert get(sample_client, "/api/services").json["size"] == 50


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"per_page": 201}, "per_page"), ({"per_page": 0}, "per_page"), ({"page": "two"}, "page"),
     ({"page": 0}, "page"), ({"minimal": "maybe"}, "minimal"), ({"organization_id": "acme"}, "organization_id"),
     ({"modified_after": "last week"}, "modified_after"), ({"proximity": "far"}, "proximity"),
     ({"postcode": "BN1 1AA", "proximity": "nan"}, "proximity"), ({"proximity": "-NaN"}, "proximity"),
     ({"postcode": "BN1 1AA", "proximity": "inf"}, "proximity"), ({"proximity": "-infinity"}, "proximity"),
     ({"format": "xml"}, "format"), ({"minimum_age": -1}, "minimum_age"), ({"postcode": "Brighton"}, "postcode")],
)
def test_bad_parameters_get_a_400_naming_them(sample_client, query, parameter):
    response = get(sample_client, "/api/services", **query)
    assert response.status_code == 400
    assert response.json["parameter"] == parameter and parameter in response.json["error"]


def test_only_active_services_are_listed_and_every_listed_id_resolves(sample_client, sample):
    listed = get(sample_client, "/api/services", per_page=200).json["contents"]
    assert {item["id"] for item in listed} == sample["active"]
    for item in listed:
        assert_valid(item, "service_list.json")
        detail = get(sample_client, f"/api/services/{item['id']}")
        assert detail.status_code == 200
        assert_valid(detail.json, "service.json")


@pytest.mark.parametrize("path", ["/api/services/{}", "/api/services/not-a-uuid"])
def test_unknown_or_non_public_services_are_404_json(sample_client, sample, path):
    assert len(sample["inactive"]) >= 2, "the premise: the sample has services that are not public"
    for service_id in sorted(sample["inactive"])[:2]:
        response = get(sample_client, path.format(service_id))
        assert response.status_code == 404 and response.json["status"] == 404


def test_detail_endpoints_of_other_records_resolve_and_validate(sample_client):
    for path, schema in (("/api/organizations", "organization.json"), ("/api/taxonomies", "taxonomy.json"),
                         ("/api/taxonomy_terms", "taxonomy_term.json"),
                         ("/api/service_at_locations", "service_at_location.json")):
        items = get(sample_client, path, per_page=200).json["contents"]
        list_schema = schema.replace(".json", "_list.json") if (SCHEMAS / schema.replace(".json", "_list.json")).exists() else schema
        for item in items[:15]:
            assert_valid(item, list_schema)
            detail = get(sample_client, f"{path}/{item['id']}")
            assert detail.status_code == 200, item["id"]
            assert_valid(detail.json, schema)


def test_our_access_conditions_are_attributes_under_our_published_taxonomy(sample_client, sample):
    service_id = sorted(sample["active"])[0]
    attributes = get(sample_client, f"/api/services/{service_id}").json["attributes"]
    access = {a["taxonomy_term"]["code"]: a["value"] for a in attributes if a.get("link_type") == "access_condition"}
    assert access["immigration_status"] in {"open_to_all", "restrictions", "unknown"}
    assert access["nrpf_support"] in {"yes", "no", "unknown"}
    assert {"police_independent", "withheld_number_calls", "confidential_location"} <= set(access)
    assert get(sample_client, f"/api/taxonomies/{ACCESS_TAXONOMY_ID}").status_code == 200
    term_id = ACCESS_TERMS["nrpf_support"][0]
    assert get(sample_client, f"/api/taxonomy_terms/{term_id}").json["code"] == "nrpf_support"


def test_null_and_empty_fields_are_left_out(sample_client):
    text = get(sample_client, "/api/services", per_page=200, full="true").get_data(as_text=True)
    assert "null" not in text and '""' not in text and "[]" not in text


def test_confidential_places_never_appear_in_any_endpoint_or_format(sample_client, sample):
    hidden = sample["hidden"]
    assert hidden["postcodes"] and hidden["streets"]
    paths = [f"{path}?per_page=200" for path in LISTS] + [f"{path}?format=ndjson" for path in LISTS]
    paths += ["/api/services?per_page=200&full=true", "/api/service_at_locations?per_page=200&full=true"]
    paths += [f"/api/services/{service_id}" for service_id in sample["confidential"]]
    for path in paths:
        text = get(sample_client, path).get_data(as_text=True)
        for secret in hidden["postcodes"] | hidden["streets"] | hidden["coordinates"]:
            assert secret not in text, (path, secret)
    for service_id in sample["confidential"]:
        assert "service_at_locations" not in get(sample_client, f"/api/services/{service_id}").json


def test_filters_alone_and_combined(sample_client, sample):
    def ids(**query):
        return {item["id"] for item in get(sample_client, "/api/services", per_page=200, **query).json["contents"]}

    term = sample["term"]
    slavery = ids(taxonomy_term_id=str(term.id))
    assert slavery and slavery < sample["active"]
    assert ids(taxonomy_id=str(term.taxonomy_id)) == sample["active"]
    assert ids(taxonomy_id=str(ACCESS_TAXONOMY_ID)) == sample["active"]
    trafficking = ids(search="trafficking")
    assert trafficking and ids(search="trafficking", taxonomy_term_id=str(term.id)) == trafficking & slavery
    organization = get(sample_client, "/api/services", per_page=1).json["contents"][0]["organization"]["id"]
    theirs = ids(organization_id=organization)
    assert theirs and ids(organization_id=organization, search="trafficking") == theirs & trafficking
    assert ids(modified_after="2999-01-01T00:00:00Z") == set()
    assert ids(modified_after="2000-01-01T00:00:00Z") == sample["active"]
    adults = ids(minimum_age=30, maximum_age=30)
    assert all((low or 0) <= 30 <= (high or 200) for low, high in (sample["aged"][i] for i in adults))
    assert ids(maximum_age=10) < sample["active"]


def test_minimal_and_full_shapes(sample_client):
    minimal = get(sample_client, "/api/services", minimal="true", per_page=5).json["contents"][0]
    assert set(minimal) == {"id", "name", "status", "last_modified"}
    full = get(sample_client, "/api/services", full="true", per_page=5).json["contents"][0]
    assert "phones" in full and "attributes" in full
    assert_valid(full, "service.json")


def test_postcode_and_proximity_give_what_the_web_page_gives(sample_client):
    api = [item["name"] for item in get(sample_client, "/api/services", search="refuge", postcode="RH10 1AA",
                                        proximity=16093, per_page=200).json["contents"]]
    html = sample_client.get("/search", query_string={"q": "refuge", "where": "RH10 1AA", "radius": "10",
                                                      "per_page": 200}).get_data(as_text=True)
    assert api and all(name.replace("&", "&amp;").replace("'", "&#39;") in html for name in api)
    near = get(sample_client, "/api/service_at_locations", postcode="BN1 1AA", proximity=5000, per_page=200).json
    assert near["total_items"] > 0


def test_a_postcode_nobody_can_place_finds_nothing(sample_client):
    assert get(sample_client, "/api/services", postcode="ZZ99 9ZZ").json["empty"] is True


def test_a_postcode_alone_is_a_coverage_check(sample_client, sample):
    covering = get(sample_client, "/api/services", postcode="RH10 1AA", per_page=200).json["contents"]
    assert covering and len(covering) < len(sample["active"])


def test_ndjson_streams_every_match_unpaged(sample_client, sample):
    response = get(sample_client, "/api/services", format="ndjson", per_page=1)
    assert response.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert {record["id"] for record in records} == sample["active"]


@pytest.mark.parametrize("path", ["/api/services?per_page=5", "/api/organizations", "/api/services/{service}"])
def test_conditional_get_answers_304_when_nothing_changed(sample_client, sample, path):
    path = path.format(service=sorted(sample["active"])[0])
    first = get(sample_client, path)
    assert first.headers["ETag"]
    assert get(sample_client, path, headers={}).status_code == 200
    again = sample_client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    if "Last-Modified" in first.headers:
        assert sample_client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304


def test_the_api_is_read_only(sample_client):
    assert sample_client.post("/api/services").status_code == 405
    assert sample_client.delete("/api/services").status_code == 405


def found_by_api(client, words: str) -> list[str]:
    response = get(client, "/api/services", search=words)
    assert response.status_code == 200
    return [item["id"] for item in response.json["contents"]]


def delete_index(app) -> None:
    """Delete the index folder under the running app, its searcher still open (as an operator might)."""
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])


def test_api_search_rebuilds_a_deleted_index(app, client, session, reindex):
    service = make_service(session, "Advice line")
    reindex()
    assert found_by_api(client, "advice") == [str(service.id)]  # a searcher is open now
    delete_index(app)
    assert found_by_api(client, "advice") == [str(service.id)]
    delete_index(app)
    response = client.get("/search", query_string={"q": "advice"})
    assert response.status_code == 200 and "1 service found" in response.get_data(as_text=True)


def test_api_search_applies_queued_index_updates(session, client, reindex):
    service = make_service(session, "Advice line")
    reindex()
    service.name = "Befriending line"
    service.last_modified = datetime.now(timezone.utc) + timedelta(seconds=5)
    queue_reindex(session, service.id)
    session.commit()  # queued as an edit leaves it, but not yet drained into the index
    assert found_by_api(client, "befriending") == [str(service.id)]
    assert found_by_api(client, "advice") == []
