"""The API is readable from web pages on other origins, conditional requests included; no public page
gains a cross-origin header, and refused methods say which are allowed."""

import pytest

from tests.web.api.test_fuzz import PATHS
from tests.web.public.test_public import PUBLIC_PAGES

OTHER_ORIGIN = {"Origin": "https://another-directory.example"}
PREFLIGHT = {**OTHER_ORIGIN, "Access-Control-Request-Method": "GET",
             "Access-Control-Request-Headers": "if-none-match, if-modified-since"}


def concrete(path: str) -> str:
    return "/api" + path.replace("{id}", "00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize("path", PATHS)
def test_a_browser_may_send_a_conditional_request_from_another_origin(sample_client, path):
    response = sample_client.options(concrete(path), headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    allowed = {name.strip().lower() for name in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"if-none-match", "if-modified-since"}
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_preflight_for_other_headers_is_not_granted_them(sample_client):
    response = sample_client.options("/api/services", headers={**PREFLIGHT, "Access-Control-Request-Headers": "x-api-key"})
    assert "x-api-key" not in response.headers.get("Access-Control-Allow-Headers", "").lower()


@pytest.mark.parametrize("path", ["/api/", "/api/services?per_page=2", "/api/organizations", "/api/no-such-list",
                                  "/api/services/not-an-id", "/api/services?page=0"])
def test_every_api_answer_is_open_to_any_origin_and_shows_its_validators_to_scripts(sample_client, path):
    response = sample_client.get(path, headers=OTHER_ORIGIN)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert {"ETag", "Last-Modified"} <= {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert "Origin" not in response.headers.get("Vary", ""), "one cached answer serves every origin"


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/login", "/no-such-page"])
def test_pages_outside_the_api_gain_no_cross_origin_header(sample_client, path):
    for response in (sample_client.get(path, headers=OTHER_ORIGIN), sample_client.options(path, headers=PREFLIGHT)):
        assert not [name for name in response.headers.keys() if name.lower().startswith("access-control-")], path


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
@pytest.mark.parametrize("path", PATHS)
def test_a_refused_method_is_told_which_are_allowed(sample_client, path, method):
    response = sample_client.open(concrete(path), method=method)
    assert response.status_code == 405
    assert response.json == {"error": "This API is read-only: use GET", "status": 405}
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"
