"""Schemathesis drives our own OpenAPI document against the app in-process: no 500s, and every
response matches what the document promises.

(schemathesis's pytest plugin does not yet run under pytest 9, so each operation's hypothesis
strategy is driven here directly.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

PATHS = ["/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
         "/organizations", "/organizations/{id}", "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms",
         "/taxonomy_terms/{id}"]


@pytest.fixture(scope="module")
def api_schema(sample_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", sample_app)


def test_the_document_lists_exactly_these_operations(api_schema):
    assert sorted(op.ok().path for op in api_schema.get_all_operations()) == sorted(PATHS)


@pytest.mark.parametrize("path", PATHS)
def test_every_operation_answers_as_documented(api_schema, path):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              derandomize=True)
    def answers_as_documented(case):
        # In-process, schemathesis offers requests' `Accept-Encoding: gzip` but never unpacks the answer;
        # compression has its own tests (tests/web/test_static_assets.py).
        case.call_and_validate(headers={"Accept-Encoding": "identity"})

    answers_as_documented()
