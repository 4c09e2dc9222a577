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
from directory.models import Schedule, Service, ServiceStatus, TaxonomyTerm
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
    [({"per_page": 0}, "per_page"), ({"page": "two"}, "page"),
     ({"page": 0}, "page"), ({"minimal": "maybe"}, "minimal"), ({"organization_id": "acme"}, "organization_id"),
     ({"modified_after": "last week"}, "modified_after"), ({"proximity": "far"}, "proximity"),
     ({"postcode": "BN1 1AA", "proximity": "nan"}, "proximity"), ({"proximity": "-NaN"}, "proximity"),
     ({"postcode": "BN1 1AA", "proximity": "inf"}, "proximity"), ({"proximity": "-infinity"}, "proximity"),
     ({"format": "xml"}, "format"), ({"minimum_age": -1}, "minimum_age"), ({"postcode": "Brighton"}, "postcode"),
     # Empty values: the document says enum, UUID, integer, pattern, so "" is no more "absent" than "xml" is.
     ({"format": ""}, "format"), ({"taxonomy_term_id": ""}, "taxonomy_term_id"), ({"taxonomy_id": ""}, "taxonomy_id"),
     ({"per_page": ""}, "per_page"), ({"minimal": ""}, "minimal"), ({"postcode": ""}, "postcode"),
     ({"day": "Funday"}, "day"), ({"day": "mo"}, "day"), ({"day": ""}, "day"), ({"start_time": "9am"}, "start_time"),
     ({"start_time": "25:00"}, "start_time"), ({"end_time": "12:60"}, "end_time"), ({"end_time": ""}, "end_time")],
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
    paths += ["/api/services?per_page=200&full=true", "/api/service_at_locations?per_page=200&full=true",
              "/api/organizations?per_page=200&full_service=true", "/api/organizations?format=ndjson&full_service=true"]
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


@pytest.mark.parametrize("path", LISTS)
def test_more_per_page_than_the_most_we_serve_is_served_at_the_most_and_the_envelope_says_so(sample_client, path):
    """DfE Family Hubs' tester always asks for 500 a page."""
    response = get(sample_client, path, per_page=500)
    assert response.status_code == 200
    assert response.json["per_page"] == 200
    assert response.json["size"] == min(200, response.json["total_items"])
    assert get(sample_client, path, per_page=7).json["per_page"] == 7


def test_a_minimal_list_is_every_service_on_one_page_unless_a_page_size_is_asked_for(sample_client, sample):
    """HSDS: with minimal, "aim to return all services within one call"."""
    everything = get(sample_client, "/api/services", minimal="true").json
    assert len(sample["active"]) > 50, "the premise: more services than the default page holds"
    assert {item["id"] for item in everything["contents"]} == sample["active"]
    assert (everything["total_pages"], everything["last_page"]) == (1, True)
    paged = get(sample_client, "/api/services", minimal="true", per_page=10).json
    assert (paged["size"], paged["total_pages"]) == (10, -(-len(sample["active"]) // 10))


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


def test_full_organizations_nest_their_services_and_full_service_nests_each_service_fully(sample_client):
    listed = get(sample_client, "/api/organizations", per_page=5).json["contents"]
    assert all("services" not in item for item in listed)
    full = get(sample_client, "/api/organizations", per_page=5, full="true").json
    full_service = get(sample_client, "/api/organizations", per_page=5, full_service="true").json
    for page in (full, full_service):
        assert [item["id"] for item in page["contents"]] == [item["id"] for item in listed]
        for item in page["contents"]:
            assert_valid(item, "organization.json")
    assert all("attributes" not in s for item in full["contents"] for s in item["services"])
    assert all("attributes" in s for item in full_service["contents"] for s in item["services"])
    one = listed[0]["id"]
    assert "attributes" not in get(sample_client, f"/api/organizations/{one}").json["services"][0]
    detail = get(sample_client, f"/api/organizations/{one}", full_service="true").json
    assert "attributes" in detail["services"][0]
    assert_valid(detail, "organization.json")


def open_when(session, name: str, *hours: tuple[str, str, str], **fields):
    service = make_service(session, name, **fields)
    for days, opens_at, closes_at in hours:
        session.add(Schedule(service_id=service.id, freq="WEEKLY", byday=days, opens_at=opens_at, closes_at=closes_at))
    return service


@pytest.mark.parametrize(("query", "expected"), [
    ({"day": "MO"}, {"Office", "Always"}),
    ({"day": "Monday", "start_time": "18:00", "end_time": "20:00"}, {"Always"}),
    ({"day": "FR", "start_time": "23:00", "end_time": "01:00"}, {"Friday nights", "Always"}),
    ({"day": "SA"}, {"Friday nights", "Always"}),  # Friday night runs on to 02:00 on Saturday
    ({"start_time": "10:00"}, {"Office", "Always"}),
    ({"start_time": "10:00", "end_time": "17:00"}, {"Office", "Always"}),
    ({"start_time": "10:00:00", "end_time": "17:30"}, {"Always"}),
    ({"end_time": "24:00", "day": "SU"}, {"Always"}),
    ({}, {"Office", "Friday nights", "Always", "Hours not recorded"}),
])
def test_day_start_time_and_end_time_find_services_open_then(client, session, query, expected):
    open_when(session, "Office", ("MO,TU,WE,TH,FR", "09:00", "17:00"), address=("1 High Street", "Lewes", "BN7 1AA"))
    open_when(session, "Friday nights", ("FR", "20:00", "02:00"))
    open_when(session, "Always", ("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"))
    make_service(session, "Hours not recorded")
    session.commit()
    found = get(client, "/api/services", **query).json["contents"]
    assert {item["name"] for item in found} == expected
    places = get(client, "/api/service_at_locations", **query).json["contents"]
    assert {item["service"]["name"] for item in places} == expected & {"Office"}  # the one with a place
