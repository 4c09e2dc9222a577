"""Schemathesis drives the API in-process from two documents: our own (no 500s, every response as it
promises, and every request it calls invalid refused) and the official HSDS 3.0 one, whose responses
with real ids must match HSDS's own schemas.

(schemathesis's pytest plugin does not yet run under pytest 9, so each operation's hypothesis
strategy is driven here directly.)
"""

import json
import re
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

PATHS = ["/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
         "/organizations", "/organizations/{id}", "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms",
         "/taxonomy_terms/{id}"]
SCHEMAS = Path(__file__).resolve().parent / "schemas"
OFFICIAL_REF = re.compile(r"https://raw\.githubusercontent\.com/openreferral/specification/3\.0/schema/"
                          r"(?:compiled/)?(\w+\.json)")
# In-process, schemathesis offers requests' `Accept-Encoding: gzip` but never unpacks the answer;
# compression has its own tests (tests/web/test_static_assets.py).
IDENTITY = {"Accept-Encoding": "identity"}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                    derandomize=True)


@pytest.fixture(scope="module")
def api_schema(sample_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", sample_app)


def test_the_document_lists_exactly_these_operations(api_schema):
    assert sorted(op.ok().path for op in api_schema.get_all_operations()) == sorted(PATHS)


@pytest.mark.parametrize("path", PATHS)
def test_every_operation_answers_as_documented(api_schema, path):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @SETTINGS
    def answers_as_documented(case):
        case.call_and_validate(headers=IDENTITY)

    answers_as_documented()


@pytest.mark.parametrize("path", [path for path in PATHS if path != "/"])
def test_every_request_the_document_calls_invalid_is_refused(api_schema, path):
    """Empty values included: `?format=` or `?taxonomy_term_id=` is no more valid than `?format=xml`."""
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    @SETTINGS
    def is_refused(case):
        case.call_and_validate(headers=IDENTITY, checks=[not_a_server_error, negative_data_rejection])

    is_refused()


def _bundled(node):
    """The official document with each of its links to HSDS's schemas replaced by our vendored copy."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and (found := OFFICIAL_REF.fullmatch(node["$ref"])):
            return json.loads((SCHEMAS / found.group(1)).read_text())
        return {key: _bundled(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_bundled(item) for item in node]
    return node


@pytest.fixture(scope="module")
def official_schema(sample_app):
    document = _bundled(json.loads((SCHEMAS / "hsds_openapi.json").read_text()))
    assert '"$ref": "http' not in json.dumps(document)
    document["servers"] = [{"url": "/api"}]  # the official document leaves the base path to each publisher
    schema = schemathesis.openapi.from_dict(document)
    schema.app = sample_app
    return schema


@pytest.fixture(scope="module")
def published_ids(sample_app):
    """Every id each list publishes, as the ORUK validator collects them for the {id} endpoints."""
    client = sample_app.test_client()
    return {path: [item["id"] for item in client.get(f"/api{path}", query_string={"per_page": 200}).json["contents"]]
            for path in ("/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms")}


# The official document declares only 200 answers and leaves every parameter unbounded (page=0, format=csv,
# any string as an id): our 400s and 404s for those are in our own document, fuzzed above with every check.
OFFICIAL_CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.mark.parametrize("path", [path for path in PATHS if "{id}" not in path])
def test_lists_answer_as_the_official_hsds_document_says(official_schema, path):
    operation = official_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @SETTINGS
    def answers_as_hsds_says(case):
        case.call_and_validate(headers=IDENTITY, checks=OFFICIAL_CHECKS)

    answers_as_hsds_says()


@pytest.mark.parametrize("path", [path for path in PATHS if "{id}" in path])
def test_every_published_record_is_what_the_official_hsds_document_says(official_schema, published_ids, path):
    """Real ids, so every answer is a 200 checked against HSDS's schema (a random id is only a 404).

    For /service_at_locations/{id} that schema is compiled/service.json: see the note in hsds_openapi.json.
    """
    operation = official_schema[path]["GET"]
    ids = published_ids[path.removesuffix("/{id}")]

    @given(case=operation.as_strategy(), record_id=st.sampled_from(ids))
    @SETTINGS
    def answers_as_hsds_says(case, record_id):
        case.path_parameters = {"id": record_id}
        response = case.call_and_validate(headers=IDENTITY, checks=OFFICIAL_CHECKS)
        assert response.status_code == 200

    answers_as_hsds_says()
