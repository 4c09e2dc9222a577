"""The Open Referral UK validators' rules, replayed against /api/ on the sample directory.

Two validators are in use. The current one (OpenReferralUK/oruk-validator) reads the OpenAPI document
that `version` names, pages through every list (first, middle and last page), collects ids from the
first page and fetches up to ten of them at random, checking each answer against the schema the
document gives for that path. The earlier one (tpximpact/OpenReferralApi, still what the ORUK website
posted to in January 2026) pages with per_page=5, checks the envelope's flags and counts on the
first, some random and the last page, and collects ids from `/services/?page=1`, trailing slash and all.
"""

import random

import pytest

from tests.web.api.test_api import assert_valid, get

# Path: (schema of a list item, schemas of the record by id). Both readings of /service_at_locations/{id}:
# ORUK's document (and HSDS 3.0's before PR #574) name the service schema, HSDS now service_at_location.
COLLECTIONS = {
    "/services": ("service_list.json", ("service.json",)),
    "/service_at_locations": ("service_at_location_list.json", ("service.json", "service_at_location.json")),
    "/organizations": ("organization_list.json", ("organization.json",)),
    "/taxonomies": ("taxonomy.json", ("taxonomy.json",)),
    "/taxonomy_terms": ("taxonomy_term.json", ("taxonomy_term.json",)),
}
LEGACY_PER_PAGE = 5


def test_the_version_leads_the_validator_to_the_oruk_3_0_document(sample_client):
    """It strips "HSDS-UK-" and any "v" and reads a number: 3.0 means ORUK's 3.0 OpenAPI document."""
    version = get(sample_client, "/api/").json["version"]
    assert float(version.removeprefix("HSDS-UK-").replace("v", "").replace("V", "")) == 3.0


def pages_the_validator_fetches(client, path: str) -> list[dict]:
    """Page 1 (which must not be empty), then the middle page when there are more than two, and the last."""
    first = get(client, f"/api{path}", page=1)
    assert first.status_code == 200
    assert first.json["contents"], "page 1 is empty: the validator warns of an empty feed"
    total = first.json["total_pages"]
    numbers = ([total // 2] if total > 2 else []) + ([total] if total > 1 else [])
    return [first.json] + [get(client, f"/api{path}", page=number).json for number in numbers]


@pytest.mark.parametrize("path", COLLECTIONS)
def test_first_middle_and_last_pages_match_the_schema(sample_client, path):
    item_schema, _ = COLLECTIONS[path]
    pages = pages_the_validator_fetches(sample_client, path)
    for page in pages:
        assert_valid(page, "page.json")
        for item in page["contents"]:
            assert_valid(item, item_schema)
    if path == "/services":
        assert len(pages) >= 2, "the premise: the sample has more than one page of services at the default size"


@pytest.mark.parametrize("path", COLLECTIONS)
def test_ten_random_ids_from_the_first_page_resolve_and_match_the_schema(sample_client, path):
    _, detail_schemas = COLLECTIONS[path]
    ids = [item["id"] for item in get(sample_client, f"/api{path}", page=1).json["contents"]]
    chosen = ids if len(ids) <= 10 else random.Random(path).sample(ids, 10)
    for record_id in chosen:
        response = get(sample_client, f"/api{path}/{record_id}")
        assert response.status_code == 200, record_id
        for schema in detail_schemas:
            assert_valid(response.json, schema)


def test_a_service_at_a_place_carries_its_service_name_and_status_at_the_top(sample_client):
    link = get(sample_client, "/api/service_at_locations", per_page=1).json["contents"][0]
    detail = get(sample_client, f"/api/service_at_locations/{link['id']}").json
    assert (detail["name"], detail["status"]) == (detail["service"]["name"], detail["service"]["status"])


def legacy_page_problems(page: dict, number: int, total_pages: int) -> list[str]:
    """The earlier validator's five checks on one page fetched with per_page=5."""
    count = len(page["contents"])
    problems = []
    if page["first_page"] != (number == 1):
        problems.append(f"first_page is {page['first_page']} on page {number}")
    if page["last_page"] != (number == total_pages):
        problems.append(f"last_page is {page['last_page']} on page {number} of {total_pages}")
    if page["empty"] != (count == 0):
        problems.append(f"empty is {page['empty']} with {count} items")
    if not (count == LEGACY_PER_PAGE or (count < LEGACY_PER_PAGE and page["last_page"])):
        problems.append(f"{count} items when {LEGACY_PER_PAGE} were asked for")
    if page["size"] != count:
        problems.append(f"size is {page['size']} with {count} items")
    return problems


@pytest.mark.parametrize("path", COLLECTIONS)
def test_paging_passes_the_earlier_validators_checks(sample_client, path):
    def fetch(number):
        return get(sample_client, f"/api{path}", per_page=LEGACY_PER_PAGE, page=number).json

    first = fetch(1)
    total = first["total_pages"]
    numbers = [1, total]
    if total > 2:
        numbers += random.Random(path).sample(range(2, total), min(3, total - 2))
    for number in numbers:
        assert legacy_page_problems(fetch(number), number, total) == [], (path, number)


@pytest.mark.parametrize("path", COLLECTIONS)
def test_lists_answer_with_a_trailing_slash_as_the_earlier_validator_asks(sample_client, path):
    with_slash = get(sample_client, f"/api{path}/?page=1")
    assert with_slash.status_code == 200
    assert with_slash.json == get(sample_client, f"/api{path}?page=1").json
    assert with_slash.json["contents"], "the validator needs ids from it"


def test_the_earlier_validators_service_by_id_test_finds_ids_and_resolves_them(sample_client):
    ids = [item["id"] for item in get(sample_client, "/api/services/?page=1").json["contents"]]
    response = get(sample_client, f"/api/services/{random.Random(0).choice(ids)}")
    assert response.status_code == 200
    assert_valid(response.json, "service.json")
